// The lines that differ between two script versions (or a draft and its
// base): node, variant, which line, before and after.
import { h } from '../../ui/dom.js';
import { badge, type Tone } from '../../ui/badge.js';
import { stateBox } from '../../ui/states.js';
import { dataTable } from '../../ui/table.js';
import type { ScriptChange } from '../../queries/script-queries.js';

const CHANGE_TONE: Record<string, Tone> = { added: 'good', removed: 'bad', changed: 'warn' };

const FIELD_LABEL: Record<string, string> = {
  safe: 'Safe line',
  text: 'Line',
  concise: 'Concise',
  segment: 'Said to',
};

const text = (t: string | null, cls: string): HTMLElement =>
  t === null ? h('span', { class: 'muted' }, '—') : h('span', { class: cls }, t);

export function changesView(title: string, changes: readonly ScriptChange[]): HTMLElement {
  if (changes.length === 0)
    return h(
      'div',
      { 'data-testid': 'script-changes' },
      stateBox('empty', `${title}: no line differs`),
    );
  const table = dataTable<ScriptChange & { key: string }>({
    caption: title,
    rowKey: (c) => c.key,
    testid: 'script-changes-table',
    columns: [
      { id: 'node', label: 'Node', render: (c) => h('span', { class: 'mono' }, c.node) },
      { id: 'variant', label: 'Variant', render: (c) => c.variant ?? '—' },
      { id: 'field', label: 'Line', render: (c) => FIELD_LABEL[c.field] ?? c.field },
      { id: 'change', label: 'Change', render: (c) => badge(c.change, CHANGE_TONE[c.change]) },
      { id: 'before', label: 'Before', render: (c) => text(c.before, 'diff-before') },
      { id: 'after', label: 'After', render: (c) => text(c.after, 'diff-after') },
    ],
  });
  table.setRows(changes.map((c) => ({ ...c, key: `${c.node}/${c.variant}/${c.field}` })));
  return h(
    'div',
    { 'data-testid': 'script-changes' },
    h('p', { class: 'field-hint' }, `${title}: ${changes.length} line(s)`),
    table.el,
  );
}
