import { splitByOutcome } from '../../datasets/persuasionforgood.js';
import { fitLogistic, standardisation, standardise } from './logistic-regression.js';
import type { PropensityRow } from './propensity-data.js';
import { logLoss } from './binary-metrics.js';

/**
 * The fit behind trainPropensity: logistic regression over standardised
 * features with one intercept per source, and its L2 strength chosen by
 * cross-validation.
 */
export interface PropensitySource {
  name: string;
  rows: PropensityRow[];
}

/** A training row with the index of its source and its weight. */
export interface Sourced {
  row: PropensityRow;
  source: number;
  weight: number;
}

export interface Fitted {
  mean: number[];
  std: number[];
  weights: number[];
  /** Intercept per source (all equal without source intercepts). */
  intercepts: number[];
  iterations: number;
}

/** What one fit needs besides the rows. */
export interface Recipe {
  sources: number;
  l2: number;
  ownIntercepts: boolean;
  /** Indices of the features that are fit (the rest keep weight 0). */
  active: readonly number[];
}

/**
 * Standardised active features, then a 0/1 column per source after the
 * first: its offset from the first's intercept, left unpenalised.
 */
export function fitScaled(rows: readonly Sourced[], r: Recipe): Fitted {
  const s = standardisation(rows.map((x) => x.row.x));
  const offsets = r.ownIntercepts ? r.sources - 1 : 0;
  const z = standardise(
    rows.map((x) => x.row.x),
    s,
  );
  const x = z.map((zi, i) => [
    ...r.active.map((j) => zi[j]!),
    ...Array.from({ length: offsets }, (_, k) => (rows[i]!.source === k + 1 ? 1 : 0)),
  ]);
  const d = r.active.length;
  const fit = fitLogistic(
    x,
    rows.map((x) => x.row.y),
    {
      l2: Array.from({ length: d + offsets }, (_, j) => (j < d ? r.l2 : 0)),
      sampleWeights: rows.map((x) => x.weight),
    },
  );
  const weights = new Array<number>(s.mean.length).fill(0);
  r.active.forEach((j, k) => (weights[j] = fit.weights[k]!));
  const intercepts = Array.from(
    { length: r.sources },
    (_, k) => fit.bias + (offsets && k > 0 ? fit.weights[d + k - 1]! : 0),
  );
  return { ...s, weights, intercepts, iterations: fit.iterations };
}

const logitOf = (f: Fitted, r: Sourced): number =>
  r.row.x.reduce(
    (z, v, j) => z + f.weights[j]! * ((v - f.mean[j]!) / f.std[j]!),
    f.intercepts[r.source]!,
  );

const sigmoid = (z: number): number => 1 / (1 + Math.exp(-z));

/** Rows tagged with their source; balanced weights give every source the same total, averaging 1 per row. */
export function sourced(sources: readonly PropensitySource[], balance: boolean): Sourced[] {
  const n = sources.reduce((a, s) => a + s.rows.length, 0);
  return sources.flatMap((s, source) =>
    s.rows.map((row) => ({
      row,
      source,
      weight: balance ? n / (sources.length * s.rows.length) : 1,
    })),
  );
}

/** The L2 strength with the lowest out-of-fold log loss on the training rows. */
export function chooseL2(
  rows: readonly Sourced[],
  recipe: Omit<Recipe, 'l2'>,
  opts: { l2Grid: readonly number[]; folds: number; seed: number },
): { l2: number; cvLogLoss: Record<string, number> } {
  const folds = splitByOutcome(
    rows.map((r) => ({ ...r, id: `${r.source}:${r.row.id}` })),
    (r) => r.row.y,
    new Array<number>(opts.folds).fill(1 / opts.folds),
    opts.seed,
  );
  const cvLogLoss: Record<string, number> = {};
  let best = { l2: opts.l2Grid[0]!, loss: Infinity };
  for (const l2 of opts.l2Grid) {
    const p: number[] = [];
    const y: boolean[] = [];
    folds.forEach((test, k) => {
      const fit = fitScaled(folds.filter((_, j) => j !== k).flat(), { ...recipe, l2 });
      for (const r of test) {
        p.push(sigmoid(logitOf(fit, r)));
        y.push(r.row.y);
      }
    });
    const loss = logLoss(p, y);
    cvLogLoss[String(l2)] = Math.round(loss * 1e4) / 1e4;
    if (loss < best.loss) best = { l2, loss };
  }
  return { l2: best.l2, cvLogLoss };
}
