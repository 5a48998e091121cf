import { describe, expect, it } from 'vitest';
import {
  abandonRate,
  loadDialingRules,
  newPacer,
  pacingRatio,
  recordAttempt,
  type AttemptOutcome,
  type PacerState,
} from '../../src/decision/dialing/index.js';

// config/dialing.json: 15-minute window, 3% limit, ratio 1..3 starting at 1.5,
// ×0.7 down, +0.05 up, one step per 30 s, 20 answered calls before judging.
const config = loadDialingRules('config/dialing.json').pacing;
const T0 = Date.parse('2026-03-11T02:00:00Z');
const S = 1000;
const M = 60 * S;

/** A pacer whose window holds `answered` answered calls, `abandoned` of them abandoned. */
const withWindow = (ratio: number, answered: number, abandoned: number): PacerState => ({
  ratio,
  adjustedAt: null,
  buckets: [{ start: T0, unanswered: 0, connected: answered - abandoned, abandoned }],
});

describe('pacing', () => {
  it('starts at initialRatio and holds while too few calls were answered', () => {
    let s = newPacer(config);
    expect(pacingRatio(s, config)).toBe(1.5);
    for (let i = 0; i < 19; i++) s = recordAttempt(s, T0 + i * S, 'abandoned', config);
    expect(abandonRate(s, config)).toBeNull();
    expect(pacingRatio(s, config)).toBe(1.5);
  });

  it.each<[string, number, number, number]>([
    ['0% abandoned: +0.05', 1.5, 0, 1.55],
    ['2% abandoned: +0.05', 1.5, 2, 1.55],
    ['3% abandoned (not above the limit): +0.05', 1.5, 3, 1.55],
    ['4% abandoned: ×0.7', 1.5, 4, 1.05],
    ['10% abandoned: ×0.7', 2, 10, 1.4],
    ['10% abandoned near the floor: minRatio', 1.2, 10, 1],
    ['0% abandoned near the ceiling: maxRatio', 2.98, 0, 3],
  ])('%s', (_name, ratio, abandoned, expected) => {
    const s = recordAttempt(withWindow(ratio, 100, abandoned), T0 + S, 'unanswered', config);
    expect(pacingRatio(s, config)).toBeCloseTo(expected, 12);
    expect(s.adjustedAt).toBe(T0 + S);
  });

  it('adjusts at most once per adjustEverySeconds', () => {
    let s = recordAttempt(withWindow(2, 100, 10), T0, 'connected', config);
    expect(s.ratio).toBeCloseTo(1.4, 12);
    s = recordAttempt(s, T0 + 29 * S, 'connected', config);
    expect(s.ratio).toBeCloseTo(1.4, 12);
    s = recordAttempt(s, T0 + 30 * S, 'connected', config);
    expect(s.ratio).toBe(1); // 1.4 × 0.7 = 0.98, floored at minRatio
  });

  it('forgets attempts older than the window', () => {
    let s = recordAttempt(withWindow(1.5, 100, 30), T0, 'connected', config);
    expect(abandonRate(s, config)).toBeCloseTo(30 / 101, 12);
    s = recordAttempt(s, T0 + 15 * M + 10 * S, 'connected', config);
    expect(s.buckets).toHaveLength(1);
    expect(abandonRate(s, config)).toBeNull();
  });

  it('slows down fast on a burst of abandons and recovers slowly once under 3%', () => {
    let s = newPacer(config);
    const history: { ratio: number; rate: number | null }[] = [];
    // 5 minutes with every 10th answered call abandoned, then 45 clean minutes; one call a second.
    for (let i = 0; i < 50 * 60; i++) {
      const outcome: AttemptOutcome = i < 5 * 60 && i % 10 === 0 ? 'abandoned' : 'connected';
      s = recordAttempt(s, T0 + i * S, outcome, config);
      history.push({ ratio: pacingRatio(s, config), rate: abandonRate(s, config) });
    }
    const at = (second: number) => history[second]!.ratio;
    expect(at(5 * 60 - 1)).toBe(config.minRatio);
    // While the window still holds over 3% abandoned, the ratio never rises.
    for (let i = 1; i < history.length; i++) {
      const { ratio, rate } = history[i]!;
      const step = ratio - history[i - 1]!.ratio;
      if (rate !== null && rate > config.maxAbandonRate) expect(step).toBeLessThanOrEqual(0);
      else if (step > 0) expect(step).toBeLessThanOrEqual(config.increaseStep + 1e-12);
    }
    const recovering = history.findIndex((h, i) => i > 5 * 60 && h.ratio > config.minRatio);
    // The 30 abandons have to thin out below 3% of the 900 calls the window holds.
    expect(recovering).toBeGreaterThan(14 * 60);
    // Then +0.05 every 30 s: ten steps in five minutes.
    expect(at(recovering + 5 * 60) - at(recovering)).toBeCloseTo(10 * config.increaseStep, 12);
    expect(at(history.length - 1)).toBe(config.maxRatio);
  });

  it('clamps a ratio outside the configured bounds', () => {
    expect(pacingRatio({ ratio: 7, adjustedAt: null, buckets: [] }, config)).toBe(3);
    expect(pacingRatio({ ratio: 0.2, adjustedAt: null, buckets: [] }, config)).toBe(1);
  });

  it('is plain JSON and pure', () => {
    const s0 = newPacer(config);
    const s1 = recordAttempt(s0, T0, 'connected', config);
    expect(s0.buckets).toEqual([]);
    expect(JSON.parse(JSON.stringify(s1))).toEqual(s1);
  });
});
