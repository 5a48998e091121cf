/**
 * Wall-clock dates in an IANA time zone and back to instants, with the
 * offsets Intl.DateTimeFormat knows (daylight saving included), on the
 * formatters core/zone.ts caches.
 */
import { formatter, wallOf } from '../../core/zone.js';

/** A calendar day; month 1..12. */
export interface LocalDate {
  y: number;
  m: number;
  d: number;
}

/** A local date and the minutes since its midnight. */
export interface LocalMoment {
  date: LocalDate;
  minute: number;
}

const DAY_MS = 86_400_000;

/** The wall clock at `ms`, to the minute, as the UTC instant showing it (zone valid: see callbackOf). */
const wallClockMs = (ms: number, timeZone: string): number =>
  Math.floor(wallOf(ms, formatter(timeZone)!) / 60_000) * 60_000;

/** The local date and minute of an instant. */
export function localMoment(ms: number, timeZone: string): LocalMoment {
  const wall = new Date(wallClockMs(ms, timeZone));
  return {
    date: { y: wall.getUTCFullYear(), m: wall.getUTCMonth() + 1, d: wall.getUTCDate() },
    minute: wall.getUTCHours() * 60 + wall.getUTCMinutes(),
  };
}

/** The instant of a local wall-clock time (the later reading of a repeated hour). */
export function instantOf(at: LocalMoment, timeZone: string): number {
  const wall = Date.UTC(at.date.y, at.date.m - 1, at.date.d) + at.minute * 60_000;
  // Minute precision: the zone's offset at a guess, then at the corrected guess.
  const offsetAt = (ms: number) => wallClockMs(ms, timeZone) - Math.floor(ms / 60_000) * 60_000;
  const first = wall - offsetAt(wall);
  return wall - offsetAt(first);
}

export function addDays(date: LocalDate, days: number): LocalDate {
  const t = new Date(Date.UTC(date.y, date.m - 1, date.d) + days * DAY_MS);
  return { y: t.getUTCFullYear(), m: t.getUTCMonth() + 1, d: t.getUTCDate() };
}

/** 1 = Monday … 7 = Sunday. */
export function isoWeekday(date: LocalDate): number {
  return new Date(Date.UTC(date.y, date.m - 1, date.d)).getUTCDay() || 7;
}

/** The last day of the date's month. */
export function monthEnd(date: LocalDate): LocalDate {
  // Day 0 of the next month is the last day of this one.
  return { y: date.y, m: date.m, d: new Date(Date.UTC(date.y, date.m, 0)).getUTCDate() };
}
