import { splitByOutcome } from '../src/datasets/persuasionforgood.js';
import { tfReady } from '../src/models/tf.js';
import {
  fitLogistic,
  standardisation,
  standardise,
  auc,
  logLoss,
  type PropensitySource,
} from '../src/training/propensity/index.js';
import { fitTfDense } from './lib/tf-dense.js';

type Fit = (
  x: number[][],
  y: boolean[],
) => Promise<{ predict: (z: number[][]) => number[]; dispose: () => void }>;

const sigmoid = (z: number): number => 1 / (1 + Math.exp(-z));
const L2 = 0.01;

const newton: Fit = async (x, y) => {
  const f = fitLogistic(x, y, { l2: L2 });
  return {
    predict: (z) => z.map((r) => sigmoid(r.reduce((s, v, j) => s + f.weights[j]! * v, f.bias))),
    dispose: () => {},
  };
};
// Keras's l2 adds λ·|w|² to the mean loss: λ/2 matches the Newton fit's penalty.
const tfFit =
  (hidden: number): Fit =>
  (x, y) =>
    fitTfDense(x, y, { hidden, l2: L2 / 2, epochs: 300, learningRate: 0.02 });

const METHODS: Record<string, Fit> = {
  'logistic-newton': newton,
  'logistic-tfjs-adam': tfFit(0),
  'mlp-8-tfjs': tfFit(8),
  'mlp-16-tfjs': tfFit(16),
};

/**
 * Out-of-fold AUC, log loss and fit time of each method on each source (five
 * folds, same standardisation, raw probabilities: calibration left out so
 * only the fit differs).
 */
export async function compareTf(sources: readonly PropensitySource[], seed: number) {
  const backend = await tfReady();
  const out: Record<
    string,
    Record<string, { auc: number; logLoss: number; fitSeconds: number }>
  > = {};
  for (const s of sources) {
    const folds = splitByOutcome(s.rows, (r) => r.y, [0.2, 0.2, 0.2, 0.2, 0.2], seed);
    out[s.name] = {};
    for (const [name, fit] of Object.entries(METHODS)) {
      const p: number[] = [];
      const y: boolean[] = [];
      let secs = 0;
      for (let k = 0; k < folds.length; k++) {
        const train = folds.filter((_, j) => j !== k).flat();
        const sc = standardisation(train.map((r) => r.x));
        const t0 = performance.now();
        const m = await fit(
          standardise(
            train.map((r) => r.x),
            sc,
          ),
          train.map((r) => r.y),
        );
        secs += (performance.now() - t0) / 1000;
        p.push(
          ...m.predict(
            standardise(
              folds[k]!.map((r) => r.x),
              sc,
            ),
          ),
        );
        y.push(...folds[k]!.map((r) => r.y));
        m.dispose();
      }
      const r4 = (v: number) => Math.round(v * 1e4) / 1e4;
      out[s.name]![name] = {
        auc: r4(auc(p, y)),
        logLoss: r4(logLoss(p, y)),
        fitSeconds: Math.round(secs * 100) / 100,
      };
    }
  }
  return { backend, folds: 5, l2: L2, perSource: out };
}
