/**
 * What a KPI's last 60 minutes are expected to be, from its past hours.
 * Pure; the alert runner reads the hours (`alert-history.ts`).
 *
 * Three tiers, the first with at least two past points wins: the same hour of
 * the week over the rule's weeks (the weekly rhythm of a call floor), the same
 * hour of the day over the last 7 days (the daily rhythm, which alone swings an
 * answer rate from 0.02 to 0.34: what a young deployment has), and an EWMA
 * over the recent hours (no rhythm at all: the last resort). Given the floor's
 * `weekend`, the daily tier compares like days only: a Saturday morning, when
 * offices do not pick up, is not judged against weekday mornings, and until
 * two past days of its kind are there it has no baseline (no alert) rather
 * than the other kind's.
 */

import { formatter, wallOf } from '../../core/zone.js';

const HOUR_MS = 3_600_000;
const DAY_HOURS = 24;
const WEEK_HOURS = 168;
/** How many days back the daily tier looks: a week, so each weekday counts once. */
const DAILY_DAYS = 7;

export interface HourPoint {
  /** The start of the hour. */
  at: Date;
  value: number;
  /** For a rate KPI, the hour's denominator (dials, for a connect rate); absent for other KPIs. */
  trials?: number | undefined;
}

export interface Baseline {
  value: number;
  method: 'seasonal' | 'daily' | 'ewma';
  /**
   * For a rate KPI, how many trials the baseline is worth (Kish's effective
   * count of its weighted pool), so that the significance gate counts the
   * baseline's own noise as well as the window's.
   */
  trials?: number;
}

export interface BaselineOptions {
  /** Weeks the seasonal tier looks back. */
  weeks: number;
  /** The EWMA's weight of the newest hour (default 0.3). */
  ewmaAlpha?: number;
  /** Whether an instant falls on a weekend where the floor is (absent: every day alike). */
  weekend?: (ms: number) => boolean;
}

interface Past {
  hoursAgo: number;
  value: number;
  trials: number | undefined;
}
interface Weighted extends Past {
  weight: number;
  /** Which past day or week it stands for. */
  lag: number;
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
};

/**
 * The past hours in the same place of the cycle as the window, over `periods`
 * cycles. The window is the 60 minutes up to now: the share `into` of it lies
 * in the current clock hour and the rest in the hour before, so each cycle's
 * two hours weigh in those shares (a window at 12:30 on a floor whose answer
 * rate is 0.07 at 11:00 and 0.34 at 12:00 is half of each, not the 12:00 hour).
 */
function samePhase(past: readonly Past[], period: number, periods: number, into: number) {
  const out: Weighted[] = [];
  for (const p of past) {
    const lag = Math.floor(p.hoursAgo / period);
    const offset = p.hoursAgo - lag * period; // 0: the current hour's twin, 1: the hour before
    const weight = offset === 0 ? into : offset === 1 ? 1 - into : 0;
    if (lag >= 1 && lag <= periods && weight > 0) out.push({ ...p, lag, weight });
  }
  return out;
}

/**
 * One expected value from weighted points. A rate pools its counts (Σ w·successes
 * / Σ w·trials) rather than taking a median of hourly rates: an hour of 3 dials
 * has a rate of 0, 1/3, 2/3 or 1, and a median of such rates is mostly noise
 * and biased towards 0 for a rate of a few percent, where the pooled count is
 * the rate's maximum-likelihood estimate over those hours and comes with its
 * own variance. Other KPIs (counts, durations, money) take the median of each
 * cycle's blended value: robust to one odd day, and they have no trials.
 */
function combine(points: readonly Weighted[]): Omit<Baseline, 'method'> {
  if (points.every((p) => p.trials !== undefined)) return pooled(points);
  const byLag = new Map<number, { sum: number; weight: number }>();
  for (const p of points) {
    const b = byLag.get(p.lag) ?? { sum: 0, weight: 0 };
    byLag.set(p.lag, { sum: b.sum + p.weight * p.value, weight: b.weight + p.weight });
  }
  return { value: median([...byLag.values()].map((b) => b.sum / b.weight)) };
}

function pooled(points: readonly { value: number; trials?: number | undefined; weight: number }[]) {
  let successes = 0;
  let trials = 0;
  let squares = 0;
  for (const p of points) {
    successes += p.weight * p.value * p.trials!;
    trials += p.weight * p.trials!;
    squares += p.weight * p.weight * p.trials!;
  }
  return { value: successes / trials, trials: (trials * trials) / squares };
}

/**
 * The expected value of the 60 minutes up to `now`. Points in or after the
 * current hour are ignored, and so are a rate's hours without trials (a rate
 * of nothing). The EWMA runs oldest first, so the newest hours weigh the most
 * (the alert runner gives it the last 48).
 */
export function baseline(
  history: readonly HourPoint[],
  now: Date,
  { weeks, ewmaAlpha = 0.3, weekend }: BaselineOptions,
): Baseline | undefined {
  const nowHour = Math.floor(now.getTime() / HOUR_MS);
  const into = now.getTime() / HOUR_MS - nowHour;
  const past: Past[] = history
    .map((p) => ({
      hoursAgo: nowHour - Math.floor(p.at.getTime() / HOUR_MS),
      value: p.value,
      trials: p.trials,
    }))
    .filter(
      (p) => p.hoursAgo > 0 && Number.isFinite(p.value) && (p.trials === undefined || p.trials > 0),
    );
  if (past.length === 0) return undefined;

  const tiers = [
    ['seasonal', WEEK_HOURS, weeks],
    ['daily', DAY_HOURS, DAILY_DAYS],
  ] as const;
  const days = (points: readonly Weighted[]) => new Set(points.map((p) => p.lag)).size;
  for (const [method, period, periods] of tiers) {
    const points = samePhase(past, period, periods, into);
    if (method === 'daily' && weekend && days(points) >= 2) {
      const kind = weekend(now.getTime());
      const like = points.filter((p) => weekend((nowHour - p.hoursAgo) * HOUR_MS) === kind);
      return days(like) >= 2 ? { method, ...combine(like) } : undefined;
    }
    if (days(points) >= 2) return { method, ...combine(points) };
  }

  const ordered = past.sort((a, b) => b.hoursAgo - a.hoursAgo);
  const weights = ordered.map((_, i) =>
    i === 0
      ? (1 - ewmaAlpha) ** (ordered.length - 1)
      : ewmaAlpha * (1 - ewmaAlpha) ** (ordered.length - 1 - i),
  );
  if (ordered.every((p) => p.trials !== undefined)) {
    return { method: 'ewma', ...pooled(ordered.map((p, i) => ({ ...p, weight: weights[i]! }))) };
  }
  return { method: 'ewma', value: ordered.reduce((s, p, i) => s + weights[i]! * p.value, 0) };
}

/** The hours (epoch ms of their start) that `baseline` may use for a window ending at `now`. */
export function baselineHours(now: Date, weeks: number, ewmaHours: number): number[] {
  const nowHour = Math.floor(now.getTime() / HOUR_MS) * HOUR_MS;
  const cycles = (period: number, periods: number) =>
    Array.from({ length: periods }, (_, i) => nowHour - (i + 1) * period * HOUR_MS).flatMap((h) => [
      h,
      h - HOUR_MS,
    ]);
  const recent = Array.from({ length: ewmaHours }, (_, h) => nowHour - (h + 1) * HOUR_MS);
  return [...new Set([...cycles(WEEK_HOURS, weeks), ...cycles(DAY_HOURS, DAILY_DAYS), ...recent])];
}

/** BaselineOptions.weekend for a floor in `zone` (an IANA name): Saturday and Sunday there. */
export function weekendIn(zone: string): (ms: number) => boolean {
  const f = formatter(zone);
  if (!f) throw new Error(`unknown time zone "${zone}"`);
  return (ms) => {
    const day = new Date(wallOf(ms, f)).getUTCDay();
    return day === 0 || day === 6;
  };
}
