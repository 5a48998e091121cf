import { describe, expect, it } from 'vitest';
import { nextRun, parseCron } from '../../src/core/cron.js';
import { DialwiseError } from '../../src/core/errors.js';

const next = (expr: string, after: string): string =>
  nextRun(parseCron(expr), new Date(after)).toISOString();

/** Successive runs from `after`. */
const runs = (expr: string, after: string, n: number): string[] => {
  const cron = parseCron(expr);
  const out: string[] = [];
  let t = new Date(after);
  for (let i = 0; i < n; i++) {
    t = nextRun(cron, t);
    out.push(t.toISOString());
  }
  return out;
};

describe('parseCron', () => {
  it('expands lists, ranges and steps; 7 is Sunday', () => {
    const c = parseCron(' 10-50/10  0,12 1-3,15 */4 5-7 ');
    expect(c.minutes).toEqual([10, 20, 30, 40, 50]);
    expect(c.hours).toEqual([0, 12]);
    expect(c.daysOfMonth).toEqual([1, 2, 3, 15]);
    expect(c.months).toEqual([1, 5, 9]);
    expect(c.daysOfWeek).toEqual([0, 5, 6]);
    expect(c.domRestricted && c.dowRestricted).toBe(true);
    const all = parseCron('* * * * *');
    expect(all.minutes).toHaveLength(60);
    expect(all.daysOfWeek).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect(all.domRestricted || all.dowRestricted).toBe(false);
  });

  it.each([
    ['61 * * * *', /minute field "61": 61 is out of range 0-59/],
    ['* * *', /needs 5 fields .* got 3/],
    ['', /got 0/],
    ['* * * * * *', /got 6/],
    ['* 24 * * *', /hour field "24"/],
    ['* * 0 * *', /day-of-month field "0"/],
    ['* * * 13 *', /month field "13"/],
    ['* * * * 8', /day-of-week field "8"/],
    ['*/0 * * * *', /step "0"/],
    ['5-1 * * * *', /backwards/],
    ['5/10 * * * *', /step needs/],
    ['1,,2 * * * *', /empty list item/],
    ['a * * * *', /"a" is not a number/],
    ['0 0 30 2 *', /day-of-month field "30" never occurs in month field "2"/],
    ['0 0 31 4,6,9,11 *', /never occurs/],
  ])('rejects %j', (expr, message) => {
    let err: unknown;
    try {
      parseCron(expr);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(DialwiseError);
    expect((err as DialwiseError).code).toBe('CONFIG_INVALID');
    expect((err as Error).message).toMatch(message);
  });

  it('accepts 30 February when day-of-week widens it (OR rule), and 29 February', () => {
    expect(() => parseCron('0 0 30 2 1')).not.toThrow();
    expect(() => parseCron('0 0 29 2 *')).not.toThrow();
  });
});

describe('nextRun (UTC)', () => {
  it('weekly: from a Wednesday to the next Monday 03:00', () => {
    // 2025-01-15 is a Wednesday.
    expect(next('0 3 * * 1', '2025-01-15T10:00:00Z')).toBe('2025-01-20T03:00:00.000Z');
    // On Monday before 03:00: the same day; at 03:00 exactly: a week later.
    expect(next('0 3 * * 1', '2025-01-20T02:59:59Z')).toBe('2025-01-20T03:00:00.000Z');
    expect(next('0 3 * * 1', '2025-01-20T03:00:00Z')).toBe('2025-01-27T03:00:00.000Z');
  });

  it('every 15 minutes, strictly after', () => {
    expect(runs('*/15 * * * *', '2025-01-15T10:07:30Z', 4)).toEqual([
      '2025-01-15T10:15:00.000Z',
      '2025-01-15T10:30:00.000Z',
      '2025-01-15T10:45:00.000Z',
      '2025-01-15T11:00:00.000Z',
    ]);
    expect(next('*/15 * * * *', '2025-01-15T10:15:00Z')).toBe('2025-01-15T10:30:00.000Z');
    expect(next('* * * * *', '2025-01-15T10:15:00.001Z')).toBe('2025-01-15T10:16:00.000Z');
  });

  it('lists and ranges, across day, month and year ends', () => {
    expect(runs('10-50/20 9,17 * * 1-5', '2025-01-17T16:00:00Z', 5)).toEqual([
      '2025-01-17T17:10:00.000Z', // Friday
      '2025-01-17T17:30:00.000Z',
      '2025-01-17T17:50:00.000Z',
      '2025-01-20T09:10:00.000Z', // Monday
      '2025-01-20T09:30:00.000Z',
    ]);
    expect(next('0 0 1 1,7 *', '2025-03-01T00:00:00Z')).toBe('2025-07-01T00:00:00.000Z');
    expect(next('0 0 1 1,7 *', '2025-12-31T23:59:00Z')).toBe('2026-01-01T00:00:00.000Z');
    expect(next('30 23 31 * *', '2025-04-01T00:00:00Z')).toBe('2025-05-31T23:30:00.000Z');
  });

  it('day-of-month OR day-of-week when both are restricted, AND when one is *', () => {
    // The 13th or any Friday: from Mon 2025-06-09 → Fri 13 June; from 14 June → Fri 20 June.
    expect(runs('0 12 13 * 5', '2025-06-09T00:00:00Z', 2)).toEqual([
      '2025-06-13T12:00:00.000Z',
      '2025-06-20T12:00:00.000Z',
    ]);
    // The 1st or a Sunday: Wed 2025-01-01 (the 1st), then Sun 5 January.
    expect(runs('0 0 1 * 0', '2024-12-31T12:00:00Z', 2)).toEqual([
      '2025-01-01T00:00:00.000Z',
      '2025-01-05T00:00:00.000Z',
    ]);
    // A field starting with * (Vixie) is unrestricted: AND. `*/2` = Sun/Tue/Thu/Sat, so not
    // Tue 10 June (OR) nor Fri 13 June, but Sun 13 July.
    expect(next('0 12 13 * */2', '2025-06-09T00:00:00Z')).toBe('2025-07-13T12:00:00.000Z');
    expect(next('0 12 13 * *', '2025-06-14T00:00:00Z')).toBe('2025-07-13T12:00:00.000Z');
  });

  it('Sunday as 0 and as 7', () => {
    // 2025-01-15 is a Wednesday; the next Sunday is the 19th.
    expect(next('0 8 * * 0', '2025-01-15T00:00:00Z')).toBe('2025-01-19T08:00:00.000Z');
    expect(next('0 8 * * 7', '2025-01-15T00:00:00Z')).toBe('2025-01-19T08:00:00.000Z');
    expect(next('0 8 * * 6-7', '2025-01-15T00:00:00Z')).toBe('2025-01-18T08:00:00.000Z');
  });

  it('29 February waits for a leap year; gives up past 5 years', () => {
    expect(next('0 0 29 2 *', '2025-03-01T00:00:00Z')).toBe('2028-02-29T00:00:00.000Z');
    // 2100 is not a leap year: after 2096 the next 29 February is in 2104.
    expect(() => next('0 0 29 2 *', '2096-03-01T00:00:00Z')).toThrow(/no time within 5 years/);
  });

  it('is fast on sparse schedules', () => {
    const t0 = performance.now();
    for (let i = 0; i < 200; i++) next('59 23 29 2 *', '2025-03-01T00:00:00Z');
    expect(performance.now() - t0).toBeLessThan(1000);
  });
});

describe('nextRun (local)', () => {
  it('matches local wall-clock fields', () => {
    const after = new Date(2025, 0, 15, 10, 0); // local Wednesday
    const at = nextRun(parseCron('30 7 * * 1'), after, 'local');
    expect([at.getDay(), at.getHours(), at.getMinutes(), at.getDate()]).toEqual([1, 7, 30, 20]);
  });
});
