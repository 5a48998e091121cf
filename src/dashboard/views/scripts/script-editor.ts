// The draft editor: a copy of a script version, node by node and variant by
// variant (whom it is said to, its line, its concise line), every line
// checked as it is typed. Submit stays disabled while any line is refused;
// the server checks every line again before it keeps the draft.
import type { ApolloClient } from '@apollo/client';
import { errorMessage } from '../../shell/graphql-client.js';
import { button, field, h } from '../../ui/dom.js';
import { PROPOSE_SCRIPTS, type ScriptDraft } from '../../queries/script-queries.js';
import { lineChecks, type LineInput } from './line-check.js';

/** config/scripts.json's shape, as far as the editor reads and writes it. */
interface Variant {
  id: string;
  text: string;
  concise?: string;
  match?: { tagsAny?: string[]; crm?: Record<string, string[]> };
  priority?: number;
}
export interface Library {
  version: string;
  nodes: Record<string, { safe: string; variants: Variant[] }>;
}

/** Whom a variant is said to, in a few words. */
const segmentOf = (v: Variant): string => {
  const parts = [
    ...(v.match?.tagsAny ? [`tags ${v.match.tagsAny.join(', ')}`] : []),
    ...Object.entries(v.match?.crm ?? {}).map(([k, values]) => `${k} ${values.join(', ')}`),
  ];
  return parts.length ? `for ${parts.join(' · ')}` : 'for everyone else';
};

type Put = (lib: Library) => void;

/** One node's lines; each input paired with where its text goes in the library. */
function nodeFields(
  node: string,
  lines: ReturnType<typeof lineChecks>,
  base: Library['nodes'][string],
): { el: HTMLElement; puts: Put[] } {
  const puts: Put[] = [];
  const line = (
    label: string,
    value: string,
    id: string,
    put: (lib: Library, v: string) => void,
  ) => {
    const l: LineInput = lines.line({ label, value, testid: `line-${node}-${id}` });
    puts.push((lib) => put(lib, l.input.value.trim()));
    return l.el;
  };
  const safe = line('Safe line', base.safe, 'safe', (lib, v) => (lib.nodes[node]!.safe = v));
  const variants = base.variants.map((variant, i) => {
    const at = (lib: Library) => lib.nodes[node]!.variants[i]!;
    return h(
      'div',
      { class: 'script-variant', 'data-testid': `variant-${node}-${variant.id}` },
      h(
        'div',
        { class: 'script-variant-head' },
        h('b', {}, variant.id),
        ` · ${segmentOf(variant)}`,
      ),
      line('Line', variant.text, `${variant.id}-text`, (lib, v) => (at(lib).text = v)),
      line('Concise', variant.concise ?? '', `${variant.id}-concise`, (lib, v) => {
        if (v) at(lib).concise = v;
        else delete at(lib).concise;
      }),
    );
  });
  const el = h('fieldset', { class: 'script-node' }, h('legend', {}, node), safe, ...variants);
  return { el, puts };
}

export function scriptEditor(
  client: ApolloClient,
  base: Library,
  done: (proposed: ScriptDraft | null) => void,
): { el: HTMLElement; destroy(): void } {
  const status = h('span', { class: 'field-hint', 'data-testid': 'draft-status' });
  const submit = h(
    'button',
    { type: 'submit', class: 'btn btn-primary', 'data-testid': 'draft-submit' },
    'Submit for review',
  );
  const version = h('input', {
    type: 'text',
    id: 'draft-version',
    required: '',
    spellcheck: 'false',
    placeholder: 'e.g. 2026-12-13',
    'data-testid': 'draft-version',
  });
  const refresh = (): void => {
    const { refused, checking } = lines.blocked();
    submit.disabled = refused > 0 || checking > 0 || version.value.trim() === '';
    status.textContent = refused
      ? `${refused} line${refused === 1 ? '' : 's'} refused: change ${refused === 1 ? 'it' : 'them'} to submit`
      : checking
        ? 'Checking…'
        : '';
  };
  const lines = lineChecks(client, refresh);
  version.addEventListener('input', refresh);
  const nodes = Object.entries(base.nodes).map(([node, n]) => nodeFields(node, lines, n));
  const error = h('div', {
    class: 'banner banner-error',
    role: 'alert',
    'data-testid': 'draft-error',
  });
  error.hidden = true;
  const form = h(
    'form',
    { class: 'script-editor', 'aria-label': `New draft from ${base.version}`, novalidate: '' },
    field('Version of the draft', version, `Edited from ${base.version}; a name not used before`),
    ...nodes.map((n) => n.el),
    error,
    h(
      'div',
      { class: 'form-actions' },
      submit,
      button('Cancel', () => done(null)),
      status,
    ),
  );
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    if (submit.disabled) return;
    const library = structuredClone(base);
    library.version = version.value.trim();
    for (const put of nodes.flatMap((n) => n.puts)) put(library);
    submit.disabled = true;
    error.hidden = true;
    client
      .mutate({ mutation: PROPOSE_SCRIPTS, variables: { library: JSON.stringify(library) } })
      .then(({ data }) => {
        if (!data) throw new Error('no answer');
        done(data.proposeScripts);
      })
      .catch((err: unknown) => {
        error.textContent = `Not submitted: ${errorMessage(err)}`;
        error.hidden = false;
        refresh();
      });
  });
  refresh();
  queueMicrotask(() => version.focus());
  return { el: form, destroy: () => lines.destroy() };
}
