import { formatter, wallOf } from '../core/zone.js';

/** The hour (0-23) and weekday (0 = Monday) at the customer's zone at `ms`; UTC for an unknown zone. */
export function localClock(zone: string, ms: number): { hour: number; weekday: number } {
  const f = formatter(zone);
  const wall = new Date(f ? wallOf(ms, f) : ms);
  return { hour: wall.getUTCHours(), weekday: (wall.getUTCDay() + 6) % 7 };
}
