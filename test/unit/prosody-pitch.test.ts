import { describe, expect, it } from 'vitest';
import { resample } from '../../src/models/prosody/filters.js';
import { frameGrid } from '../../src/models/prosody/frames.js';
import { DEFAULT_PITCH_OPTIONS, medianF0, trackPitch } from '../../src/models/prosody/pitch.js';
import { concat, harmonics, noise, silence, sine } from './prosody-signals.js';

function pitchOf(x: Float32Array, rate: number) {
  const grid = frameGrid(x.length, rate, 10, 25);
  const track = trackPitch(x, rate, grid, DEFAULT_PITCH_OPTIONS);
  return { ...track, median: medianF0(track.f0), grid };
}

describe('trackPitch (YIN)', () => {
  const cases: [number, number][] = [];
  for (const rate of [8000, 16000, 22050, 44100]) {
    for (const hz of [65, 100, 147.3, 220, 310, 460]) cases.push([rate, hz]);
  }

  it.each(cases)('finds a %i Hz-sampled sine at %f Hz within 2%', (rate, hz) => {
    const { median, f0 } = pitchOf(sine(hz, 0.5, rate), rate);
    expect(median).not.toBeNull();
    expect(Math.abs((median ?? 0) / hz - 1)).toBeLessThan(0.02);
    // Nearly every frame of a steady tone is voiced.
    expect(f0.filter((f) => f > 0).length / f0.length).toBeGreaterThan(0.9);
  });

  it.each([85, 110, 180])(
    'finds F0 = %i Hz in 8 kHz telephone audio whose fundamental is filtered out',
    (hz) => {
      // 300–3400 Hz band: only harmonics from the 3rd (or 2nd) upward survive.
      const ks = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12].filter(
        (k) => k * hz >= 300 && k * hz <= 3400,
      );
      expect(ks[0]).toBeGreaterThan(1);
      const { median } = pitchOf(harmonics(hz, 0.5, 8000, ks), 8000);
      expect(Math.abs((median ?? 0) / hz - 1)).toBeLessThan(0.02);
    },
  );

  it('follows a pitch change frame by frame', () => {
    const rate = 16000;
    const x = concat([
      harmonics(120, 0.5, rate, [1, 2, 3, 4]),
      harmonics(240, 0.5, rate, [1, 2, 3, 4]),
    ]);
    const { f0, grid } = pitchOf(x, rate);
    const at = (s: number) => f0[Math.round((s - grid.firstCenterS) / grid.hopS)] ?? 0;
    for (const s of [0.1, 0.2, 0.3, 0.4]) expect(Math.abs(at(s) / 120 - 1)).toBeLessThan(0.02);
    for (const s of [0.6, 0.7, 0.8, 0.9]) expect(Math.abs(at(s) / 240 - 1)).toBeLessThan(0.02);
  });

  it('calls white noise and silence unvoiced', () => {
    const n = pitchOf(noise(16000, 7, 0.5), 16000);
    expect(n.f0.filter((f) => f > 0).length / n.f0.length).toBeLessThan(0.05);
    expect(pitchOf(silence(0.5, 16000), 16000).median).toBeNull();
  });

  it('reports low aperiodicity for a tone and high for noise', () => {
    const tone = pitchOf(sine(150, 0.3, 8000), 8000).aperiodicity;
    const hiss = pitchOf(noise(2400, 3), 8000).aperiodicity;
    const mean = (a: Float32Array) => a.reduce((s, v) => s + v, 0) / a.length;
    expect(mean(tone)).toBeLessThan(0.1);
    expect(mean(hiss)).toBeGreaterThan(0.4);
  });

  it('skips frames that are not active', () => {
    const x = sine(200, 0.3, 16000);
    const grid = frameGrid(x.length, 16000, 10, 25);
    const active = new Uint8Array(grid.count).fill(1, 0, 10);
    const { f0 } = trackPitch(x, 16000, grid, DEFAULT_PITCH_OPTIONS, active);
    expect(f0.slice(0, 10).every((f) => f > 0)).toBe(true);
    expect(f0.slice(10).every((f) => f === 0)).toBe(true);
  });

  it('gives the same F0 after resampling 16 kHz to 8 kHz', () => {
    const x = harmonics(132, 0.5, 16000, [1, 2, 3, 4, 5]);
    const a = pitchOf(x, 16000).median ?? 0;
    const b = pitchOf(resample(x, 16000, 8000), 8000).median ?? 0;
    expect(Math.abs(b / a - 1)).toBeLessThan(0.01);
  });
});
