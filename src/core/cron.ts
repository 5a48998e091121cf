import { DialwiseError } from './errors.js';

/**
 * Standard 5-field cron expressions: minute hour day-of-month month
 * day-of-week, each `*`, a number, a range `a-b`, a step `*\/n` or `a-b/n`,
 * or a comma list of these. Day-of-week is 0-7, 0 and 7 both Sunday. As in
 * Vixie cron, when both day fields are restricted (neither starts with `*`)
 * a day matches if EITHER matches; otherwise both must.
 */
export interface Cron {
  readonly expr: string;
  /** Sorted allowed values; months 1-12, days of week 0-6 (0 = Sunday). */
  readonly minutes: readonly number[];
  readonly hours: readonly number[];
  readonly daysOfMonth: readonly number[];
  readonly months: readonly number[];
  readonly daysOfWeek: readonly number[];
  readonly domRestricted: boolean;
  readonly dowRestricted: boolean;
}

const FIELDS = [
  { name: 'minute', min: 0, max: 59 },
  { name: 'hour', min: 0, max: 23 },
  { name: 'day-of-month', min: 1, max: 31 },
  { name: 'month', min: 1, max: 12 },
  { name: 'day-of-week', min: 0, max: 7 },
] as const;

type Field = (typeof FIELDS)[number];

function parseField(expr: string, text: string, f: Field): number[] {
  const fail = (why: string): never => {
    throw new DialwiseError('CONFIG_INVALID', `cron "${expr}": ${f.name} field "${text}": ${why}`);
  };
  const num = (s: string): number => {
    if (!/^\d+$/.test(s)) fail(`"${s}" is not a number`);
    const n = Number(s);
    if (n < f.min || n > f.max) fail(`${n} is out of range ${f.min}-${f.max}`);
    return n;
  };
  const values = new Set<number>();
  for (const part of text.split(',')) {
    if (!part) fail('empty list item');
    const [range = '', stepText, ...extra] = part.split('/');
    if (extra.length) fail(`"${part}" has more than one "/"`);
    let step = 1;
    if (stepText !== undefined) {
      if (!/^\d+$/.test(stepText) || Number(stepText) < 1) fail(`step "${stepText}" must be ≥ 1`);
      step = Number(stepText);
    }
    let lo: number;
    let hi: number;
    if (range === '*') {
      lo = f.min;
      hi = f.max;
    } else if (range.includes('-')) {
      const [a = '', b = '', ...more] = range.split('-');
      if (more.length) fail(`"${range}" is not a range`);
      lo = num(a);
      hi = num(b);
      if (lo > hi) fail(`range ${lo}-${hi} is backwards`);
    } else {
      if (stepText !== undefined) fail(`a step needs "*" or a range, not "${range}"`);
      lo = hi = num(range);
    }
    for (let v = lo; v <= hi; v += step) values.add(v);
  }
  if (f.name === 'day-of-week' && values.delete(7)) values.add(0);
  return [...values].sort((a, b) => a - b);
}

/** Days in a month (1-12) of a leap year: the most that month can have. */
const MAX_DAYS = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

export function parseCron(expr: string): Cron {
  const parts = expr.trim().split(/\s+/);
  if (parts.length !== 5 || parts[0] === '') {
    throw new DialwiseError(
      'CONFIG_INVALID',
      `cron "${expr}": needs 5 fields (minute hour day-of-month month day-of-week), got ${parts[0] === '' ? 0 : parts.length}`,
    );
  }
  const [minutes, hours, daysOfMonth, months, daysOfWeek] = FIELDS.map((f, i) =>
    parseField(expr, parts[i] ?? '', f),
  ) as [number[], number[], number[], number[], number[]];
  const cron: Cron = {
    expr,
    minutes,
    hours,
    daysOfMonth,
    months,
    daysOfWeek,
    domRestricted: !parts[2]?.startsWith('*'),
    dowRestricted: !parts[4]?.startsWith('*'),
  };
  // Only day-of-month can rule out every day (e.g. 30 February), and only when day-of-week doesn't widen it.
  if (
    cron.domRestricted &&
    !cron.dowRestricted &&
    !months.some((m) => daysOfMonth.some((d) => d <= (MAX_DAYS[m - 1] ?? 0)))
  ) {
    throw new DialwiseError(
      'CONFIG_INVALID',
      `cron "${expr}": day-of-month field "${parts[2]}" never occurs in month field "${parts[3]}"`,
    );
  }
  return cron;
}

interface Parts {
  year: number;
  month: number; // 1-12
  day: number;
  dow: number;
  hour: number;
  minute: number;
}

const MINUTE = 60_000;
const HORIZON_MS = 5 * 366 * 24 * 60 * MINUTE;

/**
 * The first whole minute strictly after `after` that `cron` matches, in UTC
 * or the process's local time zone. Local times skipped by a DST change never
 * match; both copies of a repeated local hour do. Throws if nothing matches
 * within 5 years.
 */
export function nextRun(cron: Cron, after: Date, timeZone: 'UTC' | 'local' = 'UTC'): Date {
  const utc = timeZone === 'UTC';
  const parts = (t: number): Parts => {
    const d = new Date(t);
    return utc
      ? {
          year: d.getUTCFullYear(),
          month: d.getUTCMonth() + 1,
          day: d.getUTCDate(),
          dow: d.getUTCDay(),
          hour: d.getUTCHours(),
          minute: d.getUTCMinutes(),
        }
      : {
          year: d.getFullYear(),
          month: d.getMonth() + 1,
          day: d.getDate(),
          dow: d.getDay(),
          hour: d.getHours(),
          minute: d.getMinutes(),
        };
  };
  /** Midnight at the start of a calendar day (month 1-12; overflowing days/months roll over). */
  const midnight = (year: number, month: number, day: number): number =>
    utc ? Date.UTC(year, month - 1, day) : new Date(year, month - 1, day).getTime();

  const minutes = new Set(cron.minutes);
  const hours = new Set(cron.hours);
  const doms = new Set(cron.daysOfMonth);
  const months = new Set(cron.months);
  const dows = new Set(cron.daysOfWeek);
  const dayMatches = (p: Parts): boolean => {
    const dom = doms.has(p.day);
    const dow = dows.has(p.dow);
    return cron.domRestricted && cron.dowRestricted ? dom || dow : dom && dow;
  };

  const start = after.getTime();
  const limit = start + HORIZON_MS;
  let t = Math.floor(start / MINUTE) * MINUTE + MINUTE;
  while (t <= limit) {
    const p = parts(t);
    if (!months.has(p.month)) {
      t = Math.max(t + MINUTE, midnight(p.year, p.month + 1, 1));
    } else if (!dayMatches(p)) {
      t = Math.max(t + MINUTE, midnight(p.year, p.month, p.day + 1));
    } else if (!hours.has(p.hour)) {
      t += (60 - p.minute) * MINUTE;
    } else if (!minutes.has(p.minute)) {
      const m = cron.minutes.find((x) => x > p.minute);
      t += ((m ?? 60) - p.minute) * MINUTE;
    } else {
      return new Date(t);
    }
  }
  throw new DialwiseError(
    'CONFIG_INVALID',
    `cron "${cron.expr}" matches no time within 5 years after ${after.toISOString()}`,
  );
}
