import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import {
  PROPENSITY_FEATURES,
  propensityFeatures,
  type CallSignals,
  type CustomerHistory,
  type PropensityInputs,
} from './propensity-features.js';
import { baselinePropensity } from './propensity.js';

export {
  COMMIT_INTENTS,
  NO_HISTORY,
  PROPENSITY_FEATURES,
  newCallSignals,
  observeCustomerTurn,
  propensityFeatures,
  talkWords,
  type CallSignals,
  type CustomerHistory,
  type CustomerTurnSignal,
  type PropensityFeatureName,
  type PropensityInputs,
} from './propensity-features.js';

/**
 * The trained propensity model as plain JSON: logistic regression over the
 * standardised features of propensity-features.ts, then a calibration map fit
 * on held-out data. Inference is a dot product (no TF.js), cheap enough to
 * run on every customer turn.
 */
export const PROPENSITY_MODEL_FORMAT = 'dialwise-propensity';
export const PROPENSITY_MODEL_VERSION = 1;

// zod 4 numbers already reject NaN and ±Infinity: a broken fit cannot load.
const finite = z.number();

const calibrationSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('none') }),
  /** Platt scaling: p = σ(a · logit + b). */
  z.object({ kind: z.literal('platt'), a: finite, b: finite }),
  /** Isotonic regression: a step function of the raw probability, `x` ascending, `y` non-decreasing. */
  z.object({
    kind: z.literal('isotonic'),
    x: z.array(finite.min(0).max(1)).min(1),
    y: z.array(finite.min(0).max(1)).min(1),
  }),
]);
export type Calibration = z.infer<typeof calibrationSchema>;

const sourceSchema = z.object({
  name: z.string().min(1),
  /** SHA-256 of the training rows (features and labels), so a run can be tied to its data. */
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  rows: z.number().int().nonnegative(),
  positives: z.number().int().nonnegative(),
});

export const propensityModelSchema = z
  .object({
    format: z.literal(PROPENSITY_MODEL_FORMAT),
    version: z.literal(PROPENSITY_MODEL_VERSION),
    features: z.array(z.string()),
    scaling: z.object({ mean: z.array(finite), std: z.array(finite.positive()) }),
    weights: z.array(finite),
    /** The intercept and calibration inference uses: those of the source closest to the calls scored. */
    bias: finite,
    calibration: calibrationSchema,
    /**
     * Each training source's own intercept and calibration map. Their base
     * rates differ (54% of persuadees donate, 17% of simulated answered calls
     * convert) and so does how far the features separate outcomes: with its
     * own intercept per source the shared weights learn effects within a
     * source, not the gap between them, and each source's probabilities are
     * calibrated on its own held-out rows.
     */
    sources: z.record(z.string(), z.object({ bias: finite, calibration: calibrationSchema })),
    trainedAt: z.string(),
    data: z.array(sourceSchema),
    /** Hyper-parameters of the fit (L2 strength, iterations), for the record. */
    params: z.record(z.string(), z.union([z.number(), z.string(), z.boolean()])),
    /** Held-out figures measured when the model was trained. */
    metrics: z.record(z.string(), z.unknown()),
  })
  .superRefine((m, ctx) => {
    const n = m.features.length;
    for (const [path, len] of [
      ['weights', m.weights.length],
      ['scaling.mean', m.scaling.mean.length],
      ['scaling.std', m.scaling.std.length],
    ] as const) {
      if (len !== n)
        ctx.addIssue({ code: 'custom', message: `${path} has ${len} entries, features ${n}` });
    }
    const maps: [string, Calibration][] = [
      ['calibration', m.calibration],
      ...Object.entries(m.sources).map(([k, v]): [string, Calibration] => [
        `sources.${k}.calibration`,
        v.calibration,
      ]),
    ];
    for (const [path, c] of maps) {
      if (c.kind !== 'isotonic') continue;
      const sorted = (a: number[]) => a.every((v, i) => i === 0 || v >= a[i - 1]!);
      if (c.x.length !== c.y.length)
        ctx.addIssue({ code: 'custom', message: `${path}: x and y differ in length` });
      else if (!sorted(c.x) || !sorted(c.y))
        ctx.addIssue({ code: 'custom', message: `${path}: isotonic map must be non-decreasing` });
    }
  });
export type PropensityModel = z.infer<typeof propensityModelSchema>;

/**
 * Validates a saved model and checks it was trained on this build's feature
 * list; every problem is reported in one error, with the fix.
 */
export function parsePropensityModel(json: unknown): PropensityModel {
  const r = propensityModelSchema.safeParse(json);
  if (!r.success) {
    const issues = r.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
    throw new Error(`invalid propensity model: ${issues.join('; ')}`);
  }
  const want = PROPENSITY_FEATURES.join(',');
  if (r.data.features.join(',') !== want)
    throw new Error(
      `propensity model features [${r.data.features.join(', ')}] differ from this build's [${PROPENSITY_FEATURES.join(', ')}]: retrain it (npx tsx bench/propensity.ts)`,
    );
  return r.data;
}

/** Reads and validates a model file (as bench/propensity.ts writes it); errors name the file. */
export async function loadPropensityModel(path: string): Promise<PropensityModel> {
  let json: unknown;
  try {
    json = JSON.parse(await readFile(path, 'utf8'));
  } catch (cause) {
    throw new Error(`cannot read propensity model ${path}`, { cause });
  }
  try {
    return parsePropensityModel(json);
  } catch (err) {
    throw new Error(`${path}: ${(err as Error).message}`, { cause: err });
  }
}

export const sigmoid = (x: number): number => 1 / (1 + Math.exp(-x));

/** Intercept and calibration: a training source's own (for evaluation), else the model's. */
const headOf = (m: PropensityModel, source?: string): { bias: number; calibration: Calibration } =>
  (source !== undefined ? m.sources[source] : undefined) ?? m;

/** The model's uncalibrated log-odds for a raw feature vector. */
export function propensityLogit(
  model: PropensityModel,
  x: readonly number[],
  source?: string,
): number {
  let z = headOf(model, source).bias;
  const { mean, std } = model.scaling;
  for (let i = 0; i < model.weights.length; i++)
    z += model.weights[i]! * (((x[i] ?? 0) - mean[i]!) / std[i]!);
  return z;
}

/** Applies a calibration map to log-odds; isotonic steps interpolate linearly between knots. */
export function calibrate(c: Calibration, logit: number): number {
  if (c.kind === 'none') return sigmoid(logit);
  if (c.kind === 'platt') return sigmoid(c.a * logit + c.b);
  const p = sigmoid(logit);
  const { x, y } = c;
  if (p <= x[0]!) return y[0]!;
  const last = x.length - 1;
  if (p >= x[last]!) return y[last]!;
  let hi = 1;
  while (x[hi]! < p) hi++;
  const lo = hi - 1;
  const t = (p - x[lo]!) / (x[hi]! - x[lo]! || 1);
  return y[lo]! + t * (y[hi]! - y[lo]!);
}

/**
 * Calibrated probability of conversion, 0..1, from a raw feature vector;
 * `source` scores as that training source (evaluation on its held-out rows).
 */
export const predictFromVector = (
  model: PropensityModel,
  x: readonly number[],
  source?: string,
): number => calibrate(headOf(model, source).calibration, propensityLogit(model, x, source));

/** Calibrated probability of conversion, 0..1, from what the pipeline knows. */
export const predictPropensity = (model: PropensityModel, inputs: PropensityInputs): number =>
  predictFromVector(model, propensityFeatures(inputs));

/**
 * The call's intent score as the pipeline and the decision layer serve it:
 * the trained model when one is served, else the hand-set baseline formula,
 * from the same signals. Rounded to 3 places.
 */
export function callIntentScore(
  model: PropensityModel | undefined,
  signals: CallSignals,
  history: CustomerHistory,
): number {
  if (!model) return baselinePropensity({ ...signals, ...history });
  return Math.round(predictPropensity(model, { ...signals, ...history }) * 1000) / 1000;
}
