import { Cron } from 'croner';
import type { Clock } from '../../core/clock.js';
import { DialwiseError } from '../../core/errors.js';
import type { Logger } from '../../core/log.js';

/** The zone a schedule's wall-clock fields are read in: UTC, or the process's own. */
export type ScheduleZone = 'UTC' | 'local';

/** A validated cron schedule: when it next falls due. */
export interface Schedule {
  readonly expr: string;
  readonly timeZone: ScheduleZone;
  /** The first whole minute strictly after `afterMs` that the schedule matches (epoch ms). */
  next(afterMs: number): number;
}

/**
 * A standard 5-field cron expression (minute hour day-of-month month
 * day-of-week; croner, Vixie semantics: when both day fields are restricted
 * a day matches if either does). Checked once, when the plan is loaded: an
 * expression that does not parse, or that never matches (30 February), is a
 * config error that names it.
 */
export function parseSchedule(expr: string, timeZone: ScheduleZone = 'UTC'): Schedule {
  const fail = (why: string): never => {
    throw new DialwiseError(
      'CONFIG_INVALID',
      `cron "${expr}" (minute hour day-of-month month day-of-week, ${timeZone}): ${why}`,
    );
  };
  let cron: Cron | undefined;
  try {
    // No callback: croner only computes times; the Clock arms the timer.
    cron = new Cron(expr.trim(), {
      mode: '5-part',
      ...(timeZone === 'UTC' && { timezone: 'UTC' }),
    });
  } catch (err) {
    fail((err as Error).message.replace(/^CronPattern: /, ''));
  }
  const next = (afterMs: number): number | undefined => cron!.nextRun(new Date(afterMs))?.getTime();
  if (next(0) === undefined) fail('matches no date');
  return {
    expr,
    timeZone,
    next: (afterMs) =>
      next(afterMs) ?? fail(`matches no time after ${new Date(afterMs).toISOString()}`),
  };
}

export interface ScheduledJob {
  /** Stops arming further runs; a run in progress finishes. */
  stop(): void;
}

/**
 * Runs `job` at each time the schedule falls due, on the given clock. The
 * next time is armed once a run ends, so runs never overlap: a run that
 * outlasts the next time skips it. A failed run is logged, and the schedule
 * goes on.
 */
export function startSchedule(opts: {
  schedule: Schedule;
  clock: Clock;
  logger: Logger;
  job: (at: Date) => Promise<void>;
  /** What the job is called in the log (default "retrain"). */
  name?: string;
}): ScheduledJob {
  const { schedule, clock, logger, name = 'retrain' } = opts;
  let cancel: (() => void) | undefined;
  let stopped = false;
  const arm = (): void => {
    if (stopped) return;
    const at = schedule.next(clock.now());
    logger.log('info', `next ${name}`, { at: new Date(at).toISOString(), schedule: schedule.expr });
    cancel = clock.after(at - clock.now(), () => {
      cancel = undefined;
      opts
        .job(new Date(at))
        .catch((err: unknown) =>
          logger.log('error', `scheduled ${name} failed`, { err: String(err) }),
        )
        .finally(arm);
    });
  };
  arm();
  return {
    stop() {
      stopped = true;
      cancel?.();
    },
  };
}
