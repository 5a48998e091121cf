// The form that corrects one customer turn: the text, the intent (only the
// served model's labels are offered) and each slot the extractor knows.
import { errorMessage } from '../../shell/graphql-client.js';
import { button, field, h, select } from '../../ui/dom.js';
import type { CorrectionVocabulary } from '../../queries/correction-queries.js';
import { correctionOf, type CorrectionArgs, type TurnState } from './correction-diff.js';

/** The slots' names as an agent reads them. */
const SLOT_LABEL: Record<string, string> = {
  budget: 'Budget',
  timeline: 'Timeline',
  decisionMaker: 'Decision maker',
  competitor: 'Competitor',
  objection: 'Objection',
  channel: 'Channel',
};

export interface TurnEditorOptions {
  turn: number;
  state: TurnState;
  vocabulary: CorrectionVocabulary;
  /** Sends the correction; rejects with the server's refusal. */
  save(args: CorrectionArgs): Promise<void>;
  cancel(): void;
}

/** The intent picker: the allowed labels; a heard label outside them is shown, not offered. */
function intentPicker(state: TurnState, intents: readonly string[]): HTMLSelectElement {
  const known = state.intent !== null && intents.includes(state.intent);
  const picker = select(
    'correct-intent',
    [
      ...(known ? [] : [{ value: '', label: `— heard: ${state.intent ?? 'none'} —` }]),
      ...intents.map((i) => ({ value: i, label: i })),
    ],
    known ? state.intent! : '',
    { 'data-testid': 'correct-intent' },
  );
  return picker;
}

export function turnEditor(o: TurnEditorOptions): HTMLElement {
  const text = h('textarea', { id: 'correct-text', rows: '2', 'data-testid': 'correct-text' });
  text.value = o.state.text;
  const intent = intentPicker(o.state, o.vocabulary.intents);
  const slots = o.vocabulary.slots.map((name) => {
    const input = h('input', {
      type: 'text',
      id: `slot-${name}`,
      placeholder: 'not said',
      autocomplete: 'off',
      'data-testid': `slot-${name}`,
    });
    input.value = o.state.slots[name] ?? '';
    return { name, input };
  });
  const error = h('div', { class: 'banner banner-error', role: 'alert' });
  error.hidden = true;
  const saveButton = h(
    'button',
    { type: 'submit', class: 'btn btn-primary', 'data-testid': 'save-correction' },
    'Save correction',
  );
  const form = h(
    'form',
    { class: 'stack', 'aria-label': `Correct turn ${o.turn}`, 'data-testid': 'turn-editor' },
    h('h3', { class: 'section-title' }, `Correct turn ${o.turn}`),
    error,
    field('What the customer said', text, 'Fix what the recogniser misheard.'),
    field('Intent', intent, 'Only the labels of the intent model in service.'),
    h(
      'div',
      { class: 'form-grid' },
      ...slots.map((s) => field(SLOT_LABEL[s.name] ?? s.name, s.input)),
    ),
    h(
      'div',
      { class: 'form-actions' },
      saveButton,
      button('Cancel', o.cancel, { class: 'btn btn-ghost', 'data-testid': 'cancel-correction' }),
    ),
  );
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const args = correctionOf(o.state, {
      text: text.value,
      intent: intent.value,
      slots: Object.fromEntries(slots.map((s) => [s.name, s.input.value])),
    });
    if (!args) {
      error.textContent = 'Nothing changed: edit the text, the intent or a slot first.';
      error.hidden = false;
      return;
    }
    saveButton.disabled = true;
    error.hidden = true;
    o.save(args).catch((err: unknown) => {
      saveButton.disabled = false;
      error.textContent = `Not saved: ${errorMessage(err)}`;
      error.hidden = false;
    });
  });
  return form;
}
