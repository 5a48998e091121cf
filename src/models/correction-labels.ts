// What an agent's correction may name: the labels of the intent model served
// and the slots the extractor knows. One check for the API (the dashboard's
// mutation, POST /events) and the pipeline (a correction that arrives any
// other way is dead-lettered with the reason).
import type { DialwiseEvent } from '../core/events/index.js';
import { CORRECTABLE_SLOTS, type TurnModels } from './types.js';

/** The served intent model's labels and the slots the slot extractor knows. */
export interface CorrectionVocabulary {
  intents: readonly string[];
  slots: readonly string[];
}

export const servedVocabulary = (turn: TurnModels): CorrectionVocabulary => ({
  intents: turn.intentLabels,
  slots: CORRECTABLE_SLOTS,
});

/** At most this many characters of the allowed labels in a refusal (a model may have thousands). */
const LISTED_CHARS = 2000;

const listed = (names: readonly string[]): string => {
  const all = names.join(', ');
  return all.length <= LISTED_CHARS ? all : `${all.slice(0, LISTED_CHARS)}…`;
};

/** Why these labels are refused, naming the allowed ones; undefined when every one is known. */
export function labelProblem(
  intent: string | undefined,
  slotNames: readonly string[],
  v: CorrectionVocabulary,
): string | undefined {
  if (intent !== undefined && !v.intents.includes(intent))
    return `intent "${intent.slice(0, 64)}" is not a label of the served intent model; allowed: ${listed(v.intents)}`;
  const unknown = slotNames.find((n) => !v.slots.includes(n));
  if (unknown !== undefined)
    return `slot "${unknown.slice(0, 64)}" is not a slot the extractor knows; allowed: ${listed(v.slots)}`;
  return undefined;
}

/** Why a correction.submitted is refused (its labels); undefined for any other event. */
export function correctionEventProblem(
  e: DialwiseEvent,
  v: CorrectionVocabulary,
): string | undefined {
  if (e.type !== 'correction.submitted') return undefined;
  return labelProblem(e.corrected_intent, Object.keys(e.corrected_slots ?? {}), v);
}
