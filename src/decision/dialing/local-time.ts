/**
 * Local time in a customer's zone: the wall clock at an instant, and the
 * instant of a wall clock, across DST changes (zones: core/zone.ts).
 */
import { canonical, formatter, wallOf } from '../../core/zone.js';
import type { CustomerView } from '../customer-view.js';

/** What local time reads of the dialing rules: the zone used when a customer's is unusable. */
export interface DefaultZone {
  readonly timezone: string;
}

export const MINUTE = 60_000;
export const DAY = 24 * 60 * MINUTE;
/** Indexed like Date#getUTCDay(). */
export const WEEKDAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const;

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

// The last wall clock worked out per zone: a ranking asks the same minute
// for thousands of customers of a zone.
const lastLocal = new Map<string, { wall: number; local: LocalTime }>();

export function toLocal(wall: number, timeZone: string): LocalTime {
  const last = lastLocal.get(timeZone);
  if (last?.wall === wall) return last.local;
  const d = new Date(wall);
  const local: LocalTime = Object.freeze({
    timeZone,
    date: d.toISOString().slice(0, 10),
    weekday: d.getUTCDay(),
    hour: d.getUTCHours(),
    minute: d.getUTCMinutes(),
  });
  // Bounded like the formatters' cache: by the zones Intl knows.
  lastLocal.set(timeZone, { wall, local });
  return local;
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
