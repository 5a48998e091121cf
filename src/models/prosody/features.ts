import { removeDc } from './filters.js';
import { FLOOR_DB, frameGrid, framePower, percentile, toDb } from './frames.js';
import { DEFAULT_PITCH_OPTIONS, medianF0, trackPitch, type PitchOptions } from './pitch.js';
import {
  DEFAULT_SILENCE_OPTIONS,
  segment,
  silenceThresholdDb,
  type SilenceOptions,
} from './silence.js';
import {
  DEFAULT_SYLLABLE_OPTIONS,
  findNuclei,
  syllableEnvelope,
  type SyllableOptions,
} from './syllable-nuclei.js';
import type { MonoAudio } from './wav.js';

/** Prosody of one utterance. Levels are relative to full scale, so compare them within a call only. */
export interface ProsodyFeatures {
  /** Length of the audio, seconds. */
  durationS: number;
  /** Speaking time: from first to last speech frame, pauses excluded. */
  speechS: number;
  /** Pause frames / frames from first to last speech frame (0..1); 1 when there is no speech. */
  pauseRatio: number;
  /** Mean power of the speech frames, dB relative to full scale. */
  energyDb: number;
  /** Median F0 over voiced frames, Hz; null when nothing is voiced. */
  f0MedianHz: number | null;
  /** Spread of F0 around its median in semitones (std) and its 10th–90th percentile range. */
  f0StdSt: number | null;
  f0RangeSt: number | null;
  /** Voiced frames / speech frames. */
  voicedRatio: number;
  /** Syllable nuclei found, and nuclei per second of speaking time (articulation rate). */
  nuclei: number;
  speakingRate: number;
}

export interface ProsodyOptions {
  hopMs: number;
  /** Window of the level track used for silence and energy. */
  windowMs: number;
  /** Count only voiced envelope peaks as syllables (off to count unvoiced bursts, e.g. in tests). */
  requireVoicing: boolean;
  /** Looser than the F0 threshold: a nucleus needs voicing, not a clean pitch value. */
  nucleusAperiodicity: number;
  /** A peak counts as voiced when a voiced frame lies this close to it. */
  nucleusReachMs: number;
  pitch: PitchOptions;
  silence: SilenceOptions;
  syllables: SyllableOptions;
}

export const DEFAULT_PROSODY_OPTIONS: ProsodyOptions = {
  hopMs: 10,
  windowMs: 25,
  requireVoicing: true,
  nucleusAperiodicity: 0.5,
  nucleusReachMs: 30,
  pitch: DEFAULT_PITCH_OPTIONS,
  silence: DEFAULT_SILENCE_OPTIONS,
  syllables: DEFAULT_SYLLABLE_OPTIONS,
};

export type ProsodyOverrides = Partial<
  Omit<ProsodyOptions, 'pitch' | 'silence' | 'syllables'> & {
    pitch: Partial<PitchOptions>;
    silence: Partial<SilenceOptions>;
    syllables: Partial<SyllableOptions>;
  }
>;

export function prosodyOptions(o: ProsodyOverrides = {}): ProsodyOptions {
  const d = DEFAULT_PROSODY_OPTIONS;
  return {
    ...d,
    ...o,
    pitch: { ...d.pitch, ...o.pitch },
    silence: { ...d.silence, ...o.silence },
    syllables: { ...d.syllables, ...o.syllables },
  };
}

function voicedNear(ap: Float32Array, i: number, reach: number, max: number): boolean {
  for (let j = Math.max(0, i - reach); j <= Math.min(ap.length - 1, i + reach); j++) {
    if ((ap[j] ?? 1) < max) return true;
  }
  return false;
}

const semitones = (hz: number, ref: number): number => 12 * Math.log2(hz / ref);

/**
 * Per-utterance prosody, all on one 10 ms frame grid:
 *
 * 1. Level per frame (25 ms RMS, dB). The silence threshold adapts to the
 *    recording (silence.ts); silent runs of 150 ms or more inside the
 *    utterance are pauses, shorter ones (stop closures) are speech.
 * 2. F0 per speech frame by YIN (pitch.ts); its median over voiced frames.
 * 3. Speaking rate as an articulation rate: syllable nuclei per second of
 *    speech with pauses taken out, so that rate and pause ratio measure two
 *    different things. Nuclei are peaks of a 300–2500 Hz energy envelope,
 *    separated by dips, within ±30 ms of a voiced frame (syllables.ts). The
 *    voicing test for nuclei is looser than for F0 (aperiodicity 0.5 vs
 *    0.25): fast speech changes pitch and formants within one analysis
 *    window, which spoils the F0 estimate long before the frame stops being
 *    voiced.
 */
export function extractProsody(
  audio: MonoAudio,
  overrides: ProsodyOverrides = {},
): ProsodyFeatures {
  const o = prosodyOptions(overrides);
  const { sampleRate } = audio;
  const x = removeDc(audio.samples);
  const grid = frameGrid(x.length, sampleRate, o.hopMs, o.windowMs);
  const power = framePower(x, sampleRate, grid, o.windowMs / 1000);
  const levels = power.map(toDb);
  const threshold = silenceThresholdDb(levels, o.silence);
  const minPause = Math.round(o.silence.minPauseMs / o.hopMs);
  const seg = segment(levels, threshold, minPause);
  const { f0, aperiodicity } = trackPitch(x, sampleRate, grid, o.pitch, seg.speech);
  const reach = Math.round(o.nucleusReachMs / o.hopMs);

  let speechFrames = 0;
  let speechPower = 0;
  let voiced = 0;
  const eligible = new Uint8Array(grid.count);
  for (let i = 0; i < grid.count; i++) {
    if (!seg.speech[i]) continue;
    speechFrames++;
    speechPower += power[i] ?? 0;
    if ((f0[i] ?? 0) > 0) voiced++;
    eligible[i] =
      !o.requireVoicing || voicedNear(aperiodicity, i, reach, o.nucleusAperiodicity) ? 1 : 0;
  }
  const env = syllableEnvelope(x, sampleRate, grid, o.syllables);
  const nuclei = speechFrames > 0 ? findNuclei(env, eligible, o.syllables).length : 0;
  const speechS = speechFrames * grid.hopS;
  const spanFrames = seg.end - seg.start;
  const f0Median = medianF0(f0);
  const st =
    f0Median === null ? [] : [...f0].filter((f) => f > 0).map((f) => semitones(f, f0Median));
  return {
    durationS: x.length / sampleRate,
    speechS,
    pauseRatio: spanFrames > 0 ? seg.pauseFrames / spanFrames : 1,
    energyDb: speechFrames > 0 ? toDb(speechPower / speechFrames) : FLOOR_DB,
    f0MedianHz: f0Median,
    f0StdSt: st.length > 0 ? Math.sqrt(st.reduce((s, v) => s + v * v, 0) / st.length) : null,
    f0RangeSt: st.length > 0 ? percentile(st, 90) - percentile(st, 10) : null,
    voicedRatio: speechFrames > 0 ? voiced / speechFrames : 0,
    nuclei,
    speakingRate: speechS > 0 ? nuclei / speechS : 0,
  };
}
