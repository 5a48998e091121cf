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
  /** Accumulated engagement 0..1 and the event time it was last updated. */
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

/** How much one visit says about buying, 0..1. */
export function visitWeight(v: Visit): number {
  const base = isPricingPage(v.page) ? LEAD_SCORE.pricingPage : LEAD_SCORE.otherPage;
  const minutes = (v.durationS ?? 0) / 60;
  const time = Math.min(LEAD_SCORE.maxTimeBonus, LEAD_SCORE.perMinute * minutes);
  const message = (v.source && LEAD_SCORE.fromMessage[v.source]) || 0;
  return Math.min(1, base + time + message);
}

/** Engagement after a visit at `ts`: the faded total so far, then this visit on top (noisy-OR). */
export function addVisit(s: LeadSignals, v: Visit, ts: string): LeadSignals {
  const before = faded(
    s.engagement,
    s.engagementAt,
    Date.parse(ts),
    LEAD_SCORE.engagementHalfLifeDays,
  );
  const engagement = round3(1 - (1 - before) * (1 - visitWeight(v)));
  const engagementAt = s.engagementAt !== null && s.engagementAt > ts ? s.engagementAt : ts;
  return { ...s, engagement, engagementAt };
}

/** The intent score at `nowMs`: faded dialog strength and faded engagement, combined. */
export function leadScore(s: LeadSignals, nowMs: number): number {
  const dialog = faded(s.dialog, s.dialogAt, nowMs, LEAD_SCORE.dialogHalfLifeDays);
  const engagement = faded(s.engagement, s.engagementAt, nowMs, LEAD_SCORE.engagementHalfLifeDays);
  return round3(1 - (1 - dialog) * (1 - engagement));
}

const round3 = (v: number): number => Math.round(v * 1000) / 1000;
