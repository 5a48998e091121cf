/**
 * What the engine does with the call gate's verdict (call-gate.ts): refuses
 * the call or flags it, as `enforcement` in config/dialing.json says, and
 * records and alerts each violation once per call and rule.
 */
import type { ContactView } from '../customer-view.js';
import type { IneligibleReason } from '../../core/events/index.js';
import type { DialingRules } from '../dialing/index.js';
import { addTurn, type Session } from './call-session.js';
import { callGate, refusal } from './call-gate.js';
import type { Decision, DecisionDeps, DialingViolation, TurnRequest } from './engine-contract.js';
import { turnEvents } from './turn-events.js';

/** At most one alert per rule this often, so a misbehaving dialer cannot flood Slack. */
export const ALERT_EVERY_MS = 60_000;

/** Per rule: when its last alert went out, and how many were held back since. */
export class AlertThrottle {
  private readonly byRule = new Map<string, { sentMs: number; held: number }>();

  /** The message to send now (with the count held back before it), or null to hold it back. */
  pass(rule: string, message: string, nowMs: number): string | null {
    const last = this.byRule.get(rule);
    if (last && nowMs - last.sentMs < ALERT_EVERY_MS) {
      last.held++;
      return null;
    }
    this.byRule.set(rule, { sentMs: nowMs, held: 0 });
    return last?.held
      ? `${message} (+${last.held} more ${rule} not alerted since ${new Date(last.sentMs).toISOString()})`
      : message;
  }
}

type GateDeps = Pick<DecisionDeps, 'violation' | 'alert' | 'emit'>;
/** What a turn adds to its decision: the rule it breaks and why, or nothing. */
type Flag = Pick<Decision, 'rule' | 'detail'>;

export class DialingGate {
  private readonly alerts = new AlertThrottle();

  /**
   * Checks the call before its turn is understood. Refused (enforce): the
   * refusal becomes the session's last decision, which ends it (later turns
   * answer it again), and the turn's words go out as events like any turn's.
   * Flagged (flag mode): the call goes on, its decision carrying the rule.
   * A call that already ended or went to a human is not checked again.
   */
  check(
    x: { s: Session; req: TurnRequest; customer: ContactView; nowMs: number },
    rules: DialingRules,
    deps: GateDeps,
  ): Flag {
    const { s, nowMs } = x;
    if (s.last && s.last.action !== 'say') return {};
    const call = { callId: s.callId, campaignId: s.campaignId, firstTurn: s.flow.callTurns === 0 };
    const verdict = callGate(x.customer, call, nowMs, rules);
    if (verdict.ok) return {};
    const { reason: rule, detail } = verdict;
    const mode = rules.enforcement === 'enforce' ? 'refused' : 'flagged';
    if (!s.broken.includes(rule)) {
      s.broken.push(rule);
      this.record(violationOf(s, rule, detail, mode, nowMs), nowMs, deps);
    }
    if (mode === 'refused') {
      const d = refusal(s, rule, detail);
      s.flow = { ...s.flow, callTurns: s.flow.callTurns + 1 };
      addTurn(s, { speaker: 'customer', text: x.req.text });
      addTurn(s, { speaker: 'bot', text: d.text });
      s.last = d;
      deps.emit(turnEvents(s, x.req, d, nowMs, false));
    }
    return { rule, detail };
  }

  private record(v: DialingViolation, nowMs: number, deps: GateDeps): void {
    deps.violation(v);
    const what = v.mode === 'refused' ? 'refused' : 'let through (flag mode)';
    const message =
      `Dialing rule ${v.rule}: call ${v.call_id} to customer ${v.customer_id} ` +
      `(campaign ${v.campaign_id ?? 'default'}) ${what}: ${v.detail}`;
    const sent = this.alerts.pass(v.rule, message, nowMs);
    if (sent) deps.alert(sent);
  }
}

const violationOf = (
  s: Session,
  rule: IneligibleReason,
  detail: string,
  mode: DialingViolation['mode'],
  nowMs: number,
): DialingViolation => ({
  id: `${s.callId}/${rule}`,
  ts: new Date(nowMs).toISOString(),
  call_id: s.callId,
  customer_id: s.customerId,
  campaign_id: s.campaignId ?? null,
  rule,
  detail,
  mode,
});
