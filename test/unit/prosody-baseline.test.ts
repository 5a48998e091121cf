import { describe, expect, it } from 'vitest';
import {
  compareWithBaseline,
  DEFAULT_BASELINE_OPTIONS,
  type BaselineOptions,
} from '../../src/models/prosody/baseline.js';
import type { ProsodyFeatures } from '../../src/models/prosody/features.js';

/** A calm caller: 4 syllables/s, 110 Hz, -25 dBFS, 15% pauses. */
function utt(o: Partial<ProsodyFeatures> = {}): ProsodyFeatures {
  return {
    durationS: 3,
    speechS: 2.5,
    pauseRatio: 0.15,
    energyDb: -25,
    f0MedianHz: 110,
    f0StdSt: 1.5,
    f0RangeSt: 4,
    voicedRatio: 0.6,
    nuclei: 10,
    speakingRate: 4,
    ...o,
  };
}

const CALM = [
  utt(),
  utt({ speakingRate: 4.2, f0MedianHz: 112 }),
  utt({ speakingRate: 3.8, f0MedianHz: 108 }),
];
const st = (n: number) => 110 * 2 ** (n / 12);

function impatience(current: ProsodyFeatures, earlier = CALM, o?: BaselineOptions): number {
  const c = compareWithBaseline(current, earlier, o);
  if (!c.ready) throw new Error(`not ready: ${c.reason}`);
  return c.impatience;
}

describe('compareWithBaseline', () => {
  it('waits for enough measurable utterances', () => {
    expect(compareWithBaseline(utt(), [utt()])).toEqual({
      ready: false,
      reason: 'too-few-utterances',
      baselineSize: 1,
    });
    // Too short to measure: a "嗯" does not count towards the baseline.
    expect(compareWithBaseline(utt(), [utt(), utt({ speechS: 0.2 })])).toMatchObject({
      ready: false,
      reason: 'too-few-utterances',
    });
    expect(compareWithBaseline(utt({ speechS: 0.3 }), CALM)).toMatchObject({
      ready: false,
      reason: 'too-little-speech',
      baselineSize: 3,
    });
  });

  // Weights 0.4 rate, 0.35 pitch, 0.1 energy, 0.15 pauses; ramps rate 15–50%,
  // pitch 2–6 st, energy 1.5–6 dB, pause drop 0.03–0.15.
  it.each<[string, Partial<ProsodyFeatures>, number]>([
    ['the same as the baseline', {}, 0],
    [
      'within the wobble (+12% rate, +1.9 st, +1 dB, -2% pauses)',
      { speakingRate: 4.48, f0MedianHz: st(1.9), energyDb: -24, pauseRatio: 0.13 },
      0,
    ],
    [
      'slower, lower, quieter, more pauses',
      { speakingRate: 3, f0MedianHz: st(-3), energyDb: -30, pauseRatio: 0.3 },
      0,
    ],
    ['50% faster only', { speakingRate: 6 }, 0.4],
    ['32.5% faster only (half the rate ramp)', { speakingRate: 5.3 }, 0.2],
    ['6 semitones higher only', { f0MedianHz: st(6) }, 0.35],
    ['4 semitones higher only', { f0MedianHz: st(4) }, 0.175],
    ['6 dB louder only', { energyDb: -19 }, 0.1],
    ['no pauses left (15% -> 0)', { pauseRatio: 0 }, 0.15],
    ['faster and higher: enough on their own', { speakingRate: 6, f0MedianHz: st(6) }, 0.75],
    ['everything rising', { speakingRate: 7, f0MedianHz: st(7), energyDb: -15, pauseRatio: 0 }, 1],
  ])('scores %s', (_name, change, expected) => {
    expect(impatience(utt(change))).toBeCloseTo(expected, 2);
  });

  it('rises monotonically with the rate', () => {
    const scores = [4, 4.5, 5, 5.5, 6, 6.5, 7].map((r) => impatience(utt({ speakingRate: r })));
    for (let i = 1; i < scores.length; i++)
      expect(scores[i]).toBeGreaterThanOrEqual(scores[i - 1] ?? 0);
    expect(scores.at(-1)).toBeGreaterThan(scores[0] ?? 0);
  });

  it('drops the pitch cue and renormalises when F0 is missing', () => {
    const c = compareWithBaseline(utt({ speakingRate: 6, f0MedianHz: null }), CALM);
    expect(c.ready && c.cues.pitch).toBeNull();
    expect(c.ready && c.deltas.pitch).toBeNull();
    expect(c.ready && c.impatience).toBeCloseTo(0.4 / 0.65, 3);
  });

  it('leaves out the pause cue when the baseline had no pauses to shrink', () => {
    const noPauses = CALM.map((u) => ({ ...u, pauseRatio: 0 }));
    const c = compareWithBaseline(utt({ speakingRate: 6, pauseRatio: 0 }), noPauses);
    expect(c.ready && c.cues.pauses).toBeNull();
    expect(c.ready && c.impatience).toBeCloseTo(0.4 / 0.85, 3);
    // With pauses in the baseline, the same unchanged-pause turn counts them as 0.
    const withPauses = compareWithBaseline(utt({ speakingRate: 6 }), CALM);
    expect(withPauses.ready && withPauses.impatience).toBeCloseTo(0.4, 3);
  });

  it('anchors the baseline at the earliest utterances, so a slow escalation is not absorbed', () => {
    const heatingUp = [
      ...CALM,
      utt(),
      utt({ speakingRate: 5 }),
      utt({ speakingRate: 5.6 }),
      utt({ speakingRate: 6 }),
    ];
    const c = compareWithBaseline(utt({ speakingRate: 6 }), heatingUp);
    expect(c.ready && c.baselineSize).toBe(4);
    expect(c.ready && c.deltas.rate).toBeCloseTo(0.5, 3);
    // With a 7-utterance window the fast ones join the baseline and the rise shrinks.
    const wide = compareWithBaseline(utt({ speakingRate: 6 }), heatingUp, {
      ...DEFAULT_BASELINE_OPTIONS,
      maxUtterances: 7,
    });
    expect(wide.ready && wide.deltas.rate).toBeLessThan(0.5);
  });

  it('uses the median, so one odd earlier utterance does not move the baseline', () => {
    const withOutlier = [...CALM, utt({ speakingRate: 12, f0MedianHz: 300 })];
    const c = compareWithBaseline(utt({ speakingRate: 6 }), withOutlier);
    expect(c.ready && c.deltas.rate).toBeCloseTo(6 / 4.1 - 1, 3);
  });

  it('reports deltas in natural units and z-scores floored by minStd', () => {
    const same = [utt(), utt(), utt()];
    const c = compareWithBaseline(
      utt({ speakingRate: 5, f0MedianHz: st(2), energyDb: -21, pauseRatio: 0.05 }),
      same,
    );
    if (!c.ready) throw new Error('not ready');
    expect(c.deltas.rate).toBeCloseTo(0.25, 6);
    expect(c.deltas.pitch).toBeCloseTo(2, 6);
    expect(c.deltas.energy).toBeCloseTo(4, 6);
    expect(c.deltas.pauses).toBeCloseTo(0.1, 6);
    // Identical earlier utterances have no spread: the floors apply.
    expect(c.z.rate).toBeCloseTo(1 / 0.5, 6);
    expect(c.z.pitch).toBeCloseTo(2 / 1, 6);
    expect(c.z.energy).toBeCloseTo(4 / 2, 6);
    expect(c.z.pauses).toBeCloseTo(0.1 / 0.05, 6);
  });

  it('takes its thresholds and weights from the caller', () => {
    const o: BaselineOptions = {
      ...DEFAULT_BASELINE_OPTIONS,
      rate: { from: 0, full: 0.2 },
      weights: { rate: 1, pitch: 0, energy: 0, pauses: 0 },
    };
    // +10%: halfway up the custom ramp, below the start of the default one.
    expect(impatience(utt({ speakingRate: 4.4 }), CALM, o)).toBeCloseTo(0.5, 6);
    expect(impatience(utt({ speakingRate: 4.4 }))).toBe(0);
    expect(impatience(utt({ speakingRate: 5 }), CALM, o)).toBe(1);
  });
});
