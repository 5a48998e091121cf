/**
 * What the pipeline and the decision layer ask of the language models, per
 * turn. Keyword baselines implement these today; trained models (TensorFlow.js)
 * replace them behind the same interfaces.
 */

/** Telesales intents the keyword baseline knows; trained models bring their own label sets. */
export type Intent = string;

export interface IntentResult {
  intent: Intent;
  /** 0..1 */
  confidence: number;
  /** True when no known intent fits: the bot should say it did not understand. */
  outOfScope: boolean;
}

export const EMOTION_LABELS = ['neutral', 'positive', 'negative', 'angry', 'impatient'] as const;
export type EmotionLabel = (typeof EMOTION_LABELS)[number];

export interface EmotionResult {
  label: EmotionLabel;
  /** Valence, -1 (very negative) .. 1 (very positive). */
  valence: number;
}

export interface ComplianceHit {
  rule: string;
  term: string;
  /** Character offsets of the match in the original text. */
  start: number;
  end: number;
}

/** Facts a customer states that the sales process cares about. */
export interface SlotFacts {
  budget?: string;
  timeline?: string;
  decisionMaker?: string;
  competitor?: string;
  objection?: 'price' | 'timing' | 'trust' | 'need' | 'competitor';
}

export interface TurnModels {
  readonly version: string;
  intent(text: string): IntentResult;
  emotion(text: string): EmotionResult;
  /** Many texts in one forward pass (trained models); same results as calling intent() on each. */
  intentBatch?(texts: readonly string[]): IntentResult[];
  emotionBatch?(texts: readonly string[]): EmotionResult[];
  /** Risky promises by the bot or an agent; customers' words never count. */
  compliance(text: string, speaker: 'customer' | 'bot' | 'agent'): ComplianceHit[];
  slots(text: string): SlotFacts;
}
