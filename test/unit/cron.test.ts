import { afterEach, describe, expect, it } from 'vitest';
import { manualClock } from '../../src/core/clock.js';
import { DialwiseError } from '../../src/core/errors.js';
import type { Logger } from '../../src/core/log.js';
import {
  parseSchedule,
  retrainPlanSchema,
  startSchedule,
  type ScheduleZone,
} from '../../src/training/retrain/index.js';

// Our use of croner: the retrain schedule is checked once when the plan is
// loaded, and its next time is computed in the schedule's zone. Cron syntax
// itself is croner's to test.

const next = (expr: string, after: string, zone?: ScheduleZone): string =>
  new Date(parseSchedule(expr, zone).next(Date.parse(after))).toISOString();

const configError = (expr: string): DialwiseError => {
  try {
    parseSchedule(expr);
  } catch (err) {
    return err as DialwiseError;
  }
  throw new Error(`${expr} was accepted`);
};

describe('retrain schedule: validation', () => {
  it.each([
    ['61 * * * *', /minute: 61/],
    ['* * *', /five, six, or seven/],
    ['', /five, six, or seven/],
    ['* * * * * *', /5 parts/],
    ['*/0 * * * *', /stepping: 0/],
    ['a * * * *', /illegal characters/],
    ['0 0 30 2 *', /matches no date/],
    ['0 0 31 4,6,9,11 *', /matches no date/],
  ])('rejects %j as a config error that names it', (expr, why) => {
    const err = configError(expr);
    expect(err).toBeInstanceOf(DialwiseError);
    expect(err.code).toBe('CONFIG_INVALID');
    expect(err.message).toContain(`cron "${expr}"`);
    expect(err.message).toMatch(why);
  });

  it('is checked when the plan is read: the plan names the field and the cause', () => {
    const r = retrainPlanSchema.safeParse({ schedule: '61 * * * *' });
    expect(r.success).toBe(false);
    const issue = r.error!.issues.find((i) => i.path[0] === 'schedule');
    expect(issue?.message).toMatch(/cron "61 \* \* \* \*".*minute: 61/);
  });
});

describe('retrain schedule: next run in its zone', () => {
  const tz = process.env.TZ;
  afterEach(() => {
    if (tz === undefined) delete process.env.TZ;
    else process.env.TZ = tz;
  });

  it('weekly at 03:00 UTC, strictly after, whatever zone the process runs in', () => {
    for (const zone of ['UTC', 'Asia/Shanghai', 'America/New_York']) {
      process.env.TZ = zone;
      // 2025-01-15 is a Wednesday.
      expect(next('0 3 * * 1', '2025-01-15T10:00:00Z')).toBe('2025-01-20T03:00:00.000Z');
      expect(next('0 3 * * 1', '2025-01-20T02:59:59Z')).toBe('2025-01-20T03:00:00.000Z');
      expect(next('0 3 * * 1', '2025-01-20T03:00:00Z')).toBe('2025-01-27T03:00:00.000Z');
    }
  });

  it('local: the process zone’s wall clock', () => {
    process.env.TZ = 'Asia/Shanghai'; // UTC+8, no daylight saving
    // Monday 03:00 in Shanghai is Sunday 19:00 UTC.
    expect(next('0 3 * * 1', '2025-01-15T10:00:00Z', 'local')).toBe('2025-01-19T19:00:00.000Z');
  });

  it('29 February waits for a leap year', () => {
    expect(next('0 0 29 2 *', '2025-03-01T00:00:00Z')).toBe('2028-02-29T00:00:00.000Z');
  });
});

describe('retrain schedule: runs on the injected clock', () => {
  const quiet: Logger = { log: () => undefined };

  it('runs at each due time, never two at once, and stops', async () => {
    const clock = manualClock(Date.parse('2025-01-15T10:00:00Z'));
    const started: string[] = [];
    let finish: () => void = () => undefined;
    const job = startSchedule({
      schedule: parseSchedule('0 3 * * 1'),
      clock,
      logger: quiet,
      job: (at) => {
        started.push(at.toISOString());
        return new Promise<void>((resolve) => (finish = resolve));
      },
    });
    clock.set(Date.parse('2025-01-20T02:59:00Z'));
    expect(started).toEqual([]);
    clock.set(Date.parse('2025-01-20T03:00:00Z'));
    expect(started).toEqual(['2025-01-20T03:00:00.000Z']);
    // Still running a week later: that time is skipped, not run alongside.
    clock.set(Date.parse('2025-01-27T03:00:00Z'));
    expect(started).toHaveLength(1);
    finish();
    await new Promise((r) => setImmediate(r));
    clock.set(Date.parse('2025-02-03T03:00:00Z'));
    expect(started).toEqual(['2025-01-20T03:00:00.000Z', '2025-02-03T03:00:00.000Z']);
    finish();
    await new Promise((r) => setImmediate(r));
    job.stop();
    clock.set(Date.parse('2025-03-03T03:00:00Z'));
    expect(started).toHaveLength(2);
  });

  it('logs a failed run and keeps the schedule', async () => {
    const clock = manualClock(Date.parse('2025-01-15T10:00:00Z'));
    const logged: string[] = [];
    let runs = 0;
    const job = startSchedule({
      schedule: parseSchedule('0 3 * * 1'),
      clock,
      logger: { log: (level, msg) => logged.push(`${level} ${msg}`) },
      job: () => Promise.reject(new Error(`disk full ${++runs}`)),
    });
    clock.set(Date.parse('2025-01-20T03:00:00Z'));
    await new Promise((r) => setImmediate(r));
    clock.set(Date.parse('2025-01-27T03:00:00Z'));
    await new Promise((r) => setImmediate(r));
    job.stop();
    expect(runs).toBe(2);
    expect(logged.filter((l) => l === 'error scheduled retrain failed')).toHaveLength(2);
    expect(logged.filter((l) => l === 'info next retrain')).toHaveLength(3);
  });
});
