import type { CustomerView } from '../customer-view.js';
import { pAnswer, type AnswerModel } from './answer-model.js';
import type { DialingRules } from './dialing-rules.js';
import { campaignPolicy } from './dialing-rules.js';
import {
  countedTouches,
  eligibility,
  INELIGIBLE_REASONS,
  type IneligibleReason,
} from './eligibility.js';
import { localTimeOf } from './local-time.js';

export interface RankedCustomer {
  customerId: string;
  /** intentScore × pAnswer: the chance this dial reaches a buyer. */
  score: number;
  pAnswer: number;
  intentScore: number;
}

export interface Ranking {
  /** Best first, at most `limit`. */
  next: RankedCustomer[];
  /** Candidates left out, by the first rule they failed (for metrics). */
  skipped: Record<IneligibleReason, number>;
}

/**
 * The eligible candidates best first at `nowMs`. score = intentScore × pAnswer then:
 * a likely buyer who will not pick up at this hour waits for a better one.
 * Equal scores go to the customer with fewer counted touches, then by id so
 * the order is stable. The campaign's policy decides consent and the cap.
 */
export function rankNext(
  candidates: readonly CustomerView[],
  nowMs: number,
  rules: DialingRules,
  answerModel: AnswerModel,
  limit: number,
  campaignId?: string | null,
): Ranking {
  const skipped = Object.fromEntries(INELIGIBLE_REASONS.map((r) => [r, 0])) as Record<
    IneligibleReason,
    number
  >;
  const { days } = campaignPolicy(rules, campaignId).cap;
  const rows: { ranked: RankedCustomer; attempts: number }[] = [];
  for (const c of candidates) {
    const e = eligibility(c, nowMs, rules, campaignId);
    if (!e.ok) {
      skipped[e.reason] += 1;
      continue;
    }
    const intentScore = Number.isFinite(c.intentScore)
      ? Math.min(1, Math.max(0, c.intentScore))
      : 0;
    const industry = typeof c.crm.industry === 'string' ? c.crm.industry : null;
    const p = pAnswer(answerModel, industry, localTimeOf(c, nowMs, rules));
    rows.push({
      ranked: { customerId: c.customerId, score: intentScore * p, pAnswer: p, intentScore },
      attempts: countedTouches(c, nowMs, days).length,
    });
  }
  rows.sort(
    (a, b) =>
      b.ranked.score - a.ranked.score ||
      a.attempts - b.attempts ||
      (a.ranked.customerId < b.ranked.customerId ? -1 : 1),
  );
  return { next: rows.slice(0, Math.max(0, limit)).map((r) => r.ranked), skipped };
}
