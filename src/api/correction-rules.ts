// An agent's correction of a turn as the dashboard sends it: what makes it
// refused, and the event it becomes. Pure: the vocabulary is handed in.
import type { EventOf } from '../core/events/index.js';
import { labelProblem, type CorrectionVocabulary } from '../models/correction-labels.js';

/** One turn's fixes as the agent typed them; a slot's null value: the customer never said it. */
export interface CorrectionInput {
  text?: string | undefined;
  intent?: string | undefined;
  slots?: readonly { name: string; value?: string | null | undefined }[] | undefined;
}

/** Why the dashboard's correction is refused; undefined when it may be submitted. */
export function correctionProblem(
  input: CorrectionInput,
  v: CorrectionVocabulary,
): string | undefined {
  const slots = input.slots ?? [];
  if (input.text === undefined && input.intent === undefined && slots.length === 0)
    return 'an empty correction: give the corrected text, intent or slots';
  if (input.text !== undefined && input.text.trim() === '')
    return 'the corrected text is empty (leave it out to keep what was heard)';
  const names = slots.map((s) => s.name);
  const twice = names.find((n, i) => names.indexOf(n) !== i);
  if (twice !== undefined) return `slot "${twice.slice(0, 64)}" is given twice`;
  return labelProblem(input.intent, names, v);
}

/**
 * The correction.submitted event of a checked input, by the signed-in
 * principal (never a name the client gives), for the turn's customer.
 */
export function correctionEvent(
  input: CorrectionInput & { callId: string; turn: number },
  by: { eventId: string; ts: string; customerId: string; submittedBy: string },
): EventOf<'correction.submitted'> {
  const slots = input.slots?.length
    ? Object.fromEntries(input.slots.map((s) => [s.name, s.value?.trim() || null]))
    : undefined;
  return {
    event_id: by.eventId,
    type: 'correction.submitted',
    ts: by.ts,
    schema_version: 1,
    customer_id: by.customerId,
    call_id: input.callId,
    turn: input.turn,
    ...(input.text !== undefined && { corrected_text: input.text.trim() }),
    ...(input.intent !== undefined && { corrected_intent: input.intent }),
    ...(slots && { corrected_slots: slots }),
    submitted_by: by.submittedBy,
  };
}
