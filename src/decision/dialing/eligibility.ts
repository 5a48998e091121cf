/**
 * Whether a customer may be called now, and when they may be next. Hard
 * rules, never traded against a score: do-not-call, consent, at most N
 * attempts per rolling window, calling windows in the customer's own time
 * zone (holidays included). Pure functions of the customer, the rules and
 * `nowMs`, which the caller reads from its clock.
 */
import type { CustomerView } from '../customer-view.js';
import { dialingSegmentOf, industryOf, type DialingRules } from './dialing-rules.js';
import { formatter, wallOf } from '../../core/zone.js';
import { DAY, instantOf, MINUTE, toLocal, WEEKDAYS, zoneOf } from './local-time.js';

/** How far ahead nextWindowStart looks (covers the longest holiday runs). */
const LOOKAHEAD_DAYS = 31;

export type IneligibleReason = 'do_not_call' | 'no_consent' | 'frequency_cap' | 'outside_window';
export type Eligibility = { ok: true } | { ok: false; reason: IneligibleReason; detail: string };

function consentProblem(customer: CustomerView, rules: DialingRules): string | null {
  const { scopes, missing } = rules.consent;
  const revoked = scopes.filter((s) => customer.consent[s] === false);
  if (revoked.length) return `consent revoked: ${revoked.join(', ')}`;
  if (missing === 'deny' && !scopes.some((s) => customer.consent[s] === true)) {
    return `no consent recorded for ${scopes.join(' / ')} (policy: deny)`;
  }
  return null;
}

/**
 * Start times (ms, ascending) of the attempts that count against the cap at
 * `nowMs`: those with now - attempt < days × 24 h. An attempt exactly that
 * old no longer counts. A time that does not parse counts and never ages
 * out: the cap fails closed on bad data.
 */
export function countedAttempts(
  customer: CustomerView,
  nowMs: number,
  rules: DialingRules,
): number[] {
  const span = rules.frequencyCap.days * DAY;
  return customer.contactAttempts
    .map((iso) => Date.parse(iso))
    .map((t) => (Number.isNaN(t) ? Infinity : t))
    .filter((t) => nowMs - t < span)
    .sort((a, b) => a - b);
}

/** When enough counted attempts have aged out for one more call (Infinity: never). */
function capFreesAt(counted: number[], rules: DialingRules): number {
  const { maxAttempts, days } = rules.frequencyCap;
  return counted[counted.length - maxAttempts]! + days * DAY;
}

/** Why the wall clock is outside the segment's calling windows; null when inside. */
function windowProblem(wall: number, zone: string, segment: string, rules: DialingRules) {
  const local = toLocal(wall, zone);
  const shown = `${local.date} (${WEEKDAYS[local.weekday]}) ${new Date(wall).toISOString().slice(11, 16)} ${zone}`;
  if (rules.holidays[zone]?.includes(local.date)) return `${shown}: public holiday`;
  const minute = local.hour * 60 + local.minute;
  const open = rules.segments[segment]!.windows.some(
    (w) => w.days.includes(WEEKDAYS[local.weekday]!) && w.from <= minute && minute < w.to,
  );
  return open ? null : `${shown}: outside the ${segment} calling windows`;
}

/**
 * Whether the customer may be called at `nowMs`. Checks in this order and
 * reports the first failure: do-not-call, consent, frequency cap, calling
 * window (in the customer's time zone, holidays included). Everything is
 * read from the CustomerView passed in, so a consent change reaches the
 * very next decision.
 */
export function eligibility(
  customer: CustomerView,
  nowMs: number,
  rules: DialingRules,
): Eligibility {
  const no = (reason: IneligibleReason, detail: string): Eligibility => ({
    ok: false,
    reason,
    detail,
  });
  if (customer.doNotCall) return no('do_not_call', 'on the do-not-call list');
  const consent = consentProblem(customer, rules);
  if (consent) return no('no_consent', consent);
  const counted = countedAttempts(customer, nowMs, rules);
  const { maxAttempts, days } = rules.frequencyCap;
  if (counted.length >= maxAttempts) {
    const free = capFreesAt(counted, rules);
    const when = Number.isFinite(free) ? new Date(free).toISOString() : 'never (bad attempt time)';
    return no(
      'frequency_cap',
      `${counted.length} attempts in the last ${days} days (limit ${maxAttempts}); the cap frees up at ${when}`,
    );
  }
  const zone = zoneOf(customer, rules);
  const segment = dialingSegmentOf(industryOf(customer.crm.industry), rules);
  const problem = windowProblem(wallOf(nowMs, formatter(zone)!), zone, segment, rules);
  if (problem) {
    const tz = customer.crm.timezone;
    const fellBack = tz != null && !(typeof tz === 'string' && formatter(tz));
    return no('outside_window', fellBack ? `${problem} (crm timezone "${tz}" unusable)` : problem);
  }
  return { ok: true };
}

/**
 * The earliest instant (epoch ms) from `nowMs` at which eligibility() would
 * say ok if nothing else changes (no new attempts, no consent change): `nowMs` when the
 * customer is eligible, else the later of the cap freeing up and the next
 * calling window opening. null when the customer may not be called at all
 * (do-not-call, no consent) or nothing opens within 31 days.
 */
export function nextWindowStart(
  customer: CustomerView,
  nowMs: number,
  rules: DialingRules,
): number | null {
  if (customer.doNotCall || consentProblem(customer, rules)) return null;
  const counted = countedAttempts(customer, nowMs, rules);
  const from =
    counted.length >= rules.frequencyCap.maxAttempts
      ? Math.max(nowMs, capFreesAt(counted, rules))
      : nowMs;
  if (!Number.isFinite(from)) return null;
  const zone = zoneOf(customer, rules);
  const f = formatter(zone)!;
  const segment = dialingSegmentOf(industryOf(customer.crm.industry), rules);
  if (!windowProblem(wallOf(from, f), zone, segment, rules)) return from;
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
