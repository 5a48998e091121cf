/**
 * The per-decision terms every estimator is built from: importance weight
 * (capped), weight × reward, the reward model's value of the target's
 * action mix (DM) and that plus the weighted residual of the logged action (DR).
 */
import type { ActionProbs, LoggedDecision } from './logged-decision.js';
import type { Refit, Terms } from './estimator-intervals.js';
import {
  dmLinearTerms,
  refitSums,
  type BucketDesign,
  type BucketRates,
  type RewardModel,
} from './reward-model.js';

export interface WeightStats {
  /** Kish effective sample size, (Σw)² / Σw²: how many on-policy decisions the logs are worth. */
  ess: number;
  /** Close to 1 when propensities are right and the target is supported. */
  mean: number;
  max: number;
}

export function buildTerms(
  logs: readonly LoggedDecision[],
  probs: readonly ActionProbs[],
  model: RewardModel,
  cap: number,
): { terms: Terms; raw: Terms } {
  const n = logs.length;
  const make = (): Terms => ({
    w: new Float64Array(n),
    wr: new Float64Array(n),
    dm: new Float64Array(n),
    dr: new Float64Array(n),
  });
  const terms = make();
  const raw = make();
  logs.forEach((d, i) => {
    const p = probs[i]!;
    let dm = 0;
    for (const [a, pa] of Object.entries(p)) if (pa > 0) dm += pa * model.predict(d.context, a);
    const residual = d.reward - model.predict(d.context, d.action);
    const wRaw = (p[d.action] ?? 0) / d.propensity;
    for (const [t, w] of [
      [raw, wRaw],
      [terms, Math.min(wRaw, cap)],
    ] as const) {
      t.w[i] = w;
      t.wr[i] = w * d.reward;
      t.dm[i] = dm;
      t.dr[i] = dm + w * residual;
    }
  });
  return { terms, raw };
}

/**
 * What the default model, fitted on these same logs, adds: a refit per
 * bootstrap resample and DM's linearised terms for its normal interval.
 * The support check has passed, so the target only needs the design's
 * (logged) actions.
 */
export function fittedModelParts(
  design: BucketDesign,
  rates: BucketRates,
  probs: readonly ActionProbs[],
  terms: Terms,
): { refit: Refit; dmLinear: Float64Array } {
  const k = design.actions.length;
  const pi = new Float64Array(probs.length * k);
  probs.forEach((p, i) => design.actions.forEach((a, j) => (pi[i * k + j] = p[a] ?? 0)));
  return {
    refit: refitSums(design, pi, terms.w),
    dmLinear: dmLinearTerms(design, rates, pi, terms.dm),
  };
}

export function weightStats(w: Float64Array): WeightStats {
  let s = 0;
  let s2 = 0;
  let max = 0;
  for (const v of w) {
    s += v;
    s2 += v * v;
    max = Math.max(max, v);
  }
  return { ess: s2 > 0 ? (s * s) / s2 : 0, mean: s / w.length, max };
}
