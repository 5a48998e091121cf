import { describe, expect, it } from 'vitest';
import { promotionDecision, type GateScore } from '../../src/training/retrain/index.js';

const score = (value: number, parts: Record<string, number>): GateScore => ({
  metric: 'accuracy',
  value,
  parts,
  partKind: 'class',
});
const gate = { minGain: 0.005, maxPartDrop: 0.05 };

describe('promotion gate', () => {
  it('promotes the first model when there is no champion', () => {
    const d = promotionDecision(undefined, score(0.5, { a: 0.5 }), gate);
    expect(d).toMatchObject({ promote: true, reasons: ['no champion yet'] });
  });

  it('promotes a challenger that gains enough without regressing a class', () => {
    const d = promotionDecision(
      score(0.9, { a: 0.9, b: 0.8 }),
      score(0.91, { a: 0.92, b: 0.76 }),
      gate,
    );
    expect(d.promote).toBe(true);
    expect(d.gain).toBeCloseTo(0.01, 10);
    expect(d.regressions).toEqual([]);
  });

  it('refuses a challenger whose gain is below the margin, and says so', () => {
    const d = promotionDecision(score(0.9, { a: 0.9 }), score(0.903, { a: 0.9 }), gate);
    expect(d.promote).toBe(false);
    expect(d.reasons[0]).toMatch(/0\.9000 → 0\.9030 \(\+0\.0030; needs ≥ \+0\.0050\): not enough/);
  });

  it('refuses a better challenger that regresses one class too far, naming the worst first', () => {
    const d = promotionDecision(
      score(0.8, { a: 0.7, b: 0.9, c: 0.8 }),
      score(0.85, { a: 0.6, b: 0.8, c: 0.95 }),
      gate,
    );
    expect(d.promote).toBe(false);
    expect(d.regressions.map((r) => r.part)).toEqual(['a', 'b']);
    expect(d.reasons.slice(1)).toEqual([
      'class a regressed 0.7000 → 0.6000 (−0.1000; at most −0.0500 allowed)',
      'class b regressed 0.9000 → 0.8000 (−0.1000; at most −0.0500 allowed)',
    ]);
  });

  it('counts a class the challenger no longer predicts as dropped to 0', () => {
    const d = promotionDecision(score(0.8, { a: 0.5, gone: 0.3 }), score(0.9, { a: 0.9 }), gate);
    expect(d.regressions).toEqual([{ part: 'gone', champion: 0.3, challenger: 0, drop: 0.3 }]);
  });
});
