/**
 * Live agent assist: an agent's turn that trips the compliance rules becomes
 * a warning for the agent's desktop, with what was said wrong, where, and a
 * compliant wording to say instead. A pure function of the turn and its
 * hits; the engine sends it the moment it hears the turn.
 */
import type { EventOf } from '../../core/events/index.js';
import { withSayInstead, type SayInstead } from '../../models/compliance/index.js';
import type { ComplianceHit } from '../../models/types.js';

export interface AgentWarning {
  kind: 'compliance_warning';
  call_id: string;
  customer_id: string;
  /** The agent who spoke, when the dialer names them. */
  agent_id: string | null;
  turn: number;
  /** When the turn was said (the event's time). */
  said_at: string;
  /** Each promise heard, in the order said, with the wording to use instead. */
  hits: (ComplianceHit & { say_instead: SayInstead })[];
}

/** The warning for an agent's turn, or null when it broke no rule (or was not an agent's). */
export function agentWarning(
  turn: EventOf<'dialog.turn'>,
  hits: readonly ComplianceHit[],
  sayInstead: (rule: string) => SayInstead | undefined,
): AgentWarning | null {
  if (turn.speaker !== 'agent' || hits.length === 0) return null;
  return {
    kind: 'compliance_warning',
    call_id: turn.call_id,
    customer_id: turn.customer_id,
    agent_id: turn.agent_id ?? null,
    turn: turn.turn,
    said_at: turn.ts,
    hits: withSayInstead(hits, sayInstead),
  };
}
