/** What a decided turn leaves behind: the events it emits and the record it logs. */
import { randomUUID } from 'node:crypto';
import type { DialwiseEvent } from '../../core/events/index.js';
import type { DecisionContext } from '../../core/logged-decision.js';
import type { ChosenLine } from '../scripts/index.js';
import type { Session } from './call-session.js';
import type { Decision, DecisionRecord, TurnRequest } from './engine-contract.js';

/**
 * Both sides of the turn as dialog.turn events, then call.transferred for a
 * transfer and consent.changed (call scope revoked, the turn as evidence)
 * for do-not-call. A spoken opt-out is recorded by the pipeline from the
 * customer's turn itself (pipelines/enrich), like one said to an agent, so
 * the engine adds no second record of it.
 */
export function turnEvents(
  s: Session,
  req: TurnRequest,
  d: Decision,
  nowMs: number,
  optOut: boolean,
): DialwiseEvent[] {
  const customerTurnId = randomUUID();
  const base = { schema_version: 1 as const, customer_id: s.customerId, call_id: s.callId };
  const traced = req.request_id ? { request_id: req.request_id } : {};
  const ts = new Date(nowMs).toISOString();
  const turnNo = s.flow.callTurns * 2;
  const events: DialwiseEvent[] = [
    {
      ...base,
      event_id: customerTurnId,
      type: 'dialog.turn',
      ts,
      turn: turnNo - 1,
      speaker: 'customer',
      text: req.text,
      asr_confidence: req.asr_confidence,
      ...(req.prosody && { prosody: req.prosody }),
      ...traced,
    },
    {
      ...base,
      event_id: d.decision_id,
      type: 'dialog.turn',
      ts,
      turn: turnNo,
      speaker: 'bot',
      text: d.text,
      asr_confidence: 1,
      ...traced,
    },
  ];
  if (d.transfer)
    events.push({
      ...base,
      event_id: randomUUID(),
      type: 'call.transferred',
      ts,
      reason: d.transfer.reason.trigger,
      queue: d.transfer.queue,
    });
  if (d.state === 'do_not_call' && !optOut)
    events.push({
      event_id: randomUUID(),
      type: 'consent.changed',
      ts,
      schema_version: 1,
      customer_id: s.customerId,
      scope: 'call',
      granted: false,
      evidence: {
        source: 'call_turn',
        call_id: s.callId,
        event_id: customerTurnId,
        cue: d.reason.slice(0, 128),
        text: req.text,
      },
    });
  return events;
}

/** The decision log's record of a decided turn. */
export function decisionRecord(
  s: Session,
  d: Decision,
  spoken: { node: string; segment: string; line: ChosenLine },
  nowMs: number,
  micros: number,
  context: DecisionContext,
): DecisionRecord {
  return {
    decision_id: d.decision_id,
    ts: new Date(nowMs).toISOString(),
    kind: 'turn',
    call_id: s.callId,
    customer_id: s.customerId,
    campaign_id: s.campaignId ?? null,
    state: s.flow.name,
    node: spoken.node,
    segment: spoken.segment,
    variant: spoken.line.variant,
    propensity: spoken.line.propensity,
    script_version: s.scriptVersion,
    // A live policy file's decisions name it: the log then tells its decisions from the experiment's.
    policy_version: spoken.line.policy ?? s.scriptVersion,
    action: d.action,
    reason: d.reason,
    blocked: d.blocked?.join(',') ?? null,
    ...(d.generation && {
      generation: d.generation.spoken ? 'spoken' : d.generation.cause,
      tokens: d.generation.tokens,
    }),
    micros,
    context,
  };
}
