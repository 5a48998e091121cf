import type { TurnProsody } from './event-fields.js';
import type { ProsodyFeatures } from './features.js';

/** What a comparison needs of an utterance: what a voice bot sends with a turn. */
export type VoiceSample = Pick<
  ProsodyFeatures,
  'speechS' | 'speakingRate' | 'energyDb' | 'pauseRatio' | 'f0MedianHz'
>;

/** A cue scores 0 up to `from` and rises linearly to 1 at `full`. */
export interface Ramp {
  from: number;
  full: number;
}

export type Cue = 'rate' | 'pitch' | 'energy' | 'pauses';

export interface BaselineOptions {
  /** Measurable earlier utterances needed before any comparison. */
  minUtterances: number;
  /**
   * The baseline is the caller's earliest utterances, at most this many: a
   * window that followed the latest ones would rise with a caller who heats
   * up slowly and never see it.
   */
  maxUtterances: number;
  /** Utterances with less speaking time are too short to measure rate or pitch on. */
  minSpeechS: number;
  /** Rate change as a fraction (0.1 = 10% faster than the baseline). */
  rate: Ramp;
  /** F0 change in semitones: a ratio, so it means the same for low and high voices. */
  pitch: Ramp;
  /** Level change in dB. */
  energy: Ramp;
  /** Drop in pause ratio (baseline minus now). */
  pauses: Ramp;
  /** Share of each cue in the impatience score; renormalised over the cues available. */
  weights: Record<Cue, number>;
  /** Floors on the baseline spread used for z-scores, so a very steady caller's small wobbles do not read as large z. */
  minStd: Record<Cue, number>;
}

/**
 * Defaults: rate and pitch carry most weight (together 0.75, so the two
 * alone can make a turn impatient) because they are properties of the
 * voice; energy also follows the microphone distance and the line gain, and
 * pauses the endpointer's segmentation, so they count less. Each ramp starts
 * above the spread measured between different sentences spoken at one steady
 * espeak-ng setting (test/integration/prosody-espeak.test.ts): rate within
 * about ±10% of the median (one English sentence 19% slower), median F0
 * within 2 st (Mandarin tones move it by sentence), level within 1.5 dB.
 */
export const DEFAULT_BASELINE_OPTIONS: BaselineOptions = {
  minUtterances: 2,
  maxUtterances: 4,
  minSpeechS: 0.5,
  rate: { from: 0.15, full: 0.5 },
  pitch: { from: 2, full: 6 },
  energy: { from: 1.5, full: 6 },
  pauses: { from: 0.03, full: 0.15 },
  weights: { rate: 0.4, pitch: 0.35, energy: 0.1, pauses: 0.15 },
  minStd: { rate: 0.5, pitch: 1, energy: 2, pauses: 0.05 },
};

export interface ProsodyDeltas {
  /** Current rate / baseline rate − 1. */
  rate: number;
  /** Semitones above the baseline's F0; null when either has no voiced speech. */
  pitch: number | null;
  energy: number;
  /** Baseline pause ratio minus the current one: positive when pauses shrink. */
  pauses: number;
}

export type ProsodyComparison =
  | { ready: false; reason: 'too-few-utterances' | 'too-little-speech'; baselineSize: number }
  | {
      ready: true;
      baselineSize: number;
      deltas: ProsodyDeltas;
      /** Deltas in units of the baseline's spread (floored by minStd). */
      z: Record<Cue, number | null>;
      /** Each cue's 0..1 score from its ramp; null when it cannot be measured (no F0) or cannot rise (no pauses to shrink). */
      cues: Record<Cue, number | null>;
      /** 0..1: weighted cues that rose. */
      impatience: number;
    };

const ramp = (v: number, r: Ramp): number =>
  Math.min(1, Math.max(0, (v - r.from) / Math.max(1e-9, r.full - r.from)));

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? (s[mid] ?? 0) : ((s[mid - 1] ?? 0) + (s[mid] ?? 0)) / 2;
}

/** Population std of `values` around `centre`, floored. */
function spread(values: number[], centre: number, floor: number): number {
  const sq = values.reduce((s, v) => s + (v - centre) ** 2, 0) / Math.max(1, values.length);
  return Math.max(floor, Math.sqrt(sq));
}

const semitones = (hz: number, ref: number): number => 12 * Math.log2(hz / ref);

/**
 * Compares one utterance with the same caller's earlier utterances in the
 * call (oldest first). The baseline is the median of each feature over the
 * earliest measurable ones, robust to one odd utterance. Only rises count
 * towards impatience: a caller who slows down is not getting impatient.
 */
export function compareWithBaseline(
  current: VoiceSample,
  earlier: readonly VoiceSample[],
  o: BaselineOptions = DEFAULT_BASELINE_OPTIONS,
): ProsodyComparison {
  const base = earlier.filter((u) => u.speechS >= o.minSpeechS).slice(0, o.maxUtterances);
  if (base.length < o.minUtterances) {
    return { ready: false, reason: 'too-few-utterances', baselineSize: base.length };
  }
  if (current.speechS < o.minSpeechS) {
    return { ready: false, reason: 'too-little-speech', baselineSize: base.length };
  }
  const rates = base.map((u) => u.speakingRate);
  const energies = base.map((u) => u.energyDb);
  const pauses = base.map((u) => u.pauseRatio);
  const f0s = base.flatMap((u) => (u.f0MedianHz === null ? [] : [u.f0MedianHz]));
  const rate0 = median(rates);
  const energy0 = median(energies);
  const pause0 = median(pauses);
  const f00 = f0s.length > 0 ? median(f0s) : null;
  const pitch =
    f00 !== null && current.f0MedianHz !== null ? semitones(current.f0MedianHz, f00) : null;
  const deltas: ProsodyDeltas = {
    rate: rate0 > 0 ? current.speakingRate / rate0 - 1 : 0,
    pitch,
    energy: current.energyDb - energy0,
    pauses: pause0 - current.pauseRatio,
  };
  const pitchSpread =
    f00 === null
      ? 0
      : spread(
          f0s.map((f) => semitones(f, f00)),
          0,
          o.minStd.pitch,
        );
  const z: Record<Cue, number | null> = {
    rate: (current.speakingRate - rate0) / spread(rates, rate0, o.minStd.rate),
    pitch: pitch === null ? null : pitch / pitchSpread,
    energy: deltas.energy / spread(energies, energy0, o.minStd.energy),
    pauses: deltas.pauses / spread(pauses, pause0, o.minStd.pauses),
  };
  const cues: Record<Cue, number | null> = {
    rate: ramp(deltas.rate, o.rate),
    pitch: pitch === null ? null : ramp(pitch, o.pitch),
    energy: ramp(deltas.energy, o.energy),
    // A caller who made no pauses in the baseline cannot shrink them: the cue
    // says nothing then, and counting it as 0 would dilute the others.
    pauses: pause0 > o.pauses.from ? ramp(deltas.pauses, o.pauses) : null,
  };
  let sum = 0;
  let weight = 0;
  for (const cue of Object.keys(cues) as Cue[]) {
    const score = cues[cue];
    if (score === null) continue;
    sum += o.weights[cue] * score;
    weight += o.weights[cue];
  }
  return {
    ready: true,
    baselineSize: base.length,
    deltas,
    z,
    cues,
    impatience: weight > 0 ? sum / weight : 0,
  };
}

/**
 * Impatience in a caller's voice against their own baseline earlier in the
 * call (null until there is one). `earlier` holds the call's earliest
 * measurable samples, the baseline; this turn's sample joins it while it is
 * still short. Pipeline, training replay and decision layer all use this.
 */
export function voiceImpatience(earlier: VoiceSample[], p: TurnProsody): number | null {
  const sample: VoiceSample = {
    speechS: p.speech_s,
    speakingRate: p.rate_sps,
    energyDb: p.energy_db,
    pauseRatio: p.pause_ratio,
    f0MedianHz: p.pitch_hz,
  };
  const compared = compareWithBaseline(sample, earlier);
  const o = DEFAULT_BASELINE_OPTIONS;
  if (sample.speechS >= o.minSpeechS && earlier.length < o.maxUtterances) earlier.push(sample);
  return compared.ready ? compared.impatience : null;
}
