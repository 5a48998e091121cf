import { callbackPhase } from '../../core/callback.js';
import { INELIGIBLE_REASONS, type IneligibleReason } from '../../core/events/index.js';
import type { ContactView, RankingView } from '../customer-view.js';
import { pAnswer, type AnswerModel } from './answer-model.js';
import type { DialingRules } from './dialing-rules.js';
import { campaignPolicy } from './dialing-rules.js';
import { countedTouches, eligibility } from './eligibility.js';
import { localTimeOf } from './local-time.js';

export interface RankedCustomer {
  customerId: string;
  /** intentScore × pAnswer: the chance this dial reaches a buyer. */
  score: number;
  pAnswer: number;
  intentScore: number;
  /** callback: the customer's callback is due now (ranked first); score: by score. */
  reason: 'callback' | 'score';
  /** The time promised, when reason is callback. */
  callback_at?: string;
}

/** A candidate left out, and why (the first rule failed and its detail). */
export interface SkippedCustomer {
  customer_id: string;
  reason: IneligibleReason;
  detail?: string;
}

/** How many skipped customers a ranking lists by name (the counts stay exact). */
export const MAX_SKIPS_LISTED = 100;

export interface Ranking {
  /** Best first, at most `limit`. */
  next: RankedCustomer[];
  /** Candidates left out, by the first rule they failed (for metrics). */
  skipped: Record<IneligibleReason, number>;
  /** The first MAX_SKIPS_LISTED skipped customers by customer id. */
  skips: SkippedCustomer[];
  /** Eligible customers left for later: a callback they asked for still ahead, or a better hour today (`deferBelow`). */
  deferred: number;
}

const HOUR_MS = 3_600_000;

/**
 * The customer's best answer chance over the next 24 hours, at the hours
 * their calling windows are open: what a dial now is measured against.
 * Customers of one industry and zone share it, so it is worked out once per
 * ranking for each.
 */
function bestAhead(
  c: ContactView,
  nowMs: number,
  rules: DialingRules,
  answerModel: AnswerModel,
  campaignId: string | null | undefined,
): number {
  const industry = typeof c.crm.industry === 'string' ? c.crm.industry : null;
  let best = 0;
  for (let k = 1; k <= 24; k++) {
    const at = nowMs + k * HOUR_MS;
    if (!eligibility(c, at, rules, campaignId).ok) continue;
    best = Math.max(best, pAnswer(answerModel, industry, localTimeOf(c, at, rules)));
  }
  return best;
}

/** Whether a call to the customer started less than `minutes` ago. */
function calledWithin(c: RankingView, nowMs: number, minutes = 0): boolean {
  if (minutes <= 0) return false;
  const since = nowMs - minutes * 60_000;
  return c.touches.some((t) => t.channel === 'call' && Date.parse(t.at) > since);
}

/**
 * The eligible candidates best first at `nowMs`. A customer whose callback
 * is due (from its time to the grace after, config/dialing.json
 * `callbacks`) comes first, the earliest promise first: a promise kept
 * outranks any score. The rest by score = intentScore × pAnswer: a likely
 * buyer who will not pick up at this hour waits for a better one; with
 * `deferBelow`, one whose chance now is well below their best hour ahead
 * today is left for it; one who asked to be called back later is not
 * called before then, nor one called within `redialAfterMinutes` (all
 * counted in `deferred`). Equal
 * scores go to the customer with fewer counted touches, then by id so the
 * order is stable. Eligibility comes before all of it (the campaign's
 * policy decides consent and the cap, the calling windows hold): a callback
 * due outside the windows waits for them while its grace lasts.
 */
export function rankNext(
  candidates: readonly RankingView[],
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
  const rows: { ranked: RankedCustomer; attempts: number; due: number }[] = [];
  const refused: RankingView[] = [];
  const ahead = new Map<string, number>();
  let deferred = 0;
  for (const c of candidates) {
    const e = eligibility(c, nowMs, rules, campaignId, false);
    if (!e.ok) {
      skipped[e.reason] += 1;
      refused.push(c);
      continue;
    }
    const intentScore = Number.isFinite(c.intentScore)
      ? Math.min(1, Math.max(0, c.intentScore))
      : 0;
    const industry = typeof c.crm.industry === 'string' ? c.crm.industry : null;
    const p = pAnswer(answerModel, industry, localTimeOf(c, nowMs, rules));
    const at = c.callback?.at;
    const phase = at === undefined ? undefined : callbackPhase(at, nowMs, rules.callbacks);
    const due = phase === 'due';
    // They asked to be called at a time still ahead: not before it; nor again so soon after a call.
    if (phase === 'ahead' || (!due && calledWithin(c, nowMs, rules.redialAfterMinutes))) {
      deferred += 1;
      continue;
    }
    if (rules.deferBelow !== undefined && !due) {
      const key = `${String(c.crm.industry)}\u0000${String(c.crm.timezone)}`;
      let best = ahead.get(key);
      if (best === undefined)
        ahead.set(key, (best = bestAhead(c, nowMs, rules, answerModel, campaignId)));
      if (p < rules.deferBelow * best) {
        deferred += 1;
        continue;
      }
    }
    const ranked = { customerId: c.customerId, score: intentScore * p, pAnswer: p, intentScore };
    rows.push({
      ranked:
        due && at
          ? { ...ranked, reason: 'callback', callback_at: at }
          : { ...ranked, reason: 'score' },
      attempts: countedTouches(c, nowMs, days).length,
      due: due && at ? Date.parse(at) : Infinity,
    });
  }
  rows.sort(
    (a, b) =>
      a.due - b.due ||
      b.ranked.score - a.ranked.score ||
      a.attempts - b.attempts ||
      (a.ranked.customerId < b.ranked.customerId ? -1 : 1),
  );
  refused.sort((a, b) => (a.customerId < b.customerId ? -1 : a.customerId > b.customerId ? 1 : 0));
  // Only the listed skips are explained: the same check, with its detail.
  const skips = refused.slice(0, MAX_SKIPS_LISTED).flatMap((c): SkippedCustomer[] => {
    const e = eligibility(c, nowMs, rules, campaignId);
    return e.ok ? [] : [{ customer_id: c.customerId, reason: e.reason, detail: e.detail }];
  });
  return {
    next: rows.slice(0, Math.max(0, limit)).map((r) => r.ranked),
    skipped,
    skips,
    deferred,
  };
}

/**
 * The rankings of the decision replicas, each over the customers it owns,
 * as one: callbacks due first (earliest promise first), then by score; the
 * counts added up, the listed skips by customer id.
 */
export function mergeRankings(parts: readonly Ranking[], limit: number): Ranking {
  const due = (r: RankedCustomer) =>
    r.reason === 'callback' && r.callback_at ? Date.parse(r.callback_at) : Infinity;
  const next = parts
    .flatMap((p) => p.next)
    .sort(
      (a, b) =>
        due(a) - due(b) ||
        b.score - a.score ||
        (a.customerId < b.customerId ? -1 : a.customerId > b.customerId ? 1 : 0),
    );
  const skipped = { ...parts[0]!.skipped };
  for (const p of parts.slice(1))
    for (const [reason, n] of Object.entries(p.skipped)) skipped[reason as IneligibleReason] += n;
  const skips = parts
    .flatMap((p) => p.skips)
    .sort((a, b) => (a.customer_id < b.customer_id ? -1 : 1))
    .slice(0, MAX_SKIPS_LISTED);
  const deferred = parts.reduce((n, p) => n + p.deferred, 0);
  return { next: next.slice(0, Math.max(0, limit)), skipped, skips, deferred };
}
