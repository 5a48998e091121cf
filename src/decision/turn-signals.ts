import type { EmotionLabel, SlotFacts } from '../models/types.js';

/** What the models made of the customer's latest utterance. */
export interface TurnSignals {
  text: string;
  intent: string;
  intentConfidence: number;
  outOfScope: boolean;
  /** The customer withdrew consent to be contacted; `optOutCue` is the phrase heard. */
  optOut: boolean;
  optOutCue?: string;
  emotion: EmotionLabel;
  /** -1..1 */
  valence: number;
  /** 0..1, fused from text and voice. */
  impatience: number;
  asrConfidence: number;
  /** Facts stated in this utterance. */
  slots: SlotFacts;
}
