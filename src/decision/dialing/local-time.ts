/**
 * Local time in a customer's zone: the wall clock at an instant, and the
 * instant of a wall clock, across DST changes. Zones resolve through Intl,
 * with one cached formatter per valid IANA zone.
 */
import type { CustomerView } from '../customer-view.js';

/** What local time reads of the dialing rules: the zone used when a customer's is unusable. */
export interface DefaultZone {
  readonly timezone: string;
}

export const MINUTE = 60_000;
export const DAY = 24 * 60 * MINUTE;
/** Indexed like Date#getUTCDay(). */
export const WEEKDAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const;

// One formatter per valid zone; an invalid zone is not cached, so the cache
// stays bounded by the IANA list whatever the CRM sends.
const formatters = new Map<string, Intl.DateTimeFormat>();

export function formatter(zone: string): Intl.DateTimeFormat | null {
  let f = formatters.get(zone);
  if (!f) {
    try {
      f = new Intl.DateTimeFormat('en-US', {
        timeZone: zone,
        hourCycle: 'h23',
        year: 'numeric',
        month: 'numeric',
        day: 'numeric',
        hour: 'numeric',
        minute: 'numeric',
        second: 'numeric',
      });
    } catch {
      return null;
    }
    formatters.set(zone, f);
  }
  return f;
}

export const canonical = (zone: string): string | undefined =>
  formatter(zone)?.resolvedOptions().timeZone;

/**
 * The wall clock at instant `ms` in the formatter's zone, written as the
 * UTC instant that shows the same clock: calendar arithmetic on it (day,
 * weekday, minutes) needs no zone, and wallOf(ms) - ms is the UTC offset.
 */
export function wallOf(ms: number, f: Intl.DateTimeFormat): number {
  const p: Record<string, number> = {};
  for (const { type, value } of f.formatToParts(ms)) p[type] = Number(value);
  const at = Date.UTC(p.year ?? 0, (p.month ?? 1) - 1, p.day, p.hour, p.minute, p.second);
  return at + (ms % 1000);
}

/**
 * The first instant whose wall clock reads `wall` or later. Where clocks go
 * back the earlier of the two matching instants; where they jump forward
 * over `wall` (a DST gap), the instant of the jump.
 */
export function instantOf(wall: number, f: Intl.DateTimeFormat): number {
  // The offsets a day either side: at most one DST change lies between.
  const early = wall - (wallOf(wall - DAY, f) - (wall - DAY));
  const late = wall - (wallOf(wall + DAY, f) - (wall + DAY));
  const hits = [early, late].filter((x) => wallOf(x, f) === wall);
  if (hits.length) return Math.min(...hits);
  // In a gap the clock reads before `wall` at `late` and after it at `early`.
  let lo = Math.min(early, late);
  let hi = Math.max(early, late);
  while (hi - lo > MINUTE) {
    const mid = lo + Math.floor((hi - lo) / 2 / MINUTE) * MINUTE;
    if (wallOf(mid, f) >= wall) hi = mid;
    else lo = mid;
  }
  return hi;
}

export interface LocalTime {
  /** The IANA zone used (the default one when the customer's was unusable). */
  timeZone: string;
  /** Local calendar date, YYYY-MM-DD. */
  date: string;
  /** 0 = Sunday … 6 = Saturday. */
  weekday: number;
  hour: number;
  minute: number;
}

/** The customer's zone: crm.timezone when it is a valid IANA name, else the default. */
export function zoneOf(customer: Pick<CustomerView, 'crm'>, rules: DefaultZone): string {
  const tz = customer.crm.timezone;
  return (typeof tz === 'string' && canonical(tz)) || rules.timezone;
}

export function toLocal(wall: number, timeZone: string): LocalTime {
  const d = new Date(wall);
  return {
    timeZone,
    date: d.toISOString().slice(0, 10),
    weekday: d.getUTCDay(),
    hour: d.getUTCHours(),
    minute: d.getUTCMinutes(),
  };
}

/** The customer's local time at `atMs` (for observe and pAnswer). */
export function localTimeOf(
  customer: Pick<CustomerView, 'crm'>,
  atMs: number,
  rules: DefaultZone,
): LocalTime {
  const zone = zoneOf(customer, rules);
  return toLocal(wallOf(atMs, formatter(zone)!), zone);
}
