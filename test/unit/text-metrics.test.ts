import { describe, expect, it } from 'vitest';
import { decide } from '../../src/models/text/classifier.js';
import { calibrateThreshold } from '../../src/training/text/index.js';
import {
  classificationMetrics,
  multiLabelMacroF1,
  oosMetrics,
  quantile,
  scores,
  setMicroF1,
} from '../../src/training/text/classification-metrics.js';

describe('classificationMetrics', () => {
  // gold a a a b b c ; pred a a b b c c
  // a: tp2 fp0 fn1 → P1 R2/3 F0.8 ; b: tp1 fp1 fn1 → F0.5 ; c: tp1 fp1 fn0 → P.5 R1 F2/3
  const m = classificationMetrics(['a', 'a', 'a', 'b', 'b', 'c'], ['a', 'a', 'b', 'b', 'c', 'c']);

  it('computes accuracy and macro-F1 by hand', () => {
    expect(m.n).toBe(6);
    expect(m.accuracy).toBeCloseTo(4 / 6, 4);
    expect(m.macroF1).toBeCloseTo((0.8 + 0.5 + 2 / 3) / 3, 4);
  });

  it('computes per-class scores and support', () => {
    expect(m.perClass.a).toEqual({ precision: 1, recall: 0.6667, f1: 0.8, support: 3 });
    expect(m.perClass.b).toEqual({ precision: 0.5, recall: 0.5, f1: 0.5, support: 2 });
    expect(m.perClass.c).toEqual({ precision: 0.5, recall: 1, f1: 0.6667, support: 1 });
  });

  it('lists the most frequent confusions first', () => {
    const c = classificationMetrics(['x', 'x', 'x', 'y', 'z'], ['y', 'y', 'z', 'x', 'z'], 2);
    expect(c.confusionTopPairs).toEqual([
      { gold: 'x', predicted: 'y', count: 2 },
      { gold: 'x', predicted: 'z', count: 1 },
    ]);
  });

  it('counts a label only ever predicted in the macro average, with F1 0', () => {
    const c = classificationMetrics(['a', 'a'], ['a', 'b']);
    expect(Object.keys(c.perClass)).toEqual(['a', 'b']);
    expect(c.macroF1).toBeCloseTo((2 / 3 + 0) / 2, 4);
  });

  it('rejects mismatched lengths', () => {
    expect(() => classificationMetrics(['a'], [])).toThrow();
  });
});

describe('scores', () => {
  it.each([
    [0, 0, 0, { precision: 0, recall: 0, f1: 0 }],
    [3, 1, 0, { precision: 0.75, recall: 1, f1: 6 / 7 }],
    [1, 0, 3, { precision: 1, recall: 0.25, f1: 0.4 }],
  ])('tp %i fp %i fn %i', (tp, fp, fn, want) => {
    const s = scores(tp, fp, fn);
    expect(s.precision).toBeCloseTo(want.precision, 6);
    expect(s.recall).toBeCloseTo(want.recall, 6);
    expect(s.f1).toBeCloseTo(want.f1, 6);
  });
});

describe('oosMetrics', () => {
  it('scores flags against out-of-scope gold and in-scope accuracy (flag counts wrong)', () => {
    const gold = ['oos', 'oos', 'oos', 'a', 'a', 'b', 'b'];
    const pred = [
      { label: 'a', outOfScope: true }, // caught
      { label: 'oos', outOfScope: true }, // caught
      { label: 'b', outOfScope: false }, // missed
      { label: 'a', outOfScope: false }, // right
      { label: 'a', outOfScope: true }, // right label but flagged: false alarm
      { label: 'a', outOfScope: false }, // wrong
      { label: 'b', outOfScope: false }, // right
    ];
    expect(oosMetrics(gold, pred, 'oos')).toEqual({
      precision: 0.6667,
      recall: 0.6667,
      inScopeAccuracy: 0.5,
      inScopeFlagged: 0.25,
      inScopeTopLabelAccuracy: 0.75,
      support: 3,
    });
  });
});

describe('multiLabelMacroF1', () => {
  it('averages per-class binary F1 over texts', () => {
    // joy: tp1 (t1) fn1 (t3) → F 2/3 ; anger: tp1 (t2), fp1 (t3) → F 2/3 ; fear: never → 0
    const gold = [['joy'], ['anger', 'fear'], ['joy']];
    const pred = [['joy'], ['anger'], ['anger']];
    expect(multiLabelMacroF1(gold, pred, ['joy', 'anger', 'fear'])).toBeCloseTo(
      (2 / 3 + 2 / 3 + 0) / 3,
      4,
    );
  });
});

describe('quantile', () => {
  it('uses nearest rank', () => {
    const xs = Array.from({ length: 100 }, (_, i) => 100 - i);
    expect(quantile(xs, 0.5)).toBe(50);
    expect(quantile(xs, 0.99)).toBe(99);
    expect(quantile(xs, 1)).toBe(100);
    expect(quantile([], 0.5)).toBeNaN();
  });
});

describe('calibrateThreshold', () => {
  const right = (c: number) => ({ confidence: c, correct: true });
  const wrong = (c: number) => ({ confidence: c, correct: false });
  const held = [0.95, 0.9, 0.85, 0.8, 0.7, 0.6, 0.5, 0.45, 0.4, 0.3].map(right);

  it.each([
    [0, 0],
    [0.1, 0.4], // flags 1 of 10 right ones: the one at 0.3
    [0.2, 0.45], // flags 2 of 10
    [0.5, 0.7],
  ])('max false flag %f → threshold %f', (maxFalse, t) => {
    const threshold = calibrateThreshold([...held, wrong(0.2), wrong(0.99)], maxFalse);
    expect(threshold).toBe(t);
    const flagged = held.filter((p) => p.confidence < threshold).length;
    expect(flagged / held.length).toBeLessThanOrEqual(maxFalse);
  });

  it('gives 0 when nothing was right', () => {
    expect(calibrateThreshold([wrong(0.9)], 0.05)).toBe(0);
  });
});

describe('decide', () => {
  const labels = ['a', 'b', 'oos'];
  it.each([
    [[0.7, 0.2, 0.1], 0.5, { label: 'a', confidence: 0.7, outOfScope: false }],
    [[0.4, 0.35, 0.25], 0.5, { label: 'a', confidence: 0.4, outOfScope: true }],
    [[0.1, 0.2, 0.7], 0.5, { label: 'oos', confidence: 0.7, outOfScope: true }],
    [[0.3, 0.6, 0.1], 0, { label: 'b', confidence: 0.6, outOfScope: false }],
  ])('%j at threshold %f', (probs, threshold, want) => {
    expect(decide(probs, labels, threshold, 'oos')).toEqual(want);
  });

  it('has no OOS class when the model has none', () => {
    expect(decide([0.1, 0.2, 0.7], labels, 0.5, null).outOfScope).toBe(false);
  });
});

describe('setMicroF1', () => {
  it('gives partial credit for overlapping act sets', () => {
    // tp: A (1) + A, B (2) = 3 ; fp: C = 1 ; fn: B (row 1) = 1 → P .75 R .75
    expect(setMicroF1(['A+B', 'A+B'], ['A', 'A+B+C'])).toBeCloseTo(0.75, 4);
    expect(setMicroF1(['x'], ['x'])).toBe(1);
  });
});
