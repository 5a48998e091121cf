import type { EmotionLabel, EmotionResult } from './types.js';

export interface FusionOptions {
  /**
   * How far each source is trusted to show impatience on its own (0..1).
   * Text cues are explicit words ("快点", "get to the point"); prosody is a
   * change against the caller's own baseline and can be moved by a line or
   * microphone change, so it is trusted a little less.
   */
  textReliability: number;
  prosodyReliability: number;
  /**
   * Impatience each text label implies (anger includes wanting the call over).
   * Words alone ("快点") reach the concise line (0.5 in dialog-flow.json), not
   * a handoff (0.8 in transfer.json); words and an impatient voice reach both.
   */
  textImpatience: Record<EmotionLabel, number>;
  /** Fused impatience at or above this labels the turn impatient, unless the text says angry. */
  impatientAt: number;
  /** Valence lost at full prosodic impatience: hurried "OK, fine" is not as positive as it reads. */
  valencePenalty: number;
  /** Impatient turns keep valence at or below this, as the keyword model does, so label and valence agree. */
  impatientValenceMax: number;
}

export const DEFAULT_FUSION_OPTIONS: FusionOptions = {
  textReliability: 1,
  prosodyReliability: 0.8,
  textImpatience: { neutral: 0, positive: 0, negative: 0.3, angry: 0.9, impatient: 0.6 },
  impatientAt: 0.5,
  valencePenalty: 0.3,
  impatientValenceMax: -0.2,
};

export interface FusedEmotion {
  /** 0..1, for the decision layer: shorten, get to the point, or hand over. */
  impatience: number;
  /** -1..1 */
  valence: number;
  label: EmotionLabel;
  /** Which inputs were present: a score from one source is weaker evidence than one from both. */
  sources: { text: boolean; prosody: boolean };
}

const clamp = (v: number, lo: number, hi: number): number => Math.min(hi, Math.max(lo, v));

/**
 * Combines the text emotion of a turn with the prosodic impatience from
 * compareWithBaseline (null until the caller has a baseline). The two are
 * joined as a noisy-OR, 1 − Π(1 − reliability·score): either source alone can
 * show impatience, agreement makes it stronger, and the absence of a keyword
 * (neutral text) does not argue the voice down — most impatient turns say
 * nothing explicit.
 */
export function fuseEmotion(
  text: EmotionResult | null | undefined,
  prosodyImpatience: number | null | undefined,
  o: FusionOptions = DEFAULT_FUSION_OPTIONS,
): FusedEmotion {
  const hasText = text != null;
  const hasProsody = prosodyImpatience != null && Number.isFinite(prosodyImpatience);
  const fromText = hasText ? clamp(o.textImpatience[text.label] * o.textReliability, 0, 1) : 0;
  const voice = hasProsody ? clamp(prosodyImpatience, 0, 1) : 0;
  const fromVoice = clamp(voice * o.prosodyReliability, 0, 1);
  const impatience = 1 - (1 - fromText) * (1 - fromVoice);

  let label: EmotionLabel = text?.label ?? 'neutral';
  if (label !== 'angry' && impatience >= o.impatientAt) label = 'impatient';
  let valence = clamp((text?.valence ?? 0) - o.valencePenalty * voice, -1, 1);
  if (label === 'impatient') valence = Math.min(valence, o.impatientValenceMax);
  return {
    impatience,
    valence,
    label,
    sources: { text: hasText, prosody: hasProsody },
  };
}
