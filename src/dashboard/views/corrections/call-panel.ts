// One call to correct: its turns as heard (and as corrected so far), the
// editor of the turn being corrected, and the list of what changed.
import { errorMessage } from '../../shell/graphql-client.js';
import type { ViewContext } from '../../shell/view-context.js';
import { badge } from '../../ui/badge.js';
import { button, h } from '../../ui/dom.js';
import { formatDateTime } from '../../ui/format.js';
import { panel, type Panel } from '../../ui/panel.js';
import { loading, stateBox } from '../../ui/states.js';
import {
  CORRECTION_CALL_QUERY,
  SUBMIT_CORRECTION,
  type CorrectionCall,
  type CorrectionVocabulary,
} from '../../queries/correction-queries.js';
import { correctionList } from './correction-list.js';
import { turnState, type CorrectionArgs } from './correction-diff.js';
import { turnEditor } from './turn-editor.js';

export interface CallPanel {
  el: HTMLElement;
  /** Opens a call (null: none). */
  open(callId: string | null): void;
}

const slotText = (slots: Record<string, string | null>): string =>
  Object.entries(slots)
    .filter(([, v]) => v !== null)
    .map(([k, v]) => `${k}: ${v}`)
    .join(', ') || '—';

function turnsTable(call: CorrectionCall, onEdit: (turn: number) => void): HTMLElement {
  const rows = call.turns.map((t) => {
    const state = turnState(t, call.corrections);
    const customer = t.speaker === 'customer';
    return h(
      'tr',
      { 'data-testid': `turn-row-${t.turn}`, 'data-speaker': t.speaker },
      h('td', {}, String(t.turn)),
      h('td', {}, t.speaker),
      h(
        'td',
        {},
        h('span', { 'data-testid': 'turn-text' }, state.text),
        state.corrected ? ' ' : null,
        state.corrected ? badge('corrected', 'good') : null,
      ),
      h('td', { 'data-testid': 'turn-intent' }, customer ? (state.intent ?? '—') : ''),
      h('td', {}, customer ? slotText(state.slots) : ''),
      h(
        'td',
        {},
        customer
          ? button('Edit', () => onEdit(t.turn), {
              class: 'btn btn-ghost btn-sm',
              'data-testid': `edit-turn-${t.turn}`,
            })
          : null,
      ),
    );
  });
  return h(
    'div',
    { class: 'table-wrap' },
    h(
      'table',
      { class: 'data-table', 'data-testid': 'correction-turns' },
      h('caption', { class: 'sr-only' }, `Turns of call ${call.callId}`),
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          ...['Turn', 'Speaker', 'Text', 'Intent', 'Slots', ''].map((l) =>
            h('th', { scope: 'col' }, l),
          ),
        ),
      ),
      h('tbody', {}, ...rows),
    ),
  );
}

/** The call's turns (with the editor's place below them) and what changed. */
function drawCall(
  call: CorrectionCall,
  into: { turns: Panel; changes: Panel; notice: HTMLElement; editorSlot: HTMLElement },
  onEdit: (turn: number) => void,
): void {
  into.turns.title.textContent = `Turns of ${call.callId}`;
  into.turns.body.replaceChildren(
    h(
      'p',
      { class: 'muted' },
      [call.campaign, formatDateTime(call.startedAt)].filter(Boolean).join(' · '),
    ),
    into.notice,
    call.turns.length ? turnsTable(call, onEdit) : stateBox('empty', 'No stored turns'),
    into.editorSlot,
  );
  into.changes.body.replaceChildren(correctionList(call.corrections));
}

/** The call panel; `saved` is told after each correction the server took. */
export function callPanel(ctx: ViewContext, saved: () => void): CallPanel {
  const turns = panel('Turns', { testid: 'correction-call' });
  const changes = panel('What changed', { testid: 'correction-changes' });
  const notice = h('div', { class: 'banner banner-ok', role: 'status', 'data-testid': 'saved' });
  notice.hidden = true;
  const editorSlot = h('div', {});
  let current: { callId: string; vocabulary: CorrectionVocabulary; call: CorrectionCall } | null =
    null;
  let asked: string | null = null;

  const draw = (): void => {
    if (current) drawCall(current.call, { turns, changes, notice, editorSlot }, edit);
  };
  const edit = (turn: number): void => {
    const c = current!;
    const heard = c.call.turns.find((t) => t.turn === turn && t.speaker === 'customer')!;
    editorSlot.replaceChildren(
      turnEditor({
        turn,
        state: turnState(heard, c.call.corrections),
        vocabulary: c.vocabulary,
        save: (args) => save(c.callId, turn, args),
        cancel: () => editorSlot.replaceChildren(),
      }),
    );
  };
  const save = async (callId: string, turn: number, args: CorrectionArgs): Promise<void> => {
    const { data } = await ctx.client.mutate({
      mutation: SUBMIT_CORRECTION,
      variables: { callId, turn, ...args },
    });
    if (!data?.submitCorrection)
      throw new Error(`Turn ${turn} of call ${callId} is no longer stored.`);
    editorSlot.replaceChildren();
    await load(callId);
    // Once the turns and changes show the correction.
    notice.textContent = `Turn ${turn} corrected: the next retrain learns from it.`;
    notice.hidden = false;
    saved();
  };
  const load = async (callId: string): Promise<void> => {
    try {
      const { data } = await ctx.client.query({
        query: CORRECTION_CALL_QUERY,
        variables: { callId },
        fetchPolicy: 'network-only',
      });
      if (asked !== callId) return;
      if (!data?.correctionCall) {
        current = null;
        turns.body.replaceChildren(stateBox('empty', `No call ${callId}`, 'Check the call id.'));
        changes.body.replaceChildren();
        return;
      }
      current = { callId, vocabulary: data.correctionVocabulary, call: data.correctionCall };
      draw();
    } catch (err) {
      if (asked !== callId) return;
      turns.body.replaceChildren(stateBox('error', 'Cannot open the call', errorMessage(err)));
    }
  };
  const el = h('div', { class: 'stack' }, turns.el, changes.el);
  el.hidden = true;
  return {
    el,
    open(callId) {
      asked = callId;
      current = null;
      notice.hidden = true;
      editorSlot.replaceChildren();
      el.hidden = callId === null;
      if (callId === null) return;
      turns.title.textContent = `Turns of ${callId}`;
      turns.body.replaceChildren(loading('Opening the call…'));
      changes.body.replaceChildren();
      void load(callId);
    },
  };
}
