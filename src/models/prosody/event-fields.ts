import type { ProsodyFeatures } from './features.js';

/** The `prosody` of a dialog.turn event, as a voice bot sends it. */
export interface TurnProsody {
  pitch_hz: number | null;
  rate_sps: number;
  pause_ratio: number;
  energy_db: number;
  speech_s: number;
}

const r = (v: number, digits: number): number => Number(v.toFixed(digits));

/** Features measured from audio → the event's fields (what the baseline needs, rounded). */
export const turnProsody = (f: ProsodyFeatures): TurnProsody => ({
  pitch_hz: f.f0MedianHz === null ? null : r(f.f0MedianHz, 1),
  rate_sps: r(f.speakingRate, 2),
  pause_ratio: r(f.pauseRatio, 3),
  energy_db: r(f.energyDb, 1),
  speech_s: r(f.speechS, 2),
});
