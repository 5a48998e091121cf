import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { splitByOutcome } from '../../src/datasets/persuasionforgood.js';
import { seeded } from '../../src/core/rng.js';
import {
  NO_HISTORY,
  PROPENSITY_FEATURES,
  calibrate,
  loadPropensityModel,
  newCallSignals,
  observeCustomerTurn,
  parsePropensityModel,
  predictPropensity,
  propensityFeatures,
  talkWords,
  type PropensityInputs,
  type PropensityModel,
} from '../../src/models/propensity-model.js';
import {
  fitLogistic,
  fitIsotonic,
  fitPlatt,
  type PropensityRow,
  auc,
  brier,
  expectedCalibrationError,
  logLoss,
  reliabilityCurve,
  DEFAULT_PROPENSITY_OPTIONS,
  evaluatePropensity,
  trainPropensity,
} from '../../src/training/propensity/index.js';

const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));
const idx = (name: (typeof PROPENSITY_FEATURES)[number]) => PROPENSITY_FEATURES.indexOf(name);

/** Ground truth: positive intents and valence raise the odds, negative intents lower them. */
const TRUTH: Partial<Record<(typeof PROPENSITY_FEATURES)[number], number>> = {
  log_positive_intents: 1.5,
  log_negative_intents: -1.5,
  valence_trend: 1.2,
};

function synthetic(n: number, seed: number): (PropensityRow & { p: number })[] {
  const rng = seeded(seed);
  const int = (hi: number) => Math.floor(rng() * (hi + 1));
  return Array.from({ length: n }, (_, i) => {
    const inputs: PropensityInputs = {
      ...newCallSignals(),
      ...NO_HISTORY,
      customerTurns: 1 + int(7),
      positiveIntents: int(4),
      negativeIntents: int(3),
      objections: int(2),
      valence: rng() * 2 - 1,
      lastValence: rng() * 2 - 1,
      customerWords: 5 + int(40),
      webVisits: int(3),
    };
    const x = propensityFeatures(inputs);
    const z = Object.entries(TRUTH).reduce(
      (s, [f, w]) => s + w * x[idx(f as keyof typeof TRUTH)]!,
      -0.8,
    );
    const p = sigmoid(z);
    return { id: `r${i}`, inputs, x, y: rng() < p, p };
  });
}

function trainToy(seed = 1): PropensityModel {
  const rows = synthetic(1500, seed);
  const [fit, cal] = splitByOutcome(rows, (r) => r.y, [0.75, 0.25], seed);
  return trainPropensity([{ name: 'toy', rows: fit! }], [{ name: 'toy', rows: cal! }]).model;
}

describe('binary metrics', () => {
  const y = [false, false, true, true];
  it('AUC is 1 for a perfect ranking, 0 inverted, 0.5 for a constant', () => {
    expect(auc([0.1, 0.2, 0.8, 0.9], y)).toBe(1);
    expect(auc([0.9, 0.8, 0.2, 0.1], y)).toBe(0);
    expect(auc([0.5, 0.5, 0.5, 0.5], y)).toBe(0.5);
  });

  it('AUC counts ties half, as the Mann-Whitney statistic', () => {
    // Pairs (pos, neg): (0.4 vs 0.1) win, (0.4 vs 0.4) tie, (0.8 vs both) win → 3.5 / 4.
    expect(auc([0.1, 0.4, 0.4, 0.8], y)).toBeCloseTo(0.875, 12);
    expect(auc([0.3, 0.3], [true, true])).toBeNaN();
  });

  it('Brier score and log loss match hand-computed values', () => {
    // (0.2², 0.4², 0.3², 0.1²) / 4 = 0.075
    expect(brier([0.2, 0.4, 0.7, 0.9], y)).toBeCloseTo(0.075, 12);
    const ll = -(Math.log(0.8) + Math.log(0.6) + Math.log(0.7) + Math.log(0.9)) / 4;
    expect(logLoss([0.2, 0.4, 0.7, 0.9], y)).toBeCloseTo(ll, 12);
    expect(Number.isFinite(logLoss([1, 0], [false, true]))).toBe(true);
  });

  it('the reliability curve bins predictions and compares with the observed rate', () => {
    const curve = reliabilityCurve([0.05, 0.15, 0.12, 0.95, 1], [false, true, false, true, true]);
    expect(curve).toHaveLength(10);
    expect(curve[0]).toMatchObject({ count: 1, meanPredicted: 0.05, observedRate: 0 });
    expect(curve[1]!.count).toBe(2);
    expect(curve[1]!.observedRate).toBe(0.5);
    expect(curve[9]).toMatchObject({ count: 2, observedRate: 1 });
    expect(curve[5]).toMatchObject({ count: 0, meanPredicted: null });
    // |0.05-0| + 2·|0.135-0.5| + 2·|0.975-1|, over 5
    expect(expectedCalibrationError(curve)).toBeCloseTo((0.05 + 0.73 + 0.05) / 5, 12);
  });
});

describe('fitting', () => {
  it('logistic regression recovers known coefficients', () => {
    const rng = seeded(3);
    const x = Array.from({ length: 4000 }, () => [rng() * 2 - 1, rng() * 2 - 1]);
    const y = x.map(([a, b]) => rng() < sigmoid(0.5 + 2 * a! - 1 * b!));
    const fit = fitLogistic(x, y, { l2: 0 });
    expect(fit.converged).toBe(true);
    expect(fit.bias).toBeCloseTo(0.5, 0);
    expect(fit.weights[0]).toBeGreaterThan(1.6);
    expect(fit.weights[0]).toBeLessThan(2.4);
    expect(fit.weights[1]).toBeLessThan(-0.7);
    expect(fit.weights[1]).toBeGreaterThan(-1.3);
  });

  it('Platt scaling fixes overconfident log-odds without reordering them', () => {
    const rng = seeded(5);
    const z = Array.from({ length: 3000 }, () => rng() * 8 - 4);
    // The truth is half as steep as the scores claim.
    const y = z.map((v) => rng() < sigmoid(v / 2));
    const c = fitPlatt(z, y);
    expect(c.kind).toBe('platt');
    if (c.kind !== 'platt') return;
    expect(c.a).toBeGreaterThan(0.4);
    expect(c.a).toBeLessThan(0.6);
    const raw = z.map(sigmoid);
    const fixed = z.map((v) => calibrate(c, v));
    expect(brier(fixed, y)).toBeLessThan(brier(raw, y));
    expect(auc(fixed, y)).toBeCloseTo(auc(raw, y), 10);
  });

  it('isotonic calibration is a non-decreasing map of the observed rate', () => {
    const c = fitIsotonic([-2, -1, 0, 1, 2, 3], [false, true, false, true, true, true]);
    if (c.kind !== 'isotonic') throw new Error('expected isotonic');
    expect(c.y).toEqual([0, 0.5, 1]);
    for (let i = 1; i < c.x.length; i++) expect(c.x[i]!).toBeGreaterThan(c.x[i - 1]!);
  });

  it('training on synthetic data recovers the signs and ranks held-out rows almost as well as the truth', () => {
    const model = trainToy();
    for (const [f, w] of Object.entries(TRUTH))
      expect(Math.sign(model.weights[idx(f as keyof typeof TRUTH)]!)).toBe(Math.sign(w));
    const test = synthetic(1500, 99);
    const truthAuc = auc(
      test.map((r) => r.p),
      test.map((r) => r.y),
    );
    // Web visits vary but are pinned (HISTORY_FEATURES): no weight, whatever the data.
    expect(model.weights[idx('log_web_visits')]).toBe(0);
    // The floor is the best any model can do on these rows, less sampling slack.
    expect(evaluatePropensity(model, test).auc).toBeGreaterThan(truthAuc - 0.03);
    expect(truthAuc).toBeGreaterThan(0.7);
  });

  it('gives each source its own intercept, so a feature that only tells sources apart gets no weight', () => {
    // Source b converts far more often and its calls are all longer; within a
    // source, length says nothing. A shared intercept credits length with b's rate.
    const source = (name: string, turns: number, shift: number, seed: number) => {
      const rng = seeded(seed + 1000);
      return synthetic(800, seed).map((r) => {
        const inputs = { ...r.inputs, customerTurns: turns };
        const y = rng() < sigmoid(Math.log(r.p / (1 - r.p)) + shift);
        return { ...r, id: `${name}${r.id}`, inputs, x: propensityFeatures(inputs), y };
      });
    };
    const a = source('a', 2, -1, 11);
    const b = source('b', 8, 1.5, 12);
    const train = (sourceIntercepts: boolean) =>
      trainPropensity(
        [
          { name: 'a', rows: a },
          { name: 'b', rows: b },
        ],
        [],
        { ...DEFAULT_PROPENSITY_OPTIONS, sourceIntercepts },
      ).model;
    const own = train(true);
    const shared = train(false);
    const turns = idx('log_customer_turns');
    expect(own.sources.b!.bias).toBeGreaterThan(own.sources.a!.bias + 1.5);
    expect(Math.abs(own.weights[turns]!)).toBeLessThan(0.05);
    expect(shared.weights[turns]!).toBeGreaterThan(0.5);
    // Inference uses the last source's intercept unless told otherwise.
    expect(own.bias).toBe(own.sources.b!.bias);
  });
});

describe('inference', () => {
  const model = trainToy(2);
  const base: PropensityInputs = {
    ...newCallSignals(),
    ...NO_HISTORY,
    customerTurns: 3,
    customerWords: 20,
  };

  it('rises with positive intents and valence, falls with negative intents', () => {
    const at = (patch: Partial<PropensityInputs>) =>
      predictPropensity(model, { ...base, ...patch });
    for (let k = 0; k < 4; k++) {
      expect(at({ positiveIntents: k + 1 })).toBeGreaterThan(at({ positiveIntents: k }));
      expect(at({ negativeIntents: k + 1 })).toBeLessThan(at({ negativeIntents: k }));
    }
    expect(at({ valence: 0.8 })).toBeGreaterThan(at({ valence: -0.8 }));
    for (const v of [at({}), at({ positiveIntents: 50 }), at({ negativeIntents: 50 })]) {
      expect(v).toBeGreaterThanOrEqual(0);
      expect(v).toBeLessThanOrEqual(1);
    }
  });

  it('applies the calibration map', () => {
    const flat: PropensityModel = {
      ...model,
      calibration: { kind: 'platt', a: 0, b: Math.log(3 / 7) },
    };
    expect(predictPropensity(flat, { ...base, positiveIntents: 4 })).toBeCloseTo(0.3, 12);
    const iso: PropensityModel = {
      ...model,
      calibration: { kind: 'isotonic', x: [0.2, 0.6], y: [0.1, 0.5] },
    };
    expect(calibrate(iso.calibration, Math.log(0.4 / 0.6))).toBeCloseTo(0.3, 12);
    expect(calibrate(iso.calibration, -10)).toBe(0.1);
    expect(calibrate(iso.calibration, 10)).toBe(0.5);
  });

  it('round-trips through JSON and rejects a broken model with a clear error', () => {
    const json = JSON.parse(JSON.stringify(model));
    expect(parsePropensityModel(json)).toEqual(model);
    expect(() => parsePropensityModel({ ...json, weights: json.weights.slice(1) })).toThrow(
      /weights has 12 entries, features 13/,
    );
    expect(() =>
      parsePropensityModel({ ...json, features: ['valence', ...json.features.slice(1)] }),
    ).toThrow(/differ from this build's .*retrain/);
    expect(() =>
      parsePropensityModel({ ...json, weights: [NaN, ...json.weights.slice(1)] }),
    ).toThrow(/invalid propensity model: weights\.0/);
    expect(() => parsePropensityModel({ ...json, bias: 'x' })).toThrow(
      /invalid propensity model: bias/,
    );
    expect(() =>
      parsePropensityModel({
        ...json,
        calibration: { kind: 'isotonic', x: [0.1, 0.5], y: [0.6, 0.2] },
      }),
    ).toThrow(/non-decreasing/);
  });
});

const SHIPPED = 'bench/results/propensity-model.json';

describe.skipIf(!existsSync(SHIPPED))('the model file bench/propensity.ts wrote', () => {
  it('loads with this build (else: retrain) and scores within 0..1', async () => {
    const model = await loadPropensityModel(SHIPPED);
    const p = predictPropensity(model, { ...newCallSignals(), ...NO_HISTORY, customerTurns: 1 });
    expect(p).toBeGreaterThan(0);
    expect(p).toBeLessThan(1);
  });
});

describe('features', () => {
  it('folds customer turns as the enricher does: halving valence trend, counted intents', () => {
    const s = newCallSignals();
    observeCustomerTurn(s, { text: 'hello there', intent: 'greeting', valence: 0.4 });
    observeCustomerTurn(s, {
      text: '太贵了',
      intent: 'agree_purchase',
      valence: -0.2,
      objection: 'price',
    });
    observeCustomerTurn(s, {
      text: 'no',
      intent: 'not_interested',
      valence: -0.6,
      impatience: 0.7,
    });
    expect(s).toMatchObject({
      customerTurns: 3,
      positiveIntents: 1,
      negativeIntents: 1,
      commitIntents: 1,
      objections: 1,
      lastValence: -0.6,
      peakImpatience: 0.7,
    });
    // 0.4, then (0.4 - 0.2) / 2 = 0.1, then (0.1 - 0.6) / 2
    expect(s.valence).toBeCloseTo(-0.25, 12);
    expect(s.customerWords).toBeCloseTo(2 + 1.8 + 1, 12);
  });

  it('counts Han characters as 0.6 of a word', () => {
    expect(talkWords('Sounds good, sign me up.')).toBe(5);
    expect(talkWords('好的，那就办理吧。')).toBeCloseTo(4.2, 12);
    expect(talkWords('')).toBe(0);
  });

  it('keeps every feature finite whatever the inputs', () => {
    const x = propensityFeatures({
      ...newCallSignals(),
      ...NO_HISTORY,
      valence: NaN,
      customerWords: Infinity,
      customerTurns: 0,
    });
    expect(x).toHaveLength(PROPENSITY_FEATURES.length);
    expect(x.every(Number.isFinite)).toBe(true);
  });

  it('splits by id, stratified and independent of input order', () => {
    const items = Array.from({ length: 200 }, (_, i) => ({ id: `d${i}`, donated: i % 4 === 0 }));
    const [a, b] = splitByOutcome(items, (d) => d.donated, [0.8, 0.2], 7);
    const [, b2] = splitByOutcome([...items].reverse(), (d) => d.donated, [0.8, 0.2], 7);
    expect(a!.length + b!.length).toBe(200);
    expect(new Set([...a!, ...b!].map((d) => d.id)).size).toBe(200);
    expect(b!.filter((d) => d.donated)).toHaveLength(10);
    expect(b!.map((d) => d.id).sort()).toEqual(b2!.map((d) => d.id).sort());
    const [, other] = splitByOutcome(items, (d) => d.donated, [0.8, 0.2], 8);
    expect(other!.map((d) => d.id).sort()).not.toEqual(b!.map((d) => d.id).sort());
  });
});
