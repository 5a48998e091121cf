/**
 * The dialing rules at POST /dialog/turn: binding, not only advice that
 * /dialer/next follows. A dialer that calls an ineligible customer anyway
 * is caught here, before the turn is understood. Pure functions of the
 * customer, the call and `nowMs`; dialing-gate.ts acts on their verdict.
 */
import { randomUUID } from 'node:crypto';
import { contactCheck, type DialingRules, type Eligibility } from '../dialing/index.js';
import type { IneligibleReason } from '../../core/events/index.js';
import type { ContactView } from '../customer-view.js';
import type { Session } from './call-session.js';
import type { Decision } from './engine-contract.js';

/**
 * Rules that bind on every turn: a do-not-call mark or a withdrawal (on any
 * channel the campaign's policy counts) made while the call is on stops it
 * at its next turn. The cap and the calling window bind at the first turn
 * only: a call that began within them may finish.
 */
const EVERY_TURN: ReadonlySet<IneligibleReason> = new Set([
  'do_not_call',
  'consent_refused',
  'consent_withdrawn',
  'no_consent',
]);

export interface GatedCall {
  callId: string;
  /** Absent: the default campaign's policy. */
  campaignId: string | undefined;
  /** Whether this is the call's first customer turn (cap and window are checked then only). */
  firstTurn: boolean;
}

/**
 * Whether the call may go on at this turn, by the one contact check that
 * /outreach/check and /dialer/next use (channel `call`, the call's
 * campaign). The call's own `call.started` may already be among the
 * touches: it does not count against itself.
 */
export function callGate(
  customer: ContactView,
  call: GatedCall,
  nowMs: number,
  rules: DialingRules,
): Eligibility {
  const others = customer.touches.filter((t) => !(t.channel === 'call' && t.id === call.callId));
  const check = contactCheck(
    { ...customer, touches: others },
    { channel: 'call', campaignId: call.campaignId },
    nowMs,
    rules,
  );
  // contactCheck reports do-not-call and consent before the cap and the window,
  // so a later turn that fails only those two passed the every-turn rules.
  if (check.ok || call.firstTurn || EVERY_TURN.has(check.reason)) return check;
  return { ok: true };
}

/** What the bot says to a refused call: a goodbye that offers, promises and asks nothing. */
export const REFUSAL_LINE = '抱歉打扰您了，再见。';

/**
 * The decision that ends a refused call: its state unchanged, no script
 * node or experiment arm (nothing was chosen), the rule and why.
 */
export function refusal(s: Session, rule: IneligibleReason, detail: string): Decision {
  return {
    decision_id: randomUUID(),
    call_id: s.callId,
    action: 'end',
    text: REFUSAL_LINE,
    state: s.flow.name,
    script_id: 'refused',
    variant: 'safe',
    script_version: s.scriptVersion,
    concise: true,
    reason: `refused: ${rule}`,
    // The turn was not understood: the rules stopped the call first.
    intent: 'none',
    intent_score: s.intentScore,
    rule,
    detail,
  };
}
