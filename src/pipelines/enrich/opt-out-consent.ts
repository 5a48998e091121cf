import type { EventOf } from '../../core/events/index.js';

/**
 * The consent change a spoken opt-out makes, with the turn as its evidence;
 * its id follows from the turn's, so a replayed turn records it once.
 */
export function optOutConsent(
  e: EventOf<'dialog.turn'>,
  cue: string | undefined,
): EventOf<'consent.changed'> {
  return {
    type: 'consent.changed',
    schema_version: 1,
    event_id: `${e.event_id}:opt-out`,
    customer_id: e.customer_id,
    ts: e.ts,
    scope: 'call',
    granted: false,
    evidence: {
      source: e.speaker === 'agent' ? 'agent' : 'call_turn',
      call_id: e.call_id,
      event_id: e.event_id,
      ...(cue && { cue: cue.slice(0, 128) }),
      text: e.text,
    },
  };
}
