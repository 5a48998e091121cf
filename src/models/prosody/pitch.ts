import { decimate, removeDc } from './filters.js';
import type { FrameGrid } from './frames.js';

export interface PitchOptions {
  /**
   * Search range: low male voices reach 55–60 Hz at phrase ends (espeak-ng
   * at -p 0 does too, and a 60 Hz floor lost a quarter of those syllables);
   * raised female voices reach 450.
   */
  minF0Hz: number;
  maxF0Hz: number;
  /** Integration window of the difference function. */
  windowMs: number;
  /**
   * Aperiodicity (YIN's normalised difference) a frame must dip below to be
   * voiced. 0.1–0.15 is usual for clean studio speech; telephone audio is
   * noisier, so the default is more lenient.
   */
  voicingThreshold: number;
  /**
   * Input above this rate is decimated (by an integer factor) first. The
   * search cost is quadratic in the rate, and F0 needs no more than
   * telephone bandwidth: parabolic refinement keeps 2% accuracy at 8 kHz,
   * so 16 kHz input costs about what 8 kHz does (4x less than undecimated).
   */
  maxAnalysisRate: number;
}

export const DEFAULT_PITCH_OPTIONS: PitchOptions = {
  minF0Hz: 50,
  maxF0Hz: 500,
  windowMs: 25,
  voicingThreshold: 0.25,
  maxAnalysisRate: 8_000,
};

export interface PitchTrack {
  /** F0 per grid frame in Hz, 0 where unvoiced or skipped. */
  f0: Float32Array;
  /**
   * Lowest normalised difference in the search range per frame: near 0 for a
   * clean periodic frame, near 1 for noise and for skipped frames. Callers
   * that only need "voiced or not" can apply their own, looser threshold.
   */
  aperiodicity: Float32Array;
}

/**
 * YIN (de Cheveigné & Kawahara 2002) on each frame: the cumulative-mean
 * normalised squared difference between the frame and itself shifted by each
 * candidate period. The first dip under the voicing threshold is taken rather
 * than the global minimum, which is what keeps YIN off sub-harmonics (octave
 * too low); telephone band-limiting removes the fundamental but not the
 * periodicity, so 8 kHz audio works too. Frames where `active` is 0 (silence)
 * are not searched.
 */
export function trackPitch(
  input: Float32Array,
  inputRate: number,
  grid: FrameGrid,
  options: PitchOptions = DEFAULT_PITCH_OPTIONS,
  active?: Uint8Array,
): PitchTrack {
  const { samples: x, sampleRate: rate } = decimate(
    removeDc(input),
    inputRate,
    options.maxAnalysisRate,
  );
  const w = Math.max(2, Math.round((options.windowMs / 1000) * rate));
  const tauMin = Math.max(2, Math.floor(rate / options.maxF0Hz));
  const tauMax = Math.min(Math.ceil(rate / options.minF0Hz), Math.floor(x.length / 2));
  const f0 = new Float32Array(grid.count);
  const aperiodicity = new Float32Array(grid.count).fill(1);
  if (tauMax <= tauMin + 1) return { f0, aperiodicity };
  const span = w + tauMax + 1;
  const d = new Float64Array(tauMax + 2);
  for (let i = 0; i < grid.count; i++) {
    if (active && !active[i]) continue;
    const centre = Math.round((grid.firstCenterS + i * grid.hopS) * rate);
    // Near the edges the window slides inwards rather than losing the frame.
    const start = Math.min(Math.max(0, centre - (span >> 1)), x.length - span);
    if (start < 0) continue;
    differences(x, start, w, tauMax, d);
    aperiodicity[i] = lowest(d, tauMin, tauMax);
    const period = firstDip(d, tauMin, tauMax, options.voicingThreshold);
    if (period > 0) f0[i] = rate / period;
  }
  return { f0, aperiodicity };
}

/** Cumulative-mean normalised squared difference for lags 1..tauMax+1, into d. */
function differences(
  x: Float32Array,
  start: number,
  w: number,
  tauMax: number,
  d: Float64Array,
): void {
  for (let tau = 1; tau <= tauMax + 1; tau++) {
    let sum = 0;
    for (let j = start; j < start + w; j++) {
      const diff = (x[j] ?? 0) - (x[j + tau] ?? 0);
      sum += diff * diff;
    }
    d[tau] = sum;
  }
  // Turn d into the cumulative-mean normalised difference in place.
  let running = 0;
  for (let tau = 1; tau <= tauMax + 1; tau++) {
    running += d[tau] ?? 0;
    d[tau] = running > 0 ? ((d[tau] ?? 0) * tau) / running : 1;
  }
}

function lowest(d: Float64Array, tauMin: number, tauMax: number): number {
  let min = 1;
  for (let tau = tauMin; tau <= tauMax; tau++) min = Math.min(min, d[tau] ?? 1);
  return min;
}

/** Refined period in samples, or 0 when no dip is deep enough to call the frame voiced. */
function firstDip(d: Float64Array, tauMin: number, tauMax: number, threshold: number): number {
  for (let tau = tauMin; tau <= tauMax; tau++) {
    if ((d[tau] ?? 1) >= threshold) continue;
    while (tau < tauMax && (d[tau + 1] ?? 1) < (d[tau] ?? 1)) tau++;
    return refine(d, tau);
  }
  return 0;
}

/** Parabola through the dip and its neighbours: sub-sample periods, so 2% accuracy holds at 8 kHz. */
function refine(d: Float64Array, tau: number): number {
  const a = d[tau - 1] ?? 1;
  const b = d[tau] ?? 1;
  const c = d[tau + 1] ?? 1;
  const denom = a - 2 * b + c;
  return denom > 0 ? tau + (0.5 * (a - c)) / denom : tau;
}

/** Median of the voiced frames' F0 in Hz, or null when none is voiced. */
export function medianF0(f0: Float32Array): number | null {
  const voiced = f0.filter((f) => f > 0).sort();
  if (voiced.length === 0) return null;
  const mid = voiced.length >> 1;
  return voiced.length % 2 ? (voiced[mid] ?? 0) : ((voiced[mid - 1] ?? 0) + (voiced[mid] ?? 0)) / 2;
}
