/**
 * Local time in a customer's zone, fast: the twin asks it for every dial and
 * every answer probability. A zone's UTC offset only changes on a whole UTC
 * hour, so one offset per zone and UTC hour is worked out by Intl (core/zone)
 * and kept.
 */
import { formatter, wallOf } from '../core/zone.js';

const HOUR = 3_600_000;
const DAY = 86_400_000;
/** Offsets kept per zone before the cache starts over (a year of hours). */
const MAX_CACHED = 9_000;
const offsets = new Map<string, Map<number, number>>();

export interface LocalTime {
  hour: number;
  minute: number;
  /** 0 = Monday … 6 = Sunday. */
  weekday: number;
  /** The wall clock written as the UTC instant that shows it (see core/zone `wallOf`). */
  wall: number;
}

function offsetOf(zone: string, ms: number): number {
  let byHour = offsets.get(zone);
  if (!byHour || byHour.size > MAX_CACHED) offsets.set(zone, (byHour = new Map()));
  const bucket = Math.floor(ms / HOUR);
  let offset = byHour.get(bucket);
  if (offset === undefined) {
    const f = formatter(zone);
    if (!f) throw new Error(`unknown time zone ${zone}`);
    const at = bucket * HOUR;
    offset = wallOf(at, f) - at;
    byHour.set(bucket, offset);
  }
  return offset;
}

export function localTime(zone: string, ms: number): LocalTime {
  const wall = ms + offsetOf(zone, ms);
  const inDay = ((wall % DAY) + DAY) % DAY;
  // 1970-01-01 was a Thursday (weekday 3 counted from Monday).
  const weekday = (((Math.floor(wall / DAY) + 3) % 7) + 7) % 7;
  return {
    hour: Math.floor(inDay / HOUR),
    minute: Math.floor((inDay % HOUR) / 60_000),
    weekday,
    wall,
  };
}

/** The instant a wall clock shows in the zone (the later one where a clock shows twice). */
export function instantOf(zone: string, wall: number): number {
  const guess = wall - offsetOf(zone, wall);
  return wall - offsetOf(zone, guess);
}

export const startOfLocalDay = (wall: number): number => Math.floor(wall / DAY) * DAY;
