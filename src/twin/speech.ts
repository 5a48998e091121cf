/**
 * The voice of a customer turn. `heat` runs from 0 (calm) to 1 (impatient or
 * angry): a heated speaker talks faster, higher and louder, with fewer pauses.
 */
import type { Rng } from '../core/rng.js';
import type { Prosody } from './types.js';

/** Syllables per second of calm Mandarin speech on the phone. */
const CALM_RATE = 4.2;
const round2 = (v: number): number => Math.round(v * 100) / 100;

export function prosodyOf(text: string, voiceHz: number, heat: number, rng: Rng): Prosody {
  const wobble = () => 1 + (rng() - 0.5) * 0.08;
  const rate = CALM_RATE * (1 + 0.45 * heat) * wobble();
  const pause = Math.max(0.02, 0.28 - 0.18 * heat + (rng() - 0.5) * 0.05);
  // One syllable per Chinese character; an English word counts about two.
  const syllables = text.replace(/[^\p{Script=Han}A-Za-z]/gu, '').length || 1;
  return {
    // Up to six semitones higher when heated.
    pitch_hz: round2(voiceHz * 2 ** ((6 * heat) / 12) * wobble()),
    rate_sps: round2(rate),
    pause_ratio: round2(pause),
    energy_db: round2(-26 + 7 * heat + (rng() - 0.5) * 1.5),
    speech_s: round2(syllables / rate / (1 - pause)),
  };
}
