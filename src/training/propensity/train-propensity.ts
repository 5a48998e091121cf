import { systemClock, type Clock } from '../../core/clock.js';
import { baselinePropensity } from '../../models/propensity.js';
import {
  PROPENSITY_FEATURES,
  PROPENSITY_MODEL_FORMAT,
  PROPENSITY_MODEL_VERSION,
  parsePropensityModel,
  predictFromVector,
  propensityLogit,
  type Calibration,
  type PropensityFeatureName,
  type PropensityModel,
} from '../../models/propensity-model.js';
import { fitIsotonic, fitPlatt } from './propensity-calibration.js';
import { rowsHash, type PropensityRow } from './propensity-data.js';
import { chooseL2, fitScaled, sourced, type PropensitySource } from './propensity-fit.js';
import { binaryMetrics, type BinaryMetrics } from './binary-metrics.js';

export type { PropensitySource } from './propensity-fit.js';

export interface TrainPropensityOptions {
  /** L2 strengths tried by k-fold cross-validation on the training rows (lowest log loss wins). */
  l2Grid: readonly number[];
  folds: number;
  calibration: Calibration['kind'];
  /** Weigh sources equally however many rows each has (else each row counts once). */
  balanceSources: boolean;
  /** One intercept per source (else one shared): see PropensityModel.sources. */
  sourceIntercepts: boolean;
  /** The source whose intercept and calibration inference uses; default: the last source. */
  deploySource?: string;
  /** Features held at weight 0 rather than fit: see HISTORY_FEATURES. */
  pinned: readonly PropensityFeatureName[];
  seed: number;
}

/**
 * Neither source can teach what history is worth: persuasionforgood has
 * none, and the simulator draws each call's outcome independently of the
 * customer's visits and past calls. Fit anyway, these weights come out as
 * noise (a past buyer scored lower, in one run), so they are held at 0 —
 * the score reads the dialog only — until outcomes with real CRM history
 * exist. They stay in the vector so such a model needs no format change.
 */
export const HISTORY_FEATURES: readonly PropensityFeatureName[] = [
  'recent_pricing_visit',
  'log_web_visits',
  'prior_conversions',
  'complaints',
];

export const DEFAULT_PROPENSITY_OPTIONS: TrainPropensityOptions = {
  l2Grid: [0.001, 0.003, 0.01, 0.03, 0.1, 0.3],
  folds: 5,
  calibration: 'platt',
  balanceSources: true,
  sourceIntercepts: true,
  pinned: HISTORY_FEATURES,
  seed: 7,
};

export interface TrainedPropensity {
  model: PropensityModel;
  seconds: number;
  cvLogLoss: Record<string, number>;
}

/**
 * Fits the model on the training sources (L2 chosen by cross-validation),
 * then its calibration map on the separate calibration rows, which the fit
 * never saw: calibrating on training rows would trust the fit's own optimism.
 * Each source gets its own map, from its own calibration rows.
 */
export function trainPropensity(
  sources: readonly PropensitySource[],
  calibrationSources: readonly PropensitySource[],
  opts: TrainPropensityOptions = DEFAULT_PROPENSITY_OPTIONS,
  /** Where trainedAt comes from. */
  clock: Clock = systemClock,
): TrainedPropensity {
  const started = performance.now();
  const rows = sourced(sources, opts.balanceSources);
  if (rows.length === 0) throw new Error('propensity training: no rows');
  const names = sources.map((s) => s.name);
  const deploy = opts.deploySource ?? names[names.length - 1]!;
  if (!names.includes(deploy))
    throw new Error(`deploy source "${deploy}" is not a training source (${names.join(', ')})`);
  const recipe = {
    sources: sources.length,
    ownIntercepts: opts.sourceIntercepts,
    active: PROPENSITY_FEATURES.flatMap((f, j) => (opts.pinned.includes(f) ? [] : [j])),
  };
  const { l2, cvLogLoss } = chooseL2(rows, recipe, opts);
  const fit = fitScaled(rows, { ...recipe, l2 });
  const raw: PropensityModel = {
    format: PROPENSITY_MODEL_FORMAT,
    version: PROPENSITY_MODEL_VERSION,
    features: [...PROPENSITY_FEATURES],
    scaling: { mean: fit.mean, std: fit.std },
    weights: fit.weights,
    bias: 0,
    calibration: { kind: 'none' },
    sources: Object.fromEntries(
      names.map((n, k) => [n, { bias: fit.intercepts[k]!, calibration: { kind: 'none' } }]),
    ),
    trainedAt: new Date(clock.now()).toISOString(),
    data: sources.map((s) => ({
      name: s.name,
      sha256: rowsHash(s.rows),
      rows: s.rows.length,
      positives: s.rows.filter((r) => r.y).length,
    })),
    params: {
      l2,
      iterations: fit.iterations,
      calibration: opts.calibration,
      calibrationRows: calibrationSources.reduce((n, s) => n + s.rows.length, 0),
      balanceSources: opts.balanceSources,
      sourceIntercepts: opts.sourceIntercepts,
      deploySource: deploy,
      pinned: opts.pinned.join(','),
      seed: opts.seed,
    },
    metrics: {},
  };
  for (const { name, rows: cal } of calibrationSources) {
    const head = raw.sources[name];
    if (!head) throw new Error(`calibration source "${name}" is not a training source`);
    head.calibration = fitCalibration(
      opts.calibration,
      cal.map((r) => propensityLogit(raw, r.x, name)),
      cal.map((r) => r.y),
    );
  }
  // Parsing what was built catches a NaN weight here rather than in the pipeline.
  const model = parsePropensityModel({ ...raw, ...raw.sources[deploy] });
  return { model, seconds: (performance.now() - started) / 1000, cvLogLoss };
}

function fitCalibration(
  kind: Calibration['kind'],
  logits: readonly number[],
  y: readonly boolean[],
): Calibration {
  if (kind === 'none' || logits.length === 0) return { kind: 'none' };
  return kind === 'platt' ? fitPlatt(logits, y) : fitIsotonic(logits, y);
}

/** Held-out figures of a trained model. */
export const evaluatePropensity = (
  model: PropensityModel,
  rows: readonly PropensityRow[],
  source?: string,
): BinaryMetrics =>
  binaryMetrics(
    rows.map((r) => predictFromVector(model, r.x, source)),
    rows.map((r) => r.y),
  );

/** The same figures for the hand-set baseline formula the pipeline uses today. */
export const evaluateBaseline = (rows: readonly PropensityRow[]): BinaryMetrics =>
  binaryMetrics(
    rows.map((r) => baselinePropensity(r.inputs)),
    rows.map((r) => r.y),
  );
