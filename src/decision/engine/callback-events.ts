/** The callback a customer asks for in a live turn, as the event the pipeline keeps it by. */
import { callbackOfTurn } from '../../core/callback.js';
import type { DialwiseEvent } from '../../core/events/index.js';
import type { CallbackWindow } from '../../models/types.js';

/**
 * The turn's events with a callback.scheduled (source customer) before
 * them when the customer named a time. First, so the enricher applies it
 * before the customer's turn, from which it would derive the very same
 * event (same id) and then skip it: one callback, one path.
 */
export function withCallback(
  events: DialwiseEvent[],
  at: CallbackWindow | undefined,
): DialwiseEvent[] {
  const turn = events.find((e) => e.type === 'dialog.turn' && e.speaker === 'customer');
  return at && turn?.type === 'dialog.turn' ? [callbackOfTurn(turn, at), ...events] : events;
}
