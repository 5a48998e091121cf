import { seeded } from '../../core/rng.js';

/**
 * Metrics of probability forecasts of a binary outcome: pure functions over
 * (probability, label) pairs, tested against hand-computed tables.
 */

function check(p: readonly number[], y: readonly boolean[]): void {
  if (p.length !== y.length) throw new Error('predictions and labels differ in length');
  if (p.length === 0) throw new Error('no predictions');
}

/**
 * Area under the ROC curve, as the Mann-Whitney statistic: the chance that a
 * random positive scores above a random negative, ties counting half (so a
 * constant score gets 0.5). NaN when one class is absent.
 */
export function auc(p: readonly number[], y: readonly boolean[]): number {
  check(p, y);
  const order = p.map((v, i) => i).sort((a, b) => p[a]! - p[b]!);
  let rankSumPos = 0;
  let pos = 0;
  // Average ranks over runs of equal scores give ties half credit.
  for (let i = 0; i < order.length;) {
    let j = i;
    while (j + 1 < order.length && p[order[j + 1]!] === p[order[i]!]) j++;
    const rank = (i + j) / 2 + 1;
    for (let k = i; k <= j; k++) {
      if (y[order[k]!]) {
        rankSumPos += rank;
        pos++;
      }
    }
    i = j + 1;
  }
  const neg = p.length - pos;
  if (pos === 0 || neg === 0) return NaN;
  return (rankSumPos - (pos * (pos + 1)) / 2) / (pos * neg);
}

/** Mean squared error of the probability against the 0/1 outcome. */
export function brier(p: readonly number[], y: readonly boolean[]): number {
  check(p, y);
  return p.reduce((s, v, i) => s + (v - (y[i] ? 1 : 0)) ** 2, 0) / p.length;
}

/** Mean negative log-likelihood (nats); probabilities clipped to [eps, 1 - eps] so 0 and 1 stay finite. */
export function logLoss(p: readonly number[], y: readonly boolean[], eps = 1e-15): number {
  check(p, y);
  let s = 0;
  p.forEach((v, i) => {
    const q = Math.min(1 - eps, Math.max(eps, v));
    s -= y[i] ? Math.log(q) : Math.log(1 - q);
  });
  return s / p.length;
}

export interface ReliabilityBin {
  /** Bin range of predicted probability, [lo, hi) (the last bin includes 1). */
  lo: number;
  hi: number;
  count: number;
  /** null for an empty bin. */
  meanPredicted: number | null;
  observedRate: number | null;
}

/** The reliability curve: equal-width bins of predicted probability, mean prediction vs observed rate. */
export function reliabilityCurve(
  p: readonly number[],
  y: readonly boolean[],
  bins = 10,
): ReliabilityBin[] {
  check(p, y);
  const sums = Array.from({ length: bins }, () => ({ n: 0, p: 0, y: 0 }));
  p.forEach((v, i) => {
    const b = sums[Math.min(bins - 1, Math.max(0, Math.floor(v * bins)))]!;
    b.n++;
    b.p += v;
    b.y += y[i] ? 1 : 0;
  });
  return sums.map((b, i) => ({
    lo: i / bins,
    hi: (i + 1) / bins,
    count: b.n,
    meanPredicted: b.n ? b.p / b.n : null,
    observedRate: b.n ? b.y / b.n : null,
  }));
}

/** Expected calibration error: the count-weighted mean gap between the curve and the diagonal. */
export function expectedCalibrationError(curve: readonly ReliabilityBin[]): number {
  const n = curve.reduce((s, b) => s + b.count, 0);
  return curve.reduce(
    (s, b) => s + (b.count ? (b.count / n) * Math.abs(b.meanPredicted! - b.observedRate!) : 0),
    0,
  );
}

export interface BinaryMetrics {
  n: number;
  positiveRate: number;
  auc: number;
  brier: number;
  logLoss: number;
  ece: number;
  reliability: ReliabilityBin[];
}

const r4 = (x: number): number => Math.round(x * 1e4) / 1e4;

/** Every figure the propensity report carries, rounded to 4 places. */
export function binaryMetrics(p: readonly number[], y: readonly boolean[]): BinaryMetrics {
  const reliability = reliabilityCurve(p, y);
  return {
    n: p.length,
    positiveRate: r4(y.filter(Boolean).length / y.length),
    auc: r4(auc(p, y)),
    brier: r4(brier(p, y)),
    logLoss: r4(logLoss(p, y)),
    ece: r4(expectedCalibrationError(reliability)),
    reliability: reliability.map((b) => ({
      ...b,
      meanPredicted: b.meanPredicted === null ? null : r4(b.meanPredicted),
      observedRate: b.observedRate === null ? null : r4(b.observedRate),
    })),
  };
}

/**
 * Percentile bootstrap interval of AUC (resampling rows with replacement):
 * how far the figure could move on another sample of the same size.
 */
export function bootstrapAuc(
  p: readonly number[],
  y: readonly boolean[],
  opts: { samples?: number; level?: number; seed?: number } = {},
): { lo: number; hi: number } {
  check(p, y);
  const rng = seeded(opts.seed ?? 1);
  const samples = opts.samples ?? 1000;
  const values: number[] = [];
  const bp = new Array<number>(p.length);
  const by = new Array<boolean>(p.length);
  for (let s = 0; s < samples; s++) {
    for (let i = 0; i < p.length; i++) {
      const j = Math.floor(rng() * p.length);
      bp[i] = p[j]!;
      by[i] = y[j]!;
    }
    const a = auc(bp, by);
    if (!Number.isNaN(a)) values.push(a);
  }
  values.sort((a, b) => a - b);
  const tail = (1 - (opts.level ?? 0.95)) / 2;
  const at = (q: number) => values[Math.min(values.length - 1, Math.floor(q * values.length))]!;
  return { lo: r4(at(tail)), hi: r4(at(1 - tail)) };
}
