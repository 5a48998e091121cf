// A script line as it is typed: checked by the server's compliance rules (the
// guard the bot's lines pass) a moment after the last key, the refusal shown
// under the line with what to say instead. The form asks `blocked()` before
// it lets a draft go for review.
import type { ApolloClient } from '@apollo/client';
import { errorMessage } from '../../shell/graphql-client.js';
import { h } from '../../ui/dom.js';
import { SCRIPT_LINE_CHECK, type LineHit } from '../../queries/script-queries.js';

/** Quiet time after the last key before a line is checked. */
const DEBOUNCE_MS = 300;

export interface LineInput {
  el: HTMLElement;
  input: HTMLTextAreaElement;
}

export interface LineChecks {
  /** A line's input, checked as it is typed. */
  line(opts: { label: string; value: string; testid: string; hint?: string }): LineInput;
  /** Lines refused or still being checked. */
  blocked(): { refused: number; checking: number };
  destroy(): void;
}

const hitText = (hits: readonly LineHit[]): string =>
  hits.map((x) => `“${x.term}” (${x.rule})`).join(', ');

function refusal(hits: readonly LineHit[]): HTMLElement {
  const wording = [...new Set(hits.map((x) => x.sayInstead.zh))];
  return h(
    'div',
    { class: 'line-refusal', role: 'alert', 'data-testid': 'line-refusal' },
    h('b', {}, 'Refused by the compliance rules: '),
    hitText(hits),
    ...wording.map((w) => h('div', { class: 'line-say-instead' }, `Say instead: ${w}`)),
  );
}

/** Checks lines for one form; `changed` runs whenever a line's state changes. */
export function lineChecks(client: ApolloClient, changed: () => void): LineChecks {
  const refused = new Set<HTMLTextAreaElement>();
  const checking = new Set<HTMLTextAreaElement>();
  const timers = new Set<ReturnType<typeof setTimeout>>();
  let alive = true;

  const check = async (input: HTMLTextAreaElement, note: HTMLElement, seq: () => number) => {
    const mine = seq();
    try {
      const { data } = await client.query({
        query: SCRIPT_LINE_CHECK,
        variables: { text: input.value },
        fetchPolicy: 'no-cache',
      });
      if (!alive || mine !== seq()) return;
      const hits = data?.scriptLineCheck ?? [];
      if (hits.length) refused.add(input);
      else refused.delete(input);
      input.setAttribute('aria-invalid', String(hits.length > 0));
      note.replaceChildren(...(hits.length ? [refusal(hits)] : []));
    } catch (err) {
      if (!alive || mine !== seq()) return;
      // Not known to be allowed: held back like a refusal until it can be checked.
      refused.add(input);
      note.replaceChildren(
        h('div', { class: 'line-refusal', role: 'alert' }, `Not checked: ${errorMessage(err)}`),
      );
    }
    checking.delete(input);
    changed();
  };

  return {
    line({ label, value, testid, hint }) {
      const input = h('textarea', {
        class: 'script-line-input',
        rows: '2',
        'aria-label': label,
        'data-testid': testid,
      });
      input.value = value;
      const note = h('div', { class: 'line-note', 'aria-live': 'polite' });
      let seq = 0;
      let timer: ReturnType<typeof setTimeout> | undefined;
      input.addEventListener('input', () => {
        seq += 1;
        checking.add(input);
        changed();
        if (timer) timers.delete(timer);
        clearTimeout(timer);
        timer = setTimeout(() => void check(input, note, () => seq), DEBOUNCE_MS);
        timers.add(timer);
      });
      const el = h(
        'div',
        { class: 'script-line' },
        h('span', { class: 'script-line-label' }, label),
        hint ? h('span', { class: 'field-hint' }, hint) : null,
        input,
        note,
      );
      return { el, input };
    },
    blocked: () => ({ refused: refused.size, checking: checking.size }),
    destroy() {
      alive = false;
      for (const t of timers) clearTimeout(t);
    },
  };
}
