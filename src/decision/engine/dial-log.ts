/**
 * The decision log's records of a dialer's answer: one per customer offered,
 * so the off-policy evaluator can later judge a ranking rule on the real
 * traffic as it judges a script policy. A dial's reward (a call to the
 * customer started within the hour) is joined when the log is read
 * (analytics/records/logged-decisions.ts).
 */
import { randomUUID } from 'node:crypto';
import type { RankingView } from '../customer-view.js';
import type { DialingRules, Ranking } from '../dialing/index.js';
import { scriptSegmentOf } from '../scripts/index.js';
import { decisionContextOf } from './decision-context.js';
import type { DecisionRecord } from './engine-contract.js';

/** The logging policy of dial decisions: bump it when the ranking rule changes. */
export const RANKER_VERSION = 'ranker-v1';

export function dialRecords(
  ranking: Ranking,
  candidates: readonly RankingView[],
  nowMs: number,
  rules: DialingRules,
  campaignId?: string,
): DecisionRecord[] {
  if (ranking.next.length === 0) return [];
  const offered = new Set(ranking.next.map((r) => r.customerId));
  const views = new Map(
    candidates.filter((c) => offered.has(c.customerId)).map((c) => [c.customerId, c]),
  );
  const ts = new Date(nowMs).toISOString();
  return ranking.next.flatMap((r, i): DecisionRecord[] => {
    const c = views.get(r.customerId);
    if (!c) return [];
    return [
      {
        decision_id: randomUUID(),
        ts,
        kind: 'dial',
        call_id: null,
        customer_id: r.customerId,
        campaign_id: campaignId ?? null,
        state: 'dialer',
        node: 'dialer',
        segment: scriptSegmentOf(c),
        // The ranking is one rule today; a rule with several reasons logs the one that placed the customer.
        variant: 'score',
        // Deterministic: whoever is offered was offered with certainty.
        propensity: 1,
        script_version: null,
        policy_version: RANKER_VERSION,
        action: 'dial',
        reason: `rank ${i + 1}: intent ${r.intentScore.toFixed(3)} x answer ${r.pAnswer.toFixed(3)}`,
        blocked: null,
        // Ranked as one batch: no time of its own per customer.
        micros: 0,
        context: decisionContextOf(c, nowMs, rules),
      },
    ];
  });
}
