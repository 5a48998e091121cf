/**
 * Deviation alerts: compare a KPI's last 60 minutes with what they usually
 * look like (`baseline.ts`), and decide when to fire, stay quiet or resolve.
 * Everything here is pure; reading KPIs, persisting state and posting to
 * Slack live elsewhere.
 */
import { z } from 'zod';
import {
  ALERT_KPIS,
  FILTER_DIMENSIONS,
  type AlertKpi,
  type FilterDimension,
} from '../kpis/index.js';
import type { Baseline } from './baseline.js';

/** What a rule may watch: the catalogue's alertable KPIs. */
export const ALERT_METRICS = ALERT_KPIS;
export type AlertMetric = AlertKpi;

/** What a rule may split by: the filter dimensions (a column of the calls each). */
export const ALERT_DIMENSIONS = FILTER_DIMENSIONS;
export type AlertDimension = FilterDimension;

/** Which deviations of a rule fire. */
export const ALERT_DIRECTIONS = ['both', 'drop', 'rise'] as const;
/** An alert's state: open until acknowledged or back to normal. */
export const ALERT_STATUSES = ['open', 'acknowledged', 'resolved'] as const;

export const alertRuleSchema = z.strictObject({
  id: z.string().min(1),
  metric: z.enum(ALERT_METRICS),
  /** null: the whole operation rather than one slice of it. */
  dimension: z.enum(ALERT_DIMENSIONS).nullable().default(null),
  /** Relative deviation from the baseline, 0.2 = 20%. */
  threshold: z.number().positive().default(0.2),
  direction: z.enum(ALERT_DIRECTIONS).default('both'),
  /** How many weeks of history the seasonal baseline looks back. */
  weeks: z.number().int().positive().default(4),
  cooldownMinutes: z.number().int().nonnegative().default(60),
  /** Calls needed in the hour before it is judged at all. */
  minVolume: z.number().int().nonnegative().default(20),
  /**
   * A rate KPI fires only when its deviation is also this many standard
   * errors from the baseline (binomial, the window's trials and the
   * baseline's). The default 4 (one-sided p ≈ 3e-5) is a Bonferroni bound:
   * the default rules watch 11 keys (overall, 5 regions twice) in about one
   * independent 60-minute window per hour, 11 × 168 ≈ 1,850 looks a week, so
   * a steady week raises a false alert with probability about 6%. At 2 (the
   * textbook 5% two-sided) the same week would raise dozens.
   */
  minZ: z.number().nonnegative().default(4),
  enabled: z.boolean().default(true),
});
export type AlertRule = z.infer<typeof alertRuleSchema>;

export interface AlertState {
  ruleId: string;
  /** The dimension value, or "all" for an overall rule. */
  key: string;
  status: (typeof ALERT_STATUSES)[number];
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
 * How many standard errors a window's rate lies from its baseline rate, under
 * the hypothesis that nothing changed: both are binomial draws of the baseline
 * rate, over the window's trials and the baseline's (infinite when the
 * baseline's count is unknown). Signed like the deviation.
 */
export function rateZ(rate: number, trials: number, baseRate: number, baseTrials = Infinity) {
  const variance = baseRate * (1 - baseRate) * (1 / trials + 1 / baseTrials);
  if (rate === baseRate) return 0;
  return variance > 0
    ? (rate - baseRate) / Math.sqrt(variance)
    : Math.sign(rate - baseRate) * Infinity;
}

/**
 * One step of an alert's life for one rule and key. It fires when the value
 * strays at least `threshold` from the baseline in the rule's direction and,
 * for a rate (`current.trials` given), the straying is significant (`minZ`:
 * 20% off on 20 dials is noise); while open or acknowledged it stays quiet; it
 * resolves (once) when back within the threshold, significant or not, so that
 * a borderline volume doesn't flap; after resolving it may fire again only
 * once the cooldown since the last notice has passed. An hour that can't be
 * judged (rule disabled, too few calls, no positive baseline) leaves the state
 * as it was.
 */
export function evaluate(
  rule: AlertRule,
  key: string,
  current: { value: number; volume: number; trials?: number | undefined },
  base: Pick<Baseline, 'value' | 'trials'> | undefined,
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
    baseline: base?.value ?? 0,
    deviation: 0,
  };
  if (!rule.enabled || current.volume < rule.minVolume || base === undefined || !(base.value > 0)) {
    return { state: prev };
  }

  const deviation = (current.value - base.value) / base.value;
  const inDirection =
    rule.direction === 'both' || (rule.direction === 'drop' ? deviation < 0 : deviation > 0);
  // A hair of tolerance so that "exactly 20%" isn't lost to floating point.
  const breached = inDirection && Math.abs(deviation) >= rule.threshold - 1e-9;
  const significant =
    current.trials === undefined ||
    Math.abs(rateZ(current.value, current.trials, base.value, base.trials)) >= rule.minZ;
  const next: AlertState = { ...prev, value: current.value, baseline: base.value, deviation };
  const active = prev.status === 'open' || prev.status === 'acknowledged';

  if (breached && significant && !active) {
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
