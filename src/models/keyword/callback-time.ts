/**
 * The callback slot: a time the customer names, resolved against the turn's
 * instant in their time zone to a window of UTC instants.
 *
 * The rules, in local time:
 * - a clock time (三点半, 明早九点, 3pm) is a point: from === to. Without
 *   下午/晚上/pm, an hour from 1 to 7 is taken as afternoon (15:00 for 三点),
 *   since nobody asks a sales call back at 3 a.m.;
 * - a part of the day is a window: 早上 08–10, 上午 09–12, 中午 12–14,
 *   下午 14–18, 傍晚 17–19, 晚上 19–21; a day alone (明天, 周一) is 09–18;
 * - with no day said, today if the time is still ahead, else tomorrow; a
 *   window already begun starts now;
 * - 周三 / "monday" / "next monday" is the coming one, today excluded;
 *   下周三 is Wednesday of next week (weeks start on Monday);
 * - 半小时后, 两个小时以后, "in an hour": a point that long after now;
 * - 下周 alone: next Monday 09:00 to Friday 18:00; 月底: the last three days
 *   of the month, 09:00 to 18:00 on the last day;
 * - 过完年 / 春节后: the two weeks after the Spring Festival holiday, from
 *   09:00 on 初八 (seventh day after the festival) to 18:00 thirteen days later
 *   (dates known for 2026–2030; later years give nothing).
 */
import { formatter } from '../../core/zone.js';
import type { CallbackWindow, SlotContext } from '../types.js';
import { zhNumber } from './amount.js';
import {
  addDays,
  instantOf,
  isoWeekday,
  localMoment,
  monthEnd,
  type LocalDate,
  type LocalMoment,
} from './zoned-time.js';

export const DEFAULT_TIME_ZONE = 'Asia/Shanghai';

/** 正月初一, 2026–2030. */
const SPRING_FESTIVALS: readonly LocalDate[] = [
  { y: 2026, m: 2, d: 17 },
  { y: 2027, m: 2, d: 6 },
  { y: 2028, m: 1, d: 26 },
  { y: 2029, m: 2, d: 13 },
  { y: 2030, m: 2, d: 3 },
];

const H = 60;
const WORK_DAY = [9 * H, 18 * H] as const;
// Longest first where one contains another (今晚 before 晚).
const PARTS: readonly [RegExp, readonly [number, number]][] = [
  [/早上|早晨|一早|清早|[今明]早|\bmorning\b/, [8 * H, 10 * H]],
  [/上午/, [9 * H, 12 * H]],
  [/中午|\bnoon\b|\blunch/, [12 * H, 14 * H]],
  [/下午|\bafternoon\b/, [14 * H, 18 * H]],
  [/傍晚/, [17 * H, 19 * H]],
  [/晚上|[今明]晚|\bevening\b|\btonight\b/, [19 * H, 21 * H]],
];

const ZH_N = '[\\d零一二两三四五六七八九十]{1,3}';
const ZH_CLOCK = new RegExp(
  `(?<![有第这几\\d])(${ZH_N})\\s*点(钟)?(半|一刻|三刻|(${ZH_N})分?)?(?=(.{0,3}))`,
);
const COLON_CLOCK = /(?<!\d)([01]?\d|2[0-3])[:：]([0-5]\d)(?!\d)/;
const EN_CLOCK =
  /\b(\d{1,2})(?::([0-5]\d))?\s*(am|pm|a\.m\.|p\.m\.|o'?clock)(?![a-z])|\bat\s+(\d{1,2})(?::([0-5]\d))?\b/;
/** What may follow a bare 三点 for it to be a time: 三点要求 is three points. */
const CLOCK_FOLLOW =
  /^(?:$|[钟半分，。,.!?！？ ]|左右|前后|以后|之后|后|再|打|来|给|联系|吧|啊|呢|的时候|过)/;

const num = (s: string): number => (/^\d+$/.test(s) ? Number(s) : zhNumber(s).lo);

/** A clock time as said: the hour before any afternoon reading. */
interface Clock {
  hour: number;
  minute: number;
  meridiem?: 'am' | 'pm';
}

function zhClock(folded: string, dayOrPart: boolean): Clock | undefined {
  const m = ZH_CLOCK.exec(folded);
  if (!m) return undefined;
  const [, hour = '', zhong, rest, minutes, follow = ''] = m;
  const bare = !dayOrPart && !zhong && !rest;
  // 便宜一点 is "a bit cheaper": a bare 一点 is never a time.
  if (bare && (hour === '一' || !CLOCK_FOLLOW.test(follow))) return undefined;
  const h = num(hour);
  if (h > 24) return undefined;
  const fraction: Readonly<Record<string, number>> = { 半: 30, 一刻: 15, 三刻: 45 };
  return { hour: h, minute: rest ? (fraction[rest] ?? num(minutes ?? '0')) : 0 };
}

function clockOf(folded: string, dayOrPart: boolean): Clock | undefined {
  const colon = COLON_CLOCK.exec(folded);
  if (colon) return { hour: Number(colon[1]), minute: Number(colon[2]) };
  const en = EN_CLOCK.exec(folded);
  if (!en) return zhClock(folded, dayOrPart);
  const said = en[3]?.[0];
  const meridiem = said === 'a' ? 'am' : said === 'p' ? 'pm' : undefined;
  const minute = Number(en[2] ?? en[5] ?? 0);
  return { hour: Number(en[1] ?? en[4]), minute, ...(meridiem ? { meridiem } : {}) };
}

/**
 * Minutes after midnight. An hour below 12 is afternoon when said with pm,
 * with 下午/傍晚/晚上, with 中午 for one or two o'clock, or, said alone, from 1 to 7.
 */
function clockMinute(c: Clock, part: readonly [number, number] | undefined): number {
  const h = c.meridiem === 'am' ? c.hour % 12 : c.hour;
  const afternoon =
    c.meridiem === 'pm' ||
    (c.meridiem === undefined &&
      (part ? part[0] >= 14 * H || (part[0] === 12 * H && h <= 2) : h >= 1 && h <= 7));
  return (afternoon && h < 12 ? h + 12 : h) * H + c.minute;
}

// prettier-ignore
const WEEKDAYS: Readonly<Record<string, number>> = {
  一: 1, 二: 2, 三: 3, 四: 4, 五: 5, 六: 6, 日: 7, 天: 7, 1: 1, 2: 2, 3: 3, 4: 4, 5: 5, 6: 6, 7: 7,
  monday: 1, tuesday: 2, wednesday: 3, thursday: 4, friday: 5, saturday: 6, sunday: 7,
};
const ZH_WEEKDAY = /(下下|下|这|本)?个?(?:周|星期|礼拜)([一二三四五六日天1-7])/;
const EN_WEEKDAY = /\b(next|this)?\s*(monday|tuesday|wednesday|thursday|friday|saturday|sunday)\b/;
const DAY_WORDS: readonly [RegExp, number][] = [
  [/今天|今晚|今早|\btoday\b|\btonight\b/, 0],
  [/大后天/, 3],
  [/明天|明早|明晚|明儿|\btomorrow\b/, 1],
  [/后天/, 2],
];
const DAYS_LATER = /([\d一二两三四五六七八九十]{1,2})天(?:以后|之后|后)|过(两)天/;

function weekdayDate(folded: string, date: () => LocalDate): LocalDate | undefined {
  const zh = ZH_WEEKDAY.exec(folded);
  const en = zh ? undefined : EN_WEEKDAY.exec(folded);
  const m = zh ?? en;
  if (!m) return undefined;
  const today = date();
  const want = WEEKDAYS[m[2]!]!;
  const now = isoWeekday(today);
  const weeksAhead = { 下下: 2, 下: 1, 这: 0, 本: 0 }[zh?.[1] ?? ''];
  if (weeksAhead !== undefined) return addDays(today, weeksAhead * 7 + want - now);
  // The coming one, today excluded: 周一 said on a Monday is next Monday.
  return addDays(today, (want - now + 7) % 7 || 7);
}

function dayOf(folded: string, today: () => LocalDate): LocalDate | undefined {
  const weekday = weekdayDate(folded, today);
  if (weekday) return weekday;
  const word = DAY_WORDS.find(([re]) => re.test(folded));
  if (word) return addDays(today(), word[1]);
  const later = DAYS_LATER.exec(folded);
  return later ? addDays(today(), num(later[1] ?? later[2]!)) : undefined;
}

type Span = readonly [LocalMoment, LocalMoment];
/** The local time now, worked out only when a phrase needs it (most turns name no time). */
type Now = () => LocalMoment;

/** A named day, part of the day and clock time, put together (see the header). */
function daySpan(folded: string, now: Now): Span | undefined {
  const day = dayOf(folded, () => now().date);
  const part = PARTS.find(([re]) => re.test(folded))?.[1];
  const clock = clockOf(folded, day !== undefined || part !== undefined);
  if (!day && !part && !clock) return undefined;
  const at = clock ? clockMinute(clock, part) : undefined;
  const [from, to] = at === undefined ? (part ?? WORK_DAY) : [at, at];
  const date = day ?? (to <= now().minute ? addDays(now().date, 1) : now().date);
  return [
    { date, minute: from },
    { date, minute: to },
  ];
}

const AFTER_NEW_YEAR =
  /(?:过完|过了)年|(?:过年|春节|新年)(?:以|之)?后|after (?:the )?(?:chinese|lunar) new year/;
const MONTH_END = /(下个?)?月底|\bend of (?:the |this |next )?month\b/;
const NEXT_WEEK = /下个?(?:周|星期|礼拜)(?![一二三四五六日天1-7])|\bnext week\b/;

/** 过完年, 月底, 下周: spans of several days (see the header). */
function longSpan(folded: string, now: Now, later: (s: Span) => boolean): Span | undefined {
  if (AFTER_NEW_YEAR.test(folded)) {
    return SPRING_FESTIVALS.map((f): Span => [
      { date: addDays(f, 7), minute: WORK_DAY[0] },
      { date: addDays(f, 20), minute: WORK_DAY[1] },
    ]).find(later);
  }
  const monthEndSpan = (date: LocalDate): Span => {
    const last = monthEnd(date);
    return [
      { date: addDays(last, -2), minute: WORK_DAY[0] },
      { date: last, minute: WORK_DAY[1] },
    ];
  };
  const month = MONTH_END.exec(folded);
  if (month) {
    const next = monthEndSpan(addDays(monthEnd(now().date), 1));
    const span = month[1] || /next month/.test(month[0]) ? next : monthEndSpan(now().date);
    return later(span) ? span : next;
  }
  if (!NEXT_WEEK.test(folded)) return undefined;
  const monday = addDays(now().date, 8 - isoWeekday(now().date));
  return [
    { date: monday, minute: WORK_DAY[0] },
    { date: addDays(monday, 4), minute: WORK_DAY[1] },
  ];
}

const ZH_IN = /(半|[\d零一二两三四五六七八九十几]+)个?(半)?\s*(分钟|分|小时|钟头)(?:以后|之后|后)/;
const EN_IN = /\bin\s+(half an|an?|one|two|three|\d+)\s+(minutes?|mins?|hours?|hrs?)\b/;
const EN_COUNT: Readonly<Record<string, number>> = {
  'half an': 0.5,
  a: 1,
  an: 1,
  one: 1,
  two: 2,
  three: 3,
};

/** 半小时后, 两个小时以后, in an hour: milliseconds from now. */
function delayOf(folded: string): number | undefined {
  const zh = ZH_IN.exec(folded);
  if (zh) {
    const count = (zh[1] === '半' ? 0.5 : num(zh[1]!)) + (zh[2] ? 0.5 : 0);
    return count * (zh[3]!.startsWith('分') ? 60_000 : 3_600_000);
  }
  const en = EN_IN.exec(folded);
  if (!en) return undefined;
  const count = EN_COUNT[en[1]!] ?? Number(en[1]);
  return count * (en[2]!.startsWith('m') ? 60_000 : 3_600_000);
}

/** The callback window an utterance names, in folded text; undefined when it names none. */
export function callbackOf(folded: string, ctx: SlotContext): CallbackWindow | undefined {
  // A zone Intl does not know (a CRM field may hold anything) falls back to the default.
  const zone = ctx.timeZone && formatter(ctx.timeZone) ? ctx.timeZone : DEFAULT_TIME_ZONE;
  const iso = (ms: number) => new Date(ms).toISOString();
  const delay = delayOf(folded);
  if (delay !== undefined) return { from: iso(ctx.nowMs + delay), to: iso(ctx.nowMs + delay) };
  let moment: LocalMoment | undefined;
  const now = () => (moment ??= localMoment(ctx.nowMs, zone));
  const later = (s: Span) => instantOf(s[1], zone) > ctx.nowMs;
  const span = longSpan(folded, now, later) ?? daySpan(folded, now);
  if (!span) return undefined;
  const to = instantOf(span[1], zone);
  // A span already begun starts now.
  const from = Math.min(Math.max(instantOf(span[0], zone), ctx.nowMs), to);
  return { from: iso(from), to: iso(to) };
}
