import { bandPass } from './filters.js';
import { framePower, percentile, smooth, toDb, type FrameGrid } from './frames.js';

export interface SyllableOptions {
  /** Pass band of the envelope: vowel F1/F2 energy, without fricative hiss above it. */
  lowHz: number;
  highHz: number;
  /** Energy window and smoothing of the envelope; both well under a syllable (~100–250 ms). */
  windowMs: number;
  smoothMs: number;
  /** The envelope must fall this much from the previous nucleus into the dip… */
  minDipDb: number;
  /** …and rise this much out of it to the new peak, for the peak to be a new syllable. */
  minRiseDb: number;
  /** Peaks more than this below the loud end of the utterance are ignored. */
  maxBelowPeakDb: number;
}

export const DEFAULT_SYLLABLE_OPTIONS: SyllableOptions = {
  lowHz: 300,
  highHz: 2500,
  windowMs: 20,
  smoothMs: 30,
  minDipDb: 2,
  minRiseDb: 3,
  maxBelowPeakDb: 25,
};

/** Band-limited, smoothed energy envelope in dB on the shared grid. */
export function syllableEnvelope(
  x: Float32Array,
  sampleRate: number,
  grid: FrameGrid,
  o: SyllableOptions,
): Float64Array {
  const band = bandPass(x, o.lowHz, o.highHz, sampleRate);
  const power = framePower(band, sampleRate, grid, o.windowMs / 1000);
  const db = power.map(toDb);
  // An odd width centred on the frame keeps the peaks where they are.
  const width = Math.max(1, Math.round(o.smoothMs / 1000 / grid.hopS)) | 1;
  return smooth(db, width);
}

/**
 * Syllable nuclei as frame indices, after de Jong & Wempe (2009, "Praat
 * script to detect syllable nuclei"): every syllable has one vowel, and a
 * vowel is a local maximum of energy in the band where vowel formants live.
 * A peak is a nucleus when the envelope fell at least `minDipDb` from the
 * previous nucleus and rose at least `minRiseDb` out of that dip, lies within
 * `maxBelowPeakDb` of the loud end of the utterance, and is `eligible`
 * (speech, and voiced unless the caller chose otherwise: vowels are voiced,
 * so this drops peaks on plosive bursts and fricatives). Two peaks without
 * such a dip are one syllable, and the higher is kept. The rise is the
 * stricter side because a nasal coda (Mandarin -n/-ng, English -m/-n) makes
 * a small second bump after the vowel, about 2 dB out of its dip on
 * telephone audio, that is not a syllable of its own.
 */
export function findNuclei(env: Float64Array, eligible: Uint8Array, o: SyllableOptions): number[] {
  const levels: number[] = [];
  for (let i = 0; i < env.length; i++) if (eligible[i]) levels.push(env[i] ?? 0);
  if (levels.length === 0) return [];
  // The 99th percentile rather than the maximum: one click must not raise the floor.
  const floor = percentile(levels, 99) - o.maxBelowPeakDb;
  const nuclei: number[] = [];
  let last = -1;
  let dip = Infinity;
  for (let i = 1; i < env.length - 1; i++) {
    const v = env[i] ?? 0;
    dip = Math.min(dip, v);
    const isPeak = v > (env[i - 1] ?? 0) && v >= (env[i + 1] ?? 0);
    if (!isPeak || !eligible[i] || v < floor) continue;
    if (last < 0 || (v - dip >= o.minRiseDb && (env[last] ?? 0) - dip >= o.minDipDb)) {
      nuclei.push(i);
      last = i;
      dip = v;
    } else if (v > (env[last] ?? 0)) {
      nuclei[nuclei.length - 1] = i;
      last = i;
      dip = v;
    }
  }
  return nuclei;
}
