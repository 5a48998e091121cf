/**
 * "明天上午十点给我打": the time a customer asks to be called back, and how
 * they say it. They name an hour at which their segment does answer (a
 * callback kept is worth more than a fresh dial), today if it is still a
 * couple of hours ahead, else tomorrow or the day after; the words name the
 * same local time as the instant.
 */
import type { Rng } from '../core/rng.js';
import { weighted } from '../core/rng.js';
import { hourSaid } from './phrases.js';
import { instantOf, localTime, startOfLocalDay } from './local-time.js';
import type { Segment } from './scenario.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
/** Hours a customer would name: the day's working hours, 09:00–20:30. */
const SAYABLE = [9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20];
const WEEKDAY_SAID = '一二三四五六日';

/** The part of the day said before the hour, and the hour as said (12-hour clock). */
function clockSaid(hour: number): string {
  const [part, h12] =
    hour < 9
      ? ['早上', hour]
      : hour < 12
        ? ['上午', hour]
        : hour < 14
          ? ['中午', hour === 12 ? 12 : hour - 12]
          : hour < 18
            ? ['下午', hour - 12]
            : hour < 19
              ? ['傍晚', hour - 12]
              : ['晚上', hour - 12];
  return `${part}${hourSaid(h12)}点`;
}

function daySaid(days: number, weekday: number, rng: Rng): string {
  if (days === 0) return rng() < 0.5 ? '今天' : '';
  if (days === 1) return '明天';
  return rng() < 0.5 ? '后天' : `周${WEEKDAY_SAID[weekday]}`;
}

/** The moment a customer of this segment names, and the words for it. */
export function callbackTime(
  seg: Segment,
  timeZone: string,
  atMs: number,
  rng: Rng,
): { said: string; at: number } {
  const now = localTime(timeZone, atMs);
  // The better they answer at an hour, the likelier they name it.
  const weightOf = (h: number) => seg.answer.hours[h]! ** 2 + 1e-6;
  const later = SAYABLE.filter((h) => h >= now.hour + 2);
  const days = later.length && rng() < 0.4 ? 0 : rng() < 0.75 ? 1 : 2;
  const hours = days === 0 ? later : SAYABLE;
  const hour = Number(weighted(rng, Object.fromEntries(hours.map((h) => [h, weightOf(h)]))));
  const half = rng() < 0.2;
  const wall = startOfLocalDay(now.wall) + days * DAY + hour * HOUR + (half ? HOUR / 2 : 0);
  const weekday = (now.weekday + days) % 7;
  return {
    said: `${daySaid(days, weekday, rng)}${clockSaid(hour)}${half ? '半' : ''}`,
    at: instantOf(timeZone, wall),
  };
}
