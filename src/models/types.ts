import type { OptOut } from './opt-out/index.js';
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

/** A budget as numbers: whole yuan or dollars, per period; min === max for an exact amount. */
export interface BudgetRange {
  min: number;
  max: number;
  period: 'once' | 'month' | 'year';
  currency: 'CNY' | 'USD';
}

/** When to call back: ISO-8601 UTC instants; from === to for a point in time. */
export interface CallbackWindow {
  from: string;
  to: string;
}

export type Channel = 'wechat' | 'email' | 'sms' | 'phone';

/** Facts a customer states that the sales process cares about. */
export interface SlotFacts {
  /** The amount as heard (二十万, $50k). */
  budget?: string;
  budgetRange?: BudgetRange;
  /** The time phrase as heard (下个月, next month). */
  timeline?: string;
  /** Only with a SlotContext: the callback time the utterance names. */
  callbackAt?: CallbackWindow;
  /** 'self', a role ('boss', 'spouse', …), or 'other' when no role is named. */
  decisionMaker?: string;
  competitor?: string;
  objection?: 'price' | 'timing' | 'trust' | 'need' | 'competitor';
  channel?: Channel;
}

/** The slots that are not plain strings. */
export type StructuredSlot = 'budgetRange' | 'callbackAt';

/** The slots held as plain strings: the ones an agent may correct. */
export type CorrectableSlot = Exclude<keyof SlotFacts, StructuredSlot>;

// Exhaustive: a new plain slot does not compile until it is listed (the
// structured ones follow from their text: a budget's range from the budget).
const PLAIN_SLOTS: Record<CorrectableSlot, true> = {
  budget: true,
  timeline: true,
  decisionMaker: true,
  competitor: true,
  objection: true,
  channel: true,
};
export const CORRECTABLE_SLOTS = Object.keys(PLAIN_SLOTS) as readonly CorrectableSlot[];

/** What relative times are resolved against: the turn's instant and the customer's zone. */
export interface SlotContext {
  nowMs: number;
  /** IANA zone; 'Asia/Shanghai' when absent. */
  timeZone?: string;
}

export interface TurnModels {
  readonly version: string;
  /** The labels the intent model predicts: the trained model's own, the taxonomy's for the keyword rules. */
  readonly intentLabels: readonly string[];
  intent(text: string): IntentResult;
  emotion(text: string): EmotionResult;
  /** Many texts in one forward pass (trained models); same results as calling intent() on each. */
  intentBatch?(texts: readonly string[]): IntentResult[];
  emotionBatch?(texts: readonly string[]): EmotionResult[];
  /** Risky promises by the bot or an agent; customers' words never count. */
  compliance(text: string, speaker: 'customer' | 'bot' | 'agent'): ComplianceHit[];
  /** callbackAt is filled only when ctx is given. */
  slots(text: string, ctx?: SlotContext): SlotFacts;
  /** The opt-out signal of a customer turn, or an agent's record of one (rules: auditable, like compliance). */
  optOut(text: string, speaker: 'customer' | 'agent'): OptOut;
  /** Customer turns' opt-outs in one forward pass (trained models); same results as optOut() on each. */
  optOutBatch?(texts: readonly string[]): OptOut[];
  /** Drops the texts the models remember having heard (a customer's erasure). */
  forget?(): void;
}
