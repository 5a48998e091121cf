import { describe, expect, it } from 'vitest';
import { extractProsody } from '../../src/models/prosody/features.js';
import { resample } from '../../src/models/prosody/filters.js';
import { add, bursts, harmonics, noise, scale, silence } from './prosody-signals.js';

const RATES = [8000, 16000];
/** A vowel-like voiced burst: 130 Hz buzz, energy in the 300–2500 Hz syllable band. */
const vowel = (rate: number) => () => harmonics(130, 1, rate, [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
const hiss = (rate: number) => (i: number) => noise(rate, i + 1, 0.5);

describe('extractProsody: pauses', () => {
  // Gaps of 300 ms are pauses (>= 150 ms); the 0.3 s margins before and after are trimmed.
  it.each(RATES)('measures the pause ratio of bursts and gaps at %i Hz', (rate) => {
    for (const [count, burstS, gapS] of [
      [4, 0.4, 0.3],
      [6, 0.2, 0.3],
      [3, 0.5, 0.6],
    ] as const) {
      const f = extractProsody({
        samples: bursts(count, burstS, gapS, rate, vowel(rate)),
        sampleRate: rate,
      });
      const expected = ((count - 1) * gapS) / (count * burstS + (count - 1) * gapS);
      // Frame windows (25 ms) and fades (20 ms) blur each edge by a frame or two.
      expect(Math.abs(f.pauseRatio - expected)).toBeLessThan(0.05);
      expect(f.speechS).toBeCloseTo(count * burstS, 0);
      expect(f.durationS).toBeCloseTo(count * burstS + (count - 1) * gapS + 0.6, 3);
    }
  });

  it('does not count gaps shorter than the minimum pause (stop closures) as pauses', () => {
    const x = bursts(6, 0.2, 0.08, 16000, vowel(16000));
    expect(extractProsody({ samples: x, sampleRate: 16000 }).pauseRatio).toBe(0);
    const strict = extractProsody(
      { samples: x, sampleRate: 16000 },
      { silence: { minPauseMs: 50 } },
    );
    expect(strict.pauseRatio).toBeGreaterThan(0.15);
  });

  it('adapts its silence threshold to a noisy line', () => {
    const rate = 8000;
    const clean = bursts(5, 0.3, 0.3, rate, vowel(rate));
    // Background noise 30 dB under the bursts: a fixed -60 dBFS threshold would see no pauses.
    const noisy = add(clean, noise(clean.length, 99, 0.01));
    const a = extractProsody({ samples: clean, sampleRate: rate });
    const b = extractProsody({ samples: noisy, sampleRate: rate });
    expect(b.pauseRatio).toBeGreaterThan(0.3);
    expect(Math.abs(a.pauseRatio - b.pauseRatio)).toBeLessThan(0.05);
  });
});

describe('extractProsody: rate', () => {
  it.each(RATES)('counts noise bursts when voicing is not required (%i Hz)', (rate) => {
    const measured: number[] = [];
    for (const perSecond of [3, 5, 8]) {
      // Burst 60% of the period, gap 40%: gaps stay under the pause length, so speech
      // time is the whole span and the rate is count / span.
      const period = 1 / perSecond;
      const count = 12;
      const x = bursts(count, 0.6 * period, 0.4 * period, rate, hiss(rate));
      const f = extractProsody({ samples: x, sampleRate: rate }, { requireVoicing: false });
      expect(f.nuclei).toBe(count);
      const span = count * period - 0.4 * period;
      expect(Math.abs(f.speakingRate / (count / span) - 1)).toBeLessThan(0.05);
      measured.push(f.speakingRate);
    }
    expect(measured[0]).toBeLessThan(measured[1] ?? 0);
    expect(measured[1]).toBeLessThan(measured[2] ?? 0);
    // 3 → 8 per second is a ratio of 8/3.
    expect((measured[2] ?? 0) / (measured[0] ?? 1)).toBeCloseTo(8 / 3, 0);
  });

  it('by default counts voiced bursts (vowels) but not noise bursts (fricatives)', () => {
    const rate = 16000;
    const voiced = bursts(10, 0.12, 0.08, rate, vowel(rate));
    const unvoiced = bursts(10, 0.12, 0.08, rate, hiss(rate));
    expect(extractProsody({ samples: voiced, sampleRate: rate }).nuclei).toBe(10);
    expect(extractProsody({ samples: unvoiced, sampleRate: rate }).nuclei).toBe(0);
  });

  it('measures an articulation rate: longer pauses change the pause ratio, not the rate', () => {
    const rate = 16000;
    const at = (gapS: number) =>
      extractProsody({ samples: bursts(8, 0.15, gapS, rate, vowel(rate)), sampleRate: rate });
    const [short, long] = [at(0.25), at(0.6)];
    expect(long.nuclei).toBe(8);
    expect(short.nuclei).toBe(8);
    expect(long.pauseRatio).toBeGreaterThan(short.pauseRatio + 0.15);
    // 8 syllables in 8 × 0.15 s of speech either way.
    for (const f of [short, long])
      expect(Math.abs(f.speakingRate / (8 / 1.2) - 1)).toBeLessThan(0.1);
  });

  it('keeps the count when 16 kHz audio is turned into 8 kHz telephone audio', () => {
    const x = bursts(9, 0.15, 0.1, 16000, vowel(16000));
    const wide = extractProsody({ samples: x, sampleRate: 16000 });
    const narrow = extractProsody({ samples: resample(x, 16000, 8000), sampleRate: 8000 });
    expect(wide.nuclei).toBe(9);
    expect(narrow.nuclei).toBe(9);
    expect(Math.abs(narrow.speakingRate / wide.speakingRate - 1)).toBeLessThan(0.05);
  });
});

describe('extractProsody: pitch and energy', () => {
  it.each(RATES)('reports the median F0 of voiced speech and a small spread (%i Hz)', (rate) => {
    const f = extractProsody({ samples: bursts(4, 0.3, 0.2, rate, vowel(rate)), sampleRate: rate });
    expect(Math.abs((f.f0MedianHz ?? 0) / 130 - 1)).toBeLessThan(0.02);
    expect(f.f0StdSt).toBeLessThan(0.5);
    expect(f.voicedRatio).toBeGreaterThan(0.8);
  });

  it('measures F0 spread in semitones: a half-and-half 100/200 Hz utterance spans an octave', () => {
    const rate = 16000;
    const x = bursts(4, 0.4, 0.2, rate, (i) =>
      harmonics(i % 2 ? 200 : 100, 1, rate, [1, 2, 3, 4, 5]),
    );
    const f = extractProsody({ samples: x, sampleRate: rate });
    expect(f.f0RangeSt).toBeGreaterThan(11);
    expect(f.f0RangeSt).toBeLessThan(13);
  });

  it('measures energy in dB: half the amplitude is 6 dB less, nothing else changes', () => {
    const rate = 16000;
    const x = bursts(4, 0.3, 0.3, rate, vowel(rate));
    const a = extractProsody({ samples: x, sampleRate: rate });
    const b = extractProsody({ samples: scale(x, 0.5), sampleRate: rate });
    expect(a.energyDb - b.energyDb).toBeCloseTo(20 * Math.log10(2), 1);
    expect(b.pauseRatio).toBeCloseTo(a.pauseRatio, 2);
    expect(b.nuclei).toBe(a.nuclei);
  });

  it('ignores a DC offset', () => {
    const rate = 8000;
    const x = bursts(4, 0.3, 0.3, rate, vowel(rate));
    const a = extractProsody({ samples: x, sampleRate: rate });
    const b = extractProsody({ samples: x.map((v) => v + 0.2), sampleRate: rate });
    expect(b.pauseRatio).toBeCloseTo(a.pauseRatio, 2);
    expect(b.energyDb).toBeCloseTo(a.energyDb, 0);
  });

  it.each([
    ['silence', silence(1, 16000)],
    ['no samples', new Float32Array(0)],
  ])('reports no speech for %s', (_name, samples) => {
    const f = extractProsody({ samples, sampleRate: 16000 });
    expect(f).toMatchObject({
      speechS: 0,
      pauseRatio: 1,
      f0MedianHz: null,
      nuclei: 0,
      speakingRate: 0,
    });
  });
});
