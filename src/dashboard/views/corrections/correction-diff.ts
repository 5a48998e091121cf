// A turn as it stands after its corrections, and what an agent's edit
// changes of it: the arguments of submitCorrection, nothing that is the same.
import type { Correction, HeardTurn } from '../../queries/correction-queries.js';
import type { Slot, SlotInput } from '../../queries/graphql-types.js';

/** A turn's text, intent and slots (null: not said) once its corrections apply. */
export interface TurnState {
  text: string;
  intent: string | null;
  slots: Record<string, string | null>;
  /** Whether any correction touched the turn. */
  corrected: boolean;
}

/** `turn` as heard, then each of its corrections, oldest first (`corrections` come newest first). */
export function turnState(turn: HeardTurn, corrections: readonly Correction[]): TurnState {
  const state: TurnState = {
    text: turn.text,
    intent: turn.intent,
    slots: Object.fromEntries(turn.slots.map((s) => [s.name, s.value])),
    corrected: false,
  };
  for (const c of [...corrections].reverse()) {
    if (c.turn !== turn.turn) continue;
    state.corrected = true;
    if (c.correctedText !== null) state.text = c.correctedText;
    if (c.correctedIntent !== null) state.intent = c.correctedIntent;
    for (const s of c.correctedSlots) state.slots[s.name] = s.value;
  }
  return state;
}

/** What the agent typed: the text, the intent picked ('' none), each slot's value ('' not said). */
export interface TurnEdit {
  text: string;
  intent: string;
  slots: Record<string, string>;
}

export interface CorrectionArgs {
  text?: string;
  intent?: string;
  slots?: SlotInput[];
}

/** The fields the edit changes of `state`; null when it changes nothing. */
export function correctionOf(state: TurnState, edit: TurnEdit): CorrectionArgs | null {
  const args: CorrectionArgs = {};
  if (edit.text.trim() !== state.text.trim()) args.text = edit.text.trim();
  if (edit.intent !== '' && edit.intent !== state.intent) args.intent = edit.intent;
  const slots = Object.entries(edit.slots).flatMap(([name, typed]) => {
    const now = typed.trim();
    // The edit's slots are correctionVocabulary's: the schema's Slot values.
    const slot = name as Slot;
    return now === (state.slots[name] ?? '')
      ? []
      : [{ name: slot, value: now === '' ? null : now }];
  });
  if (slots.length) args.slots = slots;
  return Object.keys(args).length ? args : null;
}
