/**
 * Off-policy evaluation: how a script or routing policy that was never
 * deployed would have done, estimated from decisions logged under another
 * policy with their propensities. Four estimators, because each fails
 * differently:
 *
 * - IPS reweights each logged reward by w = target(a|x) / propensity:
 *   unbiased, but noisy when the target favours rarely logged actions.
 * - SNIPS divides by the sum of weights instead of n: slightly biased,
 *   often less noisy, and unmoved by a constant shift in rewards.
 * - DM averages a reward model's prediction under the target: low variance,
 *   but as biased as the model is wrong.
 * - DR is DM plus IPS applied to the model's residuals: unbiased when either
 *   the propensities or the model are right, and less noisy than IPS by as
 *   much of the reward as the model explains (Dudík, Langford & Li, 2011);
 *   with 0/1 conversions near 15% that is little, since most of the noise
 *   is the coin flip itself.
 *
 * Pure: logs, policies, model and seeds come in as arguments.
 */
import type { LoggedDecision, Policy } from './logged-decision.js';
import {
  bootstrapIntervals,
  groupIndex,
  ESTIMATORS,
  fromSums,
  normalInterval,
  standardErrors,
  sumTerms,
  type EstimatorName,
  type Interval,
  type Refit,
} from './estimator-intervals.js';
import { fitBucketModel, type BucketModelOptions, type RewardModel } from './reward-model.js';
import { checkLogs, checkSupport, targetProbs } from './policy-support.js';
import { buildTerms, fittedModelParts, weightStats, type WeightStats } from './estimator-terms.js';

export interface OffPolicyOptions {
  /**
   * Largest importance weight used (default: no cap). A cap lowers variance
   * but biases IPS, SNIPS and DR's correction; `clipping.shift` reports how
   * far it moved each estimate on these logs.
   */
  clip?: number;
  /** Interval coverage, default 0.95. */
  level?: number;
  /** Percentile bootstrap (default 1,000 resamples, seed 1); false for normal intervals only. */
  bootstrap?: { resamples: number; seed: number } | false;
  /**
   * Reward model for DM and DR, fitted on other data and so held fixed in the
   * bootstrap. By default a bucket model is fitted on these logs and refitted
   * in every bootstrap resample.
   */
  rewardModel?: RewardModel;
  rewardModelOptions?: BucketModelOptions;
  /** The logging policy, if known: enables the per-context support check. */
  logging?: Policy;
}

export interface Estimate {
  value: number;
  /** Standard error (delta method for SNIPS). */
  se: number;
  normal: Interval;
  bootstrap?: Interval;
}

export interface Clipping {
  cap: number;
  /** Decisions whose weight was capped. */
  clipped: number;
  /** Unclipped minus clipped estimate: the bias the cap trades for variance, as seen on these logs. */
  shift: Record<'ips' | 'snips' | 'dr', number>;
}

export interface PolicyEvaluation {
  policy: string;
  n: number;
  level: number;
  weights: WeightStats;
  clipping?: Clipping;
  estimates: Record<EstimatorName, Estimate>;
}

/** Every estimator's value and intervals for one target policy. */
export function evaluatePolicy(
  logs: readonly LoggedDecision[],
  target: Policy,
  options: OffPolicyOptions = {},
): PolicyEvaluation {
  const level = options.level ?? 0.95;
  const cap = options.clip ?? Infinity;
  if (!(level > 0 && level < 1)) throw new Error(`level must be in (0, 1), got ${level}`);
  if (!(cap > 0)) throw new Error(`clip must be > 0, got ${cap}`);
  checkLogs(logs);
  const probs = logs.map((d) => targetProbs(target, d.context));
  checkSupport(logs, probs, target.name, options.logging);

  const fit = options.rewardModel ? undefined : fitBucketModel(logs, options.rewardModelOptions);
  const { terms, raw } = buildTerms(logs, probs, options.rewardModel ?? fit!.model, cap);
  terms.groups = groupIndex(logs.map((d) => d.group));
  let refit: Refit | undefined;
  if (fit) {
    // Fitted on these logs, so its own error belongs in DM's and DR's intervals.
    const parts = fittedModelParts(fit.design, fit.rates, probs, terms);
    terms.dmLinear = parts.dmLinear;
    refit = parts.refit;
  }
  const values = fromSums(sumTerms(terms));
  const se = standardErrors(terms, values);
  const boot =
    options.bootstrap === false
      ? undefined
      : bootstrapIntervals(
          terms,
          level,
          options.bootstrap?.resamples ?? 1000,
          options.bootstrap?.seed ?? 1,
          refit,
        );
  const estimates = Object.fromEntries(
    ESTIMATORS.map((e) => {
      const est: Estimate = {
        value: values[e],
        se: se[e],
        normal: normalInterval(values[e], se[e], level),
      };
      if (boot) est.bootstrap = boot[e];
      return [e, est];
    }),
  ) as Record<EstimatorName, Estimate>;

  const result: PolicyEvaluation = {
    policy: target.name,
    n: logs.length,
    level,
    weights: weightStats(terms.w),
    estimates,
  };
  if (Number.isFinite(cap)) {
    const unclipped = fromSums(sumTerms(raw));
    result.clipping = {
      cap,
      clipped: raw.w.filter((w) => w > cap).length,
      shift: {
        ips: unclipped.ips - values.ips,
        snips: unclipped.snips - values.snips,
        dr: unclipped.dr - values.dr,
      },
    };
  }
  return result;
}

export interface ComparisonRow {
  policy: string;
  role: 'champion' | 'candidate';
  estimate: number;
  interval: Interval;
  ess: number;
  /** Estimate minus the champion's estimate. */
  lift: number;
  /** Candidate's lower bound above the champion's estimate; null for the champion. */
  beatsChampion: boolean | null;
}

/**
 * The rollout table: champion first, then each candidate, all estimated from
 * the same logs with one estimator (DR by default) and the same reward model
 * (the fit is deterministic). The bootstrap interval is used when computed,
 * else the normal one.
 */
export function comparePolicies(
  logs: readonly LoggedDecision[],
  champion: Policy,
  candidates: readonly Policy[],
  options: OffPolicyOptions & { estimator?: EstimatorName } = {},
): ComparisonRow[] {
  const estimator = options.estimator ?? 'dr';
  const row = (p: Policy) => {
    const ev = evaluatePolicy(logs, p, options);
    const e = ev.estimates[estimator];
    return {
      policy: p.name,
      estimate: e.value,
      interval: e.bootstrap ?? e.normal,
      ess: ev.weights.ess,
    };
  };
  const champ = row(champion);
  return [
    { ...champ, role: 'champion', lift: 0, beatsChampion: null },
    ...candidates.map((c): ComparisonRow => {
      const r = row(c);
      return {
        ...r,
        role: 'candidate',
        lift: r.estimate - champ.estimate,
        beatsChampion: r.interval.lo > champ.estimate,
      };
    }),
  ];
}
