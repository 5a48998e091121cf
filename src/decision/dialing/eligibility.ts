/**
 * Whether a customer may be contacted now, on a channel, for a purpose, and
 * when a call may be next. Hard rules, never traded against a score:
 * do-not-call (CRM flag and imported register), the consent ledger under
 * the campaign's policy (opt-in or opt-out), the weekly cap on touches
 * across channels, calling windows (calls) or message hours (SMS, WeChat)
 * in the customer's own time zone. Pure functions of the customer, the
 * rules and `nowMs`, which the caller reads from its clock.
 */
import { consentState } from '../../core/contact-record.js';
import type { Channel, IneligibleReason, Purpose } from '../../core/events/index.js';
import { formatter, wallOf } from '../../core/zone.js';
import type { ContactView, CustomerView } from '../customer-view.js';
import {
  campaignPolicy,
  dialingSegmentOf,
  industryOf,
  type CampaignPolicy,
  type DialingRules,
} from './dialing-rules.js';
import { DAY, instantOf, MINUTE, toLocal, WEEKDAYS, zoneOf } from './local-time.js';

/** How far ahead nextWindowStart looks (covers the longest holiday runs). */
const LOOKAHEAD_DAYS = 31;

export type Eligibility = { ok: true } | { ok: false; reason: IneligibleReason; detail: string };

/** What a sender asks: may this customer be reached on this channel now? */
export interface ContactRequest {
  channel: Channel;
  /** Absent: the campaign's purpose. */
  purpose?: Purpose | undefined;
  /** Absent or unknown: the default campaign. */
  campaignId?: string | null | undefined;
}

const no = (reason: IneligibleReason, detail: string): Eligibility => ({
  ok: false,
  reason,
  detail,
});

function consentProblem(
  customer: ContactView,
  channel: Channel,
  purpose: Purpose,
  policy: CampaignPolicy,
): Eligibility | null {
  const { state, mark } = consentState(
    customer.consent,
    channel,
    purpose,
    policy.withdrawal === 'all',
  );
  const at = mark ? ` at ${mark.ts} (event ${mark.id})` : '';
  if (state === 'withdrawn')
    return no('consent_withdrawn', `${purpose} ${channel}: withdrawn${at}`);
  if (state === 'refused') return no('consent_refused', `${purpose} ${channel}: refused${at}`);
  if (state === 'unknown' && policy.policy === 'opt-in') {
    return no('no_consent', `${purpose} ${channel}: no consent recorded (policy: opt-in)`);
  }
  return null;
}

/**
 * Times (ms, ascending) of the marketing touches that count against the cap
 * at `nowMs`, on `channel` or all channels: those with now - touch < days ×
 * 24 h. A touch exactly that old no longer counts. A time that does not
 * parse counts and never ages out: the cap fails closed on bad data.
 */
export function countedTouches(
  customer: Pick<CustomerView, 'touches'>,
  nowMs: number,
  days: number,
  channel?: Channel,
): number[] {
  return customer.touches
    .filter((t) => t.purpose === 'marketing' && (!channel || t.channel === channel))
    .map((t) => Date.parse(t.at))
    .map((t) => (Number.isNaN(t) ? Infinity : t))
    .filter((t) => nowMs - t < days * DAY)
    .sort((a, b) => a - b);
}

/**
 * The cap's verdict at `nowMs`, with the instant it frees up (Infinity:
 * never, a bad touch time).
 */
function capProblem(
  customer: ContactView,
  channel: Channel,
  policy: CampaignPolicy,
  nowMs: number,
  explain = true,
) {
  const { touches, days, perChannel } = policy.cap;
  const all = countedTouches(customer, nowMs, days);
  const limit = perChannel[channel];
  const own = limit === undefined ? [] : countedTouches(customer, nowMs, days, channel);
  const freesAt = (counted: number[], max: number) =>
    max === 0 ? Infinity : counted[counted.length - max]! + days * DAY;
  const when = (t: number) => (Number.isFinite(t) ? new Date(t).toISOString() : 'never');
  if (all.length >= touches) {
    const at = freesAt(all, touches);
    const detail = explain
      ? `${all.length} touches in the last ${days} days (limit ${touches}); the cap frees up at ${when(at)}`
      : '';
    return { reason: 'frequency_cap' as const, detail, at };
  }
  if (limit !== undefined && own.length >= limit) {
    const at = freesAt(own, limit);
    const detail = explain
      ? `${own.length} ${channel} touches in the last ${days} days (limit ${limit}); frees up at ${when(at)}`
      : '';
    return { reason: 'channel_cap' as const, detail, at };
  }
  return null;
}

/** Why the wall clock is outside the customer's hours for the channel; null when inside. */
function windowProblem(
  customer: ContactView,
  channel: Channel,
  policy: CampaignPolicy,
  wall: number,
  rules: DialingRules,
  explain = true,
): string | null {
  if (channel === 'email') return null;
  const zone = zoneOf(customer, rules);
  const local = toLocal(wall, zone);
  // Written out only for a refusal: a ranking checks thousands of customers a minute.
  const shown = () =>
    explain
      ? `${local.date} (${WEEKDAYS[local.weekday]}) ${new Date(wall).toISOString().slice(11, 16)} ${zone}`
      : '';
  const minute = local.hour * 60 + local.minute;
  if (channel !== 'call') {
    const { from, to } = policy.messageHours;
    return from <= minute && minute < to ? null : `${shown()}: outside the message hours`;
  }
  if (rules.holidays[zone]?.includes(local.date)) return `${shown()}: public holiday`;
  const segment = dialingSegmentOf(industryOf(customer.crm.industry), rules);
  const open = rules.segments[segment]!.windows.some(
    (w) => w.days.includes(WEEKDAYS[local.weekday]!) && w.from <= minute && minute < w.to,
  );
  return open ? null : `${shown()}: outside the ${segment} calling windows`;
}

/**
 * Whether the customer may be reached on the request's channel at `nowMs`.
 * Checks in this order and reports the first failure: do-not-call (for
 * marketing), consent, the cap (for marketing), the hours. Everything is
 * read from the ContactView passed in, so a consent change or a touch
 * reaches the very next check. Without `explain` the reason comes with an
 * empty detail: a ranking refuses thousands a minute and lists a hundred.
 */
export function contactCheck(
  customer: ContactView,
  req: ContactRequest,
  nowMs: number,
  rules: DialingRules,
  explain = true,
): Eligibility {
  const policy = campaignPolicy(rules, req.campaignId);
  const purpose = req.purpose ?? policy.purpose;
  const marketing = purpose === 'marketing';
  if (marketing && customer.doNotCall) return no('do_not_call', 'marked do-not-call in the CRM');
  if (marketing && customer.dncListed) {
    const { source, listed_on } = customer.dncListed;
    return no('do_not_call', `on the do-not-call register ${source} (listed ${listed_on})`);
  }
  const consent = consentProblem(customer, req.channel, purpose, policy);
  if (consent) return consent;
  const cap = marketing ? capProblem(customer, req.channel, policy, nowMs, explain) : null;
  if (cap) return no(cap.reason, cap.detail);
  const problem = windowProblem(
    customer,
    req.channel,
    policy,
    wallOf(nowMs, formatter(zoneOf(customer, rules))!),
    rules,
    explain,
  );
  if (problem) {
    const tz = customer.crm.timezone;
    const fellBack = tz != null && !(typeof tz === 'string' && formatter(tz));
    return no('outside_window', fellBack ? `${problem} (crm timezone "${tz}" unusable)` : problem);
  }
  return { ok: true };
}

/** Whether the customer may be called at `nowMs` for the campaign (default: the default campaign). */
export const eligibility = (
  customer: ContactView,
  nowMs: number,
  rules: DialingRules,
  campaignId?: string | null,
  explain = true,
): Eligibility => contactCheck(customer, { channel: 'call', campaignId }, nowMs, rules, explain);

/**
 * The earliest instant (epoch ms) from `nowMs` at which a call would be
 * eligible if nothing else changes (no new touches, no consent change):
 * `nowMs` when the customer is eligible, else the later of the cap freeing
 * up and the next calling window opening. null when the customer may not be
 * called at all (do-not-call, consent) or nothing opens within 31 days.
 */
export function nextWindowStart(
  customer: ContactView,
  nowMs: number,
  rules: DialingRules,
  campaignId?: string | null,
): number | null {
  const policy = campaignPolicy(rules, campaignId);
  const check = eligibility(customer, nowMs, rules, campaignId);
  if (check.ok) return nowMs;
  if (
    check.reason !== 'frequency_cap' &&
    check.reason !== 'channel_cap' &&
    check.reason !== 'outside_window'
  )
    return null;
  let from = nowMs;
  for (
    let cap = capProblem(customer, 'call', policy, from);
    cap;
    cap = capProblem(customer, 'call', policy, from)
  ) {
    if (!Number.isFinite(cap.at)) return null;
    from = Math.max(from, cap.at);
  }
  const zone = zoneOf(customer, rules);
  const f = formatter(zone)!;
  if (!windowProblem(customer, 'call', policy, wallOf(from, f), rules)) return from;
  const segment = dialingSegmentOf(industryOf(customer.crm.industry), rules);
  const windows = [...rules.segments[segment]!.windows].sort((a, b) => a.from - b.from);
  const firstDay = Math.floor(wallOf(from, f) / DAY) * DAY;
  for (let day = firstDay; day <= firstDay + LOOKAHEAD_DAYS * DAY; day += DAY) {
    const date = new Date(day).toISOString().slice(0, 10);
    if (rules.holidays[zone]?.includes(date)) continue;
    const weekday = WEEKDAYS[new Date(day).getUTCDay()]!;
    for (const w of windows) {
      if (!w.days.includes(weekday)) continue;
      const start = Math.max(instantOf(day + w.from * MINUTE, f), from);
      if (start < instantOf(day + w.to * MINUTE, f)) return start;
    }
  }
  return null;
}
