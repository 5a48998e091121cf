// What changed: each correction of a call as original → corrected, who and
// when; and the corrected turns the next retrain will learn from.
import { h } from '../../ui/dom.js';
import { formatDateTime, formatInt } from '../../ui/format.js';
import { stateBox } from '../../ui/states.js';
import type {
  Correction,
  RetrainCorrections,
  SlotValue,
} from '../../queries/correction-queries.js';

const NOT_SAID = '(not said)';

/** One field's change: its name, what was heard struck out, what it is now. */
const changeRow = (name: string, was: string | null, now: string | null): HTMLElement =>
  h(
    'div',
    { class: 'kv', 'data-testid': 'change' },
    h('dt', {}, name),
    h(
      'dd',
      {},
      h('del', { 'data-testid': 'change-from' }, was ?? NOT_SAID),
      ' → ',
      h('ins', { 'data-testid': 'change-to' }, now ?? NOT_SAID),
    ),
  );

const valueOf = (slots: readonly SlotValue[], name: string): string | null =>
  slots.find((s) => s.name === name)?.value ?? null;

function correctionItem(c: Correction): HTMLElement {
  return h(
    'li',
    { class: 'stack', 'data-testid': 'correction-item', 'data-turn': String(c.turn) },
    h(
      'p',
      { class: 'muted' },
      `Turn ${c.turn} · by ${c.submittedBy} · ${formatDateTime(c.submittedAt)}`,
    ),
    c.correctedText !== null ? changeRow('Text', c.originalText, c.correctedText) : null,
    c.correctedIntent !== null ? changeRow('Intent', c.originalIntent, c.correctedIntent) : null,
    ...c.correctedSlots.map((s) => changeRow(s.name, valueOf(c.originalSlots, s.name), s.value)),
  );
}

/** A call's corrections, newest first. */
export function correctionList(corrections: readonly Correction[]): HTMLElement {
  if (!corrections.length)
    return stateBox('empty', 'No corrections yet', 'Saved corrections of this call appear here.');
  return h(
    'ol',
    { class: 'stack', 'data-testid': 'correction-list' },
    ...corrections.map(correctionItem),
  );
}

/** The next retrain's share of the corrections: how many it takes, and the latest of them. */
export function retrainSummary(r: RetrainCorrections): HTMLElement {
  const rows = r.records.map((x) =>
    h(
      'tr',
      { 'data-testid': 'retrain-record', 'data-call': x.callId, 'data-turn': String(x.turn) },
      h('td', { class: 'mono' }, `${x.callId} #${x.turn}`),
      h('td', {}, x.text),
      h('td', {}, h('b', {}, x.label)),
      h('td', {}, x.slots.map((s) => `${s.name}: ${s.value ?? NOT_SAID}`).join(', ') || '—'),
      h('td', { class: 'nowrap' }, x.submittedBy.join(', ')),
    ),
  );
  return h(
    'div',
    { class: 'stack' },
    h(
      'p',
      {},
      'Corrected turns in the next retrain’s intent training set: ',
      h('b', { 'data-testid': 'retrain-used', 'data-value': String(r.used) }, formatInt(r.used)),
      '. Kept but not trained on (text or slots only; nothing learns slots yet): ',
      h('span', { 'data-testid': 'retrain-skipped' }, formatInt(r.skipped)),
      '.',
    ),
    rows.length
      ? h(
          'div',
          { class: 'table-wrap' },
          h(
            'table',
            { class: 'data-table', 'data-testid': 'retrain-records' },
            h('caption', { class: 'sr-only' }, 'Corrections the next retrain learns from'),
            h(
              'thead',
              {},
              h(
                'tr',
                {},
                ...['Turn', 'Text', 'Intent', 'Slots', 'By'].map((l) =>
                  h('th', { scope: 'col' }, l),
                ),
              ),
            ),
            h('tbody', {}, ...rows),
          ),
        )
      : null,
  );
}
