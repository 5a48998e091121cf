/**
 * Confidence intervals for the off-policy estimators. Every estimator is a
 * function of a few per-decision sums, so one bootstrap resample of decision
 * indices serves all four at once and stays cheap at 20k decisions × 1,000
 * resamples.
 */
import { seeded } from '../../core/rng.js';

export const ESTIMATORS = ['ips', 'snips', 'dm', 'dr'] as const;
export type EstimatorName = (typeof ESTIMATORS)[number];

export interface Interval {
  lo: number;
  hi: number;
}

/** Per-decision terms: importance weight, weight × reward, direct-method and doubly robust terms. */
export interface Terms {
  w: Float64Array;
  wr: Float64Array;
  dm: Float64Array;
  dr: Float64Array;
  /** DM's terms with the reward model's fitting error, when it was fitted on these logs. */
  dmLinear?: Float64Array;
  /**
   * Each decision's group (0 … groups − 1): decisions that share a reward,
   * the turns of one call. Their terms are correlated, so errors and
   * resamples go by group; absent, every decision is its own group.
   */
  groups?: { of: Int32Array; count: number };
}

/** Every decision its own group. */
const singletons = (n: number) => ({ of: Int32Array.from({ length: n }, (_, i) => i), count: n });

/** Group ids as indices, in order of first appearance; undefined ids stand alone. */
export function groupIndex(ids: readonly (string | undefined)[]): {
  of: Int32Array;
  count: number;
} {
  const index = new Map<string, number>();
  const of = new Int32Array(ids.length);
  let count = 0;
  ids.forEach((id, i) => {
    if (id === undefined) of[i] = count++;
    else {
      let g = index.get(id);
      if (g === undefined) index.set(id, (g = count++));
      of[i] = g;
    }
  });
  return { of, count };
}

interface Sums {
  n: number;
  w: number;
  wr: number;
  dm: number;
  dr: number;
}

/** The four estimates from the sums; SNIPS is undefined (NaN) when no weight is left. */
export const fromSums = (s: Sums): Record<EstimatorName, number> => ({
  ips: s.wr / s.n,
  snips: s.w > 0 ? s.wr / s.w : NaN,
  dm: s.dm / s.n,
  dr: s.dr / s.n,
});

export function sumTerms(t: Terms): Sums {
  const s: Sums = { n: t.w.length, w: 0, wr: 0, dm: 0, dr: 0 };
  for (let i = 0; i < s.n; i++) {
    s.w += t.w[i]!;
    s.wr += t.wr[i]!;
    s.dm += t.dm[i]!;
    s.dr += t.dr[i]!;
  }
  return s;
}

/**
 * √(G/(G−1) · Σ_g r_g²) / n, where r_g sums a group's residuals: the
 * cluster-robust error, which is the textbook sd/√n when every decision is
 * its own group.
 */
function groupedError(residual: (i: number) => number, n: number, groups: Terms['groups']) {
  const g = groups ?? singletons(n);
  if (g.count < 2) return NaN;
  const sums = new Float64Array(g.count);
  for (let i = 0; i < n; i++) sums[g.of[i]!]! += residual(i);
  let ss = 0;
  for (const r of sums) ss += r * r;
  return Math.sqrt((ss * g.count) / (g.count - 1)) / n;
}

function sdOfMean(x: Float64Array, groups: Terms['groups']): number {
  let m = 0;
  for (const v of x) m += v;
  m /= x.length;
  return groupedError((i) => x[i]! - m, x.length, groups);
}

/**
 * Standard errors for the normal interval. IPS, DM and DR are means of
 * per-decision terms; SNIPS is a ratio, so its error comes from the delta
 * method. DM's error includes the reward model's fitting error only when
 * `dmLinear` is given, and never its bias: the interval is too narrow
 * whenever the model is wrong.
 */
export function standardErrors(t: Terms, estimates: Record<EstimatorName, number>) {
  const n = t.w.length;
  let den = 0;
  for (const w of t.w) den += w;
  // SNIPS = Σwr/Σw: its delta-method error is that of the mean of wr − w·SNIPS, over mean w.
  const snips = groupedError((i) => t.wr[i]! - t.w[i]! * estimates.snips, n, t.groups);
  return {
    ips: sdOfMean(t.wr, t.groups),
    snips: den > 0 ? (snips * n) / den : NaN,
    dm: sdOfMean(t.dmLinear ?? t.dm, t.groups),
    dr: sdOfMean(t.dr, t.groups),
  } satisfies Record<EstimatorName, number>;
}

// Acklam's rational approximation of the inverse normal CDF (relative error < 1.2e-9).
const A = [
  -39.69683028665376, 220.9460984245205, -275.9285104469687, 138.357751867269, -30.66479806614716,
  2.506628277459239,
];
const B = [
  -54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972, -13.28068155288572,
];
const C = [
  -0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734,
  4.374664141464968, 2.938163982698783,
];
const D = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416];

const poly = (c: number[], x: number): number => c.reduce((acc, k) => acc * x + k, 0);

/** The standard normal quantile: normalQuantile(0.975) ≈ 1.96. */
export function normalQuantile(p: number): number {
  if (!(p > 0 && p < 1)) throw new Error(`normal quantile needs 0 < p < 1, got ${p}`);
  const low = 0.02425;
  if (p < low) {
    const q = Math.sqrt(-2 * Math.log(p));
    return poly(C, q) / (poly(D, q) * q + 1);
  }
  if (p > 1 - low) return -normalQuantile(1 - p);
  const q = p - 0.5;
  const r = q * q;
  return (poly(A, r) * q) / (poly(B, r) * r + 1);
}

export function normalInterval(value: number, se: number, level: number): Interval {
  const z = normalQuantile(0.5 + level / 2);
  return { lo: value - z * se, hi: value + z * se };
}

/** Linear interpolation between order statistics (type 7, as numpy's default). */
export function quantile(sorted: ArrayLike<number>, q: number): number {
  const h = (sorted.length - 1) * q;
  const lo = Math.floor(h);
  const a = sorted[lo]!;
  return lo + 1 < sorted.length ? a + (h - lo) * (sorted[lo + 1]! - a) : a;
}

/** DM and DR sums over a resample given each decision's multiplicity, refitting the reward model. */
export type Refit = (counts: Float64Array) => { dm: number; dr: number };

/**
 * Percentile bootstrap over groups of decisions (the turns of a call share
 * its outcome, so they are drawn together; a decision without a group is its
 * own): each resample draws as many groups as there are, with replacement
 * (seeded, so a run can be repeated), and recomputes every estimator. With `refit` the reward model is refitted per resample, so
 * DM's and DR's intervals include its fitting error; without, the model is
 * held fixed, which is right only for a model fitted on other data.
 */
export function bootstrapIntervals(
  t: Terms,
  level: number,
  resamples: number,
  seed: number,
  refit?: Refit,
): Record<EstimatorName, Interval> {
  if (!(Number.isInteger(resamples) && resamples >= 2))
    throw new Error(`bootstrap needs at least 2 resamples, got ${resamples}`);
  const rng = seeded(seed);
  const n = t.w.length;
  const groups = t.groups ?? singletons(n);
  const drawn = new Float64Array(groups.count);
  const counts = new Float64Array(n);
  const draws = Object.fromEntries(ESTIMATORS.map((e) => [e, new Float64Array(resamples)]));
  for (let b = 0; b < resamples; b++) {
    drawn.fill(0);
    for (let j = 0; j < groups.count; j++) drawn[Math.floor(rng() * groups.count)]! += 1;
    const s: Sums = { n: 0, w: 0, wr: 0, dm: 0, dr: 0 };
    for (let i = 0; i < n; i++) {
      const c = (counts[i] = drawn[groups.of[i]!]!);
      if (c === 0) continue;
      s.n += c;
      s.w += c * t.w[i]!;
      s.wr += c * t.wr[i]!;
      if (!refit) {
        s.dm += c * t.dm[i]!;
        s.dr += c * t.dr[i]!;
      }
    }
    if (refit) Object.assign(s, refit(counts));
    const est = fromSums(s);
    for (const e of ESTIMATORS) draws[e]![b] = est[e];
  }
  const alpha = (1 - level) / 2;
  return Object.fromEntries(
    ESTIMATORS.map((e) => {
      // A SNIPS resample with no weight is NaN and sorts last: if there are enough of
      // them the upper bound comes out NaN, undefined rather than made up.
      const sorted = draws[e]!.sort();
      return [e, { lo: quantile(sorted, alpha), hi: quantile(sorted, 1 - alpha) }];
    }),
  ) as Record<EstimatorName, Interval>;
}
