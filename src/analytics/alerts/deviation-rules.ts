/**
 * Deviation alerts: compare a KPI's current hour with what that hour usually
 * looks like, and decide when to fire, stay quiet or resolve. Everything here
 * is pure; reading KPIs, persisting state and posting to Slack live elsewhere.
 */
import { z } from 'zod';
import {
  ALERT_KPIS,
  FILTER_DIMENSIONS,
  type AlertKpi,
  type FilterDimension,
} from '../kpis/index.js';

/** What a rule may watch: the catalogue's alertable KPIs. */
export const ALERT_METRICS = ALERT_KPIS;
export type AlertMetric = AlertKpi;

/** What a rule may split by: the filter dimensions (a column of the calls each). */
export const ALERT_DIMENSIONS = FILTER_DIMENSIONS;
export type AlertDimension = FilterDimension;

export const alertRuleSchema = z.strictObject({
  id: z.string().min(1),
  metric: z.enum(ALERT_METRICS),
  /** null: the whole operation rather than one slice of it. */
  dimension: z.enum(ALERT_DIMENSIONS).nullable().default(null),
  /** Relative deviation from the baseline, 0.2 = 20%. */
  threshold: z.number().positive().default(0.2),
  direction: z.enum(['both', 'drop', 'rise']).default('both'),
  /** How many weeks of history the seasonal baseline looks back. */
  weeks: z.number().int().positive().default(4),
  cooldownMinutes: z.number().int().nonnegative().default(60),
  /** Calls needed in the hour before it is judged at all. */
  minVolume: z.number().int().nonnegative().default(20),
  enabled: z.boolean().default(true),
});
export type AlertRule = z.infer<typeof alertRuleSchema>;

export interface Baseline {
  value: number;
  method: 'seasonal' | 'ewma';
}

const HOUR_MS = 3_600_000;
const WEEK_HOURS = 168;

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
};

/**
 * What the hour containing `now` is expected to be. Prefers the median of the
 * same hour-of-week (UTC) over the last `weeks` weeks, which follows the weekly
 * rhythm of a call floor; with fewer than two such points it falls back to an
 * EWMA over the earlier hours given (the alert runner gives the last 48). Points
 * in or after the current hour are ignored.
 */
export function baseline(
  history: readonly { at: Date; value: number }[],
  now: Date,
  weeks: number,
  ewmaAlpha = 0.3,
): Baseline | undefined {
  const nowHour = Math.floor(now.getTime() / HOUR_MS);
  const past = history
    .map((p) => ({ hoursAgo: nowHour - Math.floor(p.at.getTime() / HOUR_MS), value: p.value }))
    .filter((p) => p.hoursAgo > 0 && Number.isFinite(p.value));
  if (past.length === 0) return undefined;

  const seasonal = past
    .filter((p) => p.hoursAgo % WEEK_HOURS === 0 && p.hoursAgo <= weeks * WEEK_HOURS)
    .map((p) => p.value);
  if (seasonal.length >= 2) return { value: median(seasonal), method: 'seasonal' };

  // Oldest first, so the newest hours weigh the most.
  const ordered = past.sort((a, b) => b.hoursAgo - a.hoursAgo);
  let smoothed = ordered[0]!.value;
  for (const p of ordered.slice(1)) smoothed = ewmaAlpha * p.value + (1 - ewmaAlpha) * smoothed;
  return { value: smoothed, method: 'ewma' };
}

export interface AlertState {
  ruleId: string;
  /** The dimension value, or "all" for an overall rule. */
  key: string;
  status: 'open' | 'acknowledged' | 'resolved';
  /** When it last fired; null if it never has. */
  firedAt: Date | null;
  /** Last fired or resolved notice; the cooldown counts from here. */
  lastNotifiedAt: Date | null;
  value: number;
  baseline: number;
  /** Signed relative deviation: -0.25 is 25% below the baseline. */
  deviation: number;
}

export type Transition = 'fired' | 'resolved';

export interface Evaluation {
  state: AlertState;
  transition?: Transition;
}

/**
 * One step of an alert's life for one rule and key. It fires when the value
 * strays at least `threshold` from the baseline in the rule's direction; while
 * open or acknowledged it stays quiet; it resolves (once) when back within the
 * threshold; after resolving it may fire again only once the cooldown since
 * the last notice has passed. An hour that can't be judged (rule disabled, too
 * few calls, no positive baseline) leaves the state as it was.
 */
export function evaluate(
  rule: AlertRule,
  key: string,
  current: { value: number; volume: number },
  base: number | undefined,
  state: AlertState | undefined,
  now: Date,
): Evaluation {
  const prev: AlertState = state ?? {
    ruleId: rule.id,
    key,
    status: 'resolved',
    firedAt: null,
    lastNotifiedAt: null,
    value: current.value,
    baseline: base ?? 0,
    deviation: 0,
  };
  if (!rule.enabled || current.volume < rule.minVolume || base === undefined || !(base > 0)) {
    return { state: prev };
  }

  const deviation = (current.value - base) / base;
  const inDirection =
    rule.direction === 'both' || (rule.direction === 'drop' ? deviation < 0 : deviation > 0);
  // A hair of tolerance so that "exactly 20%" isn't lost to floating point.
  const breached = inDirection && Math.abs(deviation) >= rule.threshold - 1e-9;
  const next: AlertState = { ...prev, value: current.value, baseline: base, deviation };
  const active = prev.status === 'open' || prev.status === 'acknowledged';

  if (breached && !active) {
    const quietSince = prev.lastNotifiedAt?.getTime() ?? -Infinity;
    if (now.getTime() - quietSince < rule.cooldownMinutes * 60_000) return { state: next };
    return {
      state: { ...next, status: 'open', firedAt: now, lastNotifiedAt: now },
      transition: 'fired',
    };
  }
  if (!breached && active) {
    return { state: { ...next, status: 'resolved', lastNotifiedAt: now }, transition: 'resolved' };
  }
  return { state: next };
}

/** Someone has seen it: an open alert becomes acknowledged; anything else is unchanged. */
export function acknowledge(state: AlertState): AlertState {
  return state.status === 'open' ? { ...state, status: 'acknowledged' } : state;
}
