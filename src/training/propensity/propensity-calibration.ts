import type { Calibration } from '../../models/propensity-model.js';
import { fitLogistic } from './logistic-regression.js';

const sigmoid = (z: number): number => 1 / (1 + Math.exp(-z));

/**
 * Platt scaling on held-out log-odds: p = σ(a·logit + b). Two parameters fit
 * well from a couple of hundred examples, and the map is monotonic, so it
 * fixes the probabilities without changing the ranking (AUC). Targets are
 * Platt's smoothed labels, (N+ + 1)/(N+ + 2) and 1/(N− + 2), which keep a
 * separable fold from driving `a` to infinity — done here by weighting each
 * example's two possible labels.
 */
export function fitPlatt(logits: readonly number[], y: readonly boolean[]): Calibration {
  const pos = y.filter(Boolean).length;
  const neg = y.length - pos;
  const hi = (pos + 1) / (pos + 2);
  const lo = 1 / (neg + 2);
  const x: number[][] = [];
  const labels: boolean[] = [];
  const weights: number[] = [];
  logits.forEach((z, i) => {
    const t = y[i] ? hi : lo;
    x.push([z], [z]);
    labels.push(true, false);
    weights.push(t, 1 - t);
  });
  const fit = fitLogistic(x, labels, { l2: 1e-6, sampleWeights: weights });
  return { kind: 'platt', a: fit.weights[0]!, b: fit.bias };
}

/**
 * Isotonic regression (pool adjacent violators) of the outcome on the raw
 * probability: the most flexible monotonic map, but it needs more held-out
 * data than Platt not to overfit. Knots are the pooled blocks' mean
 * probability and observed rate.
 */
export function fitIsotonic(logits: readonly number[], y: readonly boolean[]): Calibration {
  const pts = logits.map((z, i) => ({ p: sigmoid(z), y: y[i] ? 1 : 0 })).sort((a, b) => a.p - b.p);
  const blocks: { p: number; y: number; n: number }[] = [];
  for (const pt of pts) {
    blocks.push({ p: pt.p, y: pt.y, n: 1 });
    while (blocks.length > 1) {
      const b = blocks[blocks.length - 1]!;
      const a = blocks[blocks.length - 2]!;
      // Equal rates merge too: one knot per distinct level.
      if (a.y / a.n < b.y / b.n) break;
      blocks.splice(-2, 2, { p: a.p + b.p, y: a.y + b.y, n: a.n + b.n });
    }
  }
  return {
    kind: 'isotonic',
    x: blocks.map((b) => b.p / b.n),
    y: blocks.map((b) => b.y / b.n),
  };
}
