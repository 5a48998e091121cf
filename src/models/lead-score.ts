/**
 * A customer's intent score from what they said and what they did: the
 * dialog's intent strength (the conversion model over the customer's calls)
 * and their engagement between calls (web visits, above all the pricing
 * page, time on page, repeat visits, clicks from email or WeChat), each
 * fading with its own half-life. The two combine as a noisy-OR: either can
 * make a lead hot, and a stale signal counts for less than a fresh one, so
 * a lead who just viewed pricing outranks one who just complained.
 */

export interface LeadSignals {
  /** The dialog's intent strength 0..1 and the event time it was last set. */
  dialog: number;
  dialogAt: string | null;
  /**
   * Accumulated engagement: the visits' weights, each faded to `engagementAt`
   * (the newest visit's time), summed. A sum of faded weights is the same
   * whatever order the visits arrive in.
   */
  engagement: number;
  engagementAt: string | null;
}

export interface Visit {
  page: string;
  /** Seconds on the page, when the site reports it. */
  durationS?: number | undefined;
  /** Where the visit came from: a click in an email or WeChat message is engagement too. */
  source?: string | undefined;
}

export const LEAD_SCORE = {
  /** What a call said fades slowly: a week-old "interested" still counts half at 14 days. */
  dialogHalfLifeDays: 14,
  /** Browsing fades fast: yesterday's pricing visit counts more than last week's. */
  engagementHalfLifeDays: 3,
  /** Engagement one visit adds (before time on page and source). */
  pricingPage: 0.3,
  otherPage: 0.08,
  /** Per minute on the page, up to `maxTimeBonus`. */
  perMinute: 0.04,
  maxTimeBonus: 0.12,
  /** A visit that comes from a message the customer opened. */
  fromMessage: { email: 0.06, wechat: 0.1, sms: 0.05 } as Readonly<Record<string, number>>,
  /**
   * A reply to a message: one that shows interest (asks the price, wants a
   * call) alone makes a hot lead (1 − e^−1.2 ≈ 0.70); any other reply that
   * is not a refusal still says the customer reads the messages.
   */
  interestedReply: 1.2,
  otherReply: 0.1,
} as const;

const DAY_MS = 86_400_000;
const PRICING = /pric|价格|报价|套餐|plans?\b/i;

export const isPricingPage = (page: string): boolean => PRICING.test(page);

/** `value` set at `at`, faded to `nowMs` with the half-life (no fading backwards in time). */
export function faded(value: number, at: string | null, nowMs: number, halfLifeDays: number) {
  if (at === null || value === 0) return value;
  const days = Math.max(0, nowMs - Date.parse(at)) / DAY_MS;
  return value * 0.5 ** (days / halfLifeDays);
}

/** How much one visit says about buying (a pricing visit alone: 1 − e^−0.3 ≈ 0.26). */
export function visitWeight(v: Visit): number {
  const base = isPricingPage(v.page) ? LEAD_SCORE.pricingPage : LEAD_SCORE.otherPage;
  const minutes = (v.durationS ?? 0) / 60;
  const time = Math.min(LEAD_SCORE.maxTimeBonus, LEAD_SCORE.perMinute * minutes);
  const message = (v.source && LEAD_SCORE.fromMessage[v.source]) || 0;
  return Math.min(1, base + time + message);
}

/** Engagement after a visit at `ts`, arrived in whatever order. */
export const addVisit = (s: LeadSignals, v: Visit, ts: string): LeadSignals =>
  addEngagement(s, visitWeight(v), ts);

/** How much a reply to a message says about buying: `interested` when its intent shows interest. */
export const replyWeight = (interested: boolean): number =>
  interested ? LEAD_SCORE.interestedReply : LEAD_SCORE.otherReply;

/** Engagement after a signal of weight `w` at `ts` (a visit, a reply), arrived in whatever order. */
export function addEngagement(s: LeadSignals, w: number, ts: string): LeadSignals {
  const half = LEAD_SCORE.engagementHalfLifeDays;
  if (s.engagementAt === null || ts >= s.engagementAt) {
    const before = faded(s.engagement, s.engagementAt, Date.parse(ts), half);
    return { ...s, engagement: round6(before + w), engagementAt: ts };
  }
  // An older visit arriving late: its weight faded to the newest visit's time.
  return {
    ...s,
    engagement: round6(s.engagement + faded(w, ts, Date.parse(s.engagementAt), half)),
  };
}

/**
 * The intent score at `nowMs`: the dialog strength and the engagement
 * (1 − e^−sum, so visits add up with diminishing returns), each faded,
 * combined as a noisy-OR.
 */
export function leadScore(s: LeadSignals, nowMs: number): number {
  const dialog = faded(s.dialog, s.dialogAt, nowMs, LEAD_SCORE.dialogHalfLifeDays);
  const load = faded(s.engagement, s.engagementAt, nowMs, LEAD_SCORE.engagementHalfLifeDays);
  return round3(1 - (1 - dialog) * Math.exp(-load));
}

const round3 = (v: number): number => Math.round(v * 1000) / 1000;
const round6 = (v: number): number => Math.round(v * 1e6) / 1e6;
