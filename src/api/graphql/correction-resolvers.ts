import { randomUUID } from 'node:crypto';
import {
  audit,
  callForCorrection,
  callsToCorrect,
  customerTurn,
  type StoredCorrection,
} from '../../analytics/records/index.js';
import { DialwiseError } from '../../core/errors.js';
import { parseEvent } from '../../core/events/index.js';
import { readCorrections, type CorrectionRecord } from '../../training/index.js';
import { CORRECTORS, type Principal } from '../auth.js';
import { correctionEvent, correctionProblem, type CorrectionInput } from '../correction-rules.js';
import { correctionVocabulary, heardSlots } from '../correction-vocabulary.js';
import { callSql, campaignSql } from '../scope.js';
import { guarded, type ResolverDeps } from './context.js';
import { pageSize } from './views.js';

type SubmitArgs = CorrectionInput & { callId: string; turn: number };

const slotList = (slots: Record<string, string | null> | null | undefined) =>
  Object.entries(slots ?? {}).map(([name, value]) => ({ name, value }));

/** The calls a principal sees, as a condition on a call's row `c`. */
const callScope = (p: Principal) => campaignSql(p, 'c.campaign_id');

type Models = ResolverDeps['models'];

function correctionView(models: Models, k: StoredCorrection, callId: string) {
  return {
    eventId: k.event_id,
    callId,
    turn: k.turn,
    submittedBy: k.submitted_by,
    submittedAt: k.ts,
    originalText: k.original_text,
    originalIntent: k.original_intent,
    originalSlots: k.original_text === null ? [] : heardSlots(models, k.original_text),
    correctedText: k.corrected_text,
    correctedIntent: k.corrected_intent,
    correctedSlots: slotList(k.corrected_slots),
  };
}

const retrainView = (r: CorrectionRecord) => ({
  callId: r.provenance.call_id,
  turn: r.provenance.turn,
  text: r.text,
  label: r.label,
  slots: slotList(r.slots),
  submittedBy: r.provenance.submitted_by,
  submittedAt: new Date(r.provenance.submitted_at).toISOString(),
});

/**
 * One turn's correction as a correction.submitted by the signed-in
 * principal, through the pipeline like any event: refused with the reason
 * when empty or for labels the served models do not know, null for a turn
 * the principal cannot see; dead-lettered when the event's bounds refuse it.
 */
async function submitCorrection(deps: ResolverDeps, a: SubmitArgs, by: Principal) {
  const problem = correctionProblem(a, await correctionVocabulary(deps.models));
  if (problem) throw new DialwiseError('BAD_REQUEST', problem);
  const heard = await customerTurn(deps.store, a.callId, a.turn, callScope(by));
  // No such customer turn (or not one this key may see): null, like every lookup of nothing.
  if (!heard) return null;
  const event = correctionEvent(a, {
    eventId: `correction-${randomUUID()}`,
    ts: new Date(deps.clock.now()).toISOString(),
    customerId: heard.customer_id,
    submittedBy: by.name,
  });
  const parsed = parseEvent(event);
  if (!parsed.ok) {
    await deps.submit([], [JSON.stringify(event)]);
    throw new DialwiseError('BAD_REQUEST', parsed.reason);
  }
  await deps.submit([parsed.event], []);
  await audit(deps.store, by, 'correction.submit', `${a.callId}#${a.turn}`);
  const stored: StoredCorrection = {
    event_id: event.event_id,
    turn: a.turn,
    submitted_by: event.submitted_by,
    ts: event.ts,
    corrected_text: event.corrected_text ?? null,
    corrected_intent: event.corrected_intent ?? null,
    corrected_slots: event.corrected_slots ?? null,
    original_text: heard.text,
    original_intent: heard.intent,
  };
  return correctionView(deps.models, stored, a.callId);
}

/**
 * Agents' corrections of what the bot heard: a call's turns to correct
 * (read audited), the correction itself, and what the next retrain will
 * learn from. Agent, compliance and admin; a campaign-scoped key sees its
 * campaigns' calls.
 */
export function correctionResolvers(deps: ResolverDeps) {
  const { store, models } = deps;
  return {
    Query: {
      correctionVocabulary: guarded(CORRECTORS, () => correctionVocabulary(models)),
      callsToCorrect: guarded(CORRECTORS, async (a: { limit?: number }, ctx) => {
        const limit = pageSize(a.limit, 20, 100);
        const calls = await callsToCorrect(store, limit, callScope(ctx.principal));
        return calls.map((c) => ({
          callId: c.call_id,
          startedAt: c.started_at,
          campaign: c.campaign_id,
          customerTurns: c.customer_turns,
          corrections: c.corrections,
        }));
      }),
      correctionCall: guarded(
        CORRECTORS,
        async (a: { callId: string }, ctx) => {
          const scope = callScope(ctx.principal);
          const found = await callForCorrection(store, ctx.principal, a.callId, scope);
          return (
            found && {
              callId: a.callId,
              startedAt: found.call.started_at,
              campaign: found.call.campaign_id,
              turns: found.turns.map((t) => ({ ...t, slots: heardSlots(models, t.text) })),
              corrections: found.corrections.map((k) => correctionView(models, k, a.callId)),
            }
          );
        },
        { store, action: 'corrections.read', target: (a) => a.callId },
      ),
      nextRetrainCorrections: guarded(CORRECTORS, async (a: { limit?: number }, ctx) => {
        const scope = callSql(ctx.principal, 'c.call_id');
        const { records, skipped } = await readCorrections(store, ctx.principal, scope);
        const latest = records.slice(-pageSize(a.limit, 50, 200)).reverse();
        return { used: records.length, skipped, records: latest.map(retrainView) };
      }),
    },
    Mutation: {
      submitCorrection: guarded(
        CORRECTORS,
        (a: SubmitArgs, ctx) => submitCorrection(deps, a, ctx.principal),
        { store, action: 'correction.submit', target: (a) => `${a.callId}#${a.turn}` },
      ),
    },
  };
}
