import { NEGATIVE_INTENTS, POSITIVE_INTENTS, type PropensityFeatures } from './propensity.js';

/**
 * The propensity model's inputs, defined once: training (persuasionforgood
 * dialogues, simulator calls) and the pipeline fold customer turns through
 * the same `observeCustomerTurn` and turn the result into the same vector
 * with `propensityFeatures`, so the model never sees features computed two ways.
 */

/** Saying yes, not only that it sounds interesting: the one intent that separates a sale from interest. */
export const COMMIT_INTENTS: ReadonlySet<string> = new Set(['agree_purchase']);

/**
 * What one call's customer turns have shown so far. The baseline's call
 * fields keep their names and meaning (the enricher's CallState counts the
 * same things), the rest are the trained model's additions.
 */
export interface CallSignals {
  customerTurns: number;
  positiveIntents: number;
  negativeIntents: number;
  commitIntents: number;
  objections: number;
  /** Valence trend, -1..1: each new turn counts half, as the enricher's call.valence. */
  valence: number;
  /** The latest turn's valence: where the call is heading now. */
  lastValence: number;
  /** Talk length of the customer's turns (see talkWords). */
  customerWords: number;
  /** Highest fused impatience heard in this call, 0..1 (0 where there is no voice or cue). */
  peakImpatience: number;
}

/** What the NLU said about one customer turn, as the enricher has it. */
export interface CustomerTurnSignal {
  text: string;
  intent: string;
  valence: number;
  objection?: string | undefined;
  impatience?: number | undefined;
}

/** The customer's history outside this call: the baseline's profile fields. */
export type CustomerHistory = Pick<
  PropensityFeatures,
  'recentPricingVisit' | 'webVisits' | 'priorConversions' | 'complaints'
>;

/** Everything the model reads; a superset of the baseline's PropensityFeatures. */
export type PropensityInputs = CallSignals & CustomerHistory;

export const NO_HISTORY: CustomerHistory = {
  recentPricingVisit: false,
  webVisits: 0,
  priorConversions: 0,
  complaints: 0,
};

export const newCallSignals = (): CallSignals => ({
  customerTurns: 0,
  positiveIntents: 0,
  negativeIntents: 0,
  commitIntents: 0,
  objections: 0,
  valence: 0,
  lastValence: 0,
  customerWords: 0,
  peakImpatience: 0,
});

/**
 * Words, counting a Han character as 0.6 of one (Chinese words average about
 * 1.7 characters) so Chinese and English calls of equal length score alike.
 */
export function talkWords(text: string): number {
  const han = text.match(/\p{Script=Han}/gu)?.length ?? 0;
  const other = text.replace(/\p{Script=Han}/gu, ' ').match(/[\p{L}\p{N}]+/gu)?.length ?? 0;
  return other + 0.6 * han;
}

/** Folds one customer turn into the call's signals (mutates and returns `s`). */
export function observeCustomerTurn(s: CallSignals, t: CustomerTurnSignal): CallSignals {
  s.valence = s.customerTurns === 0 ? t.valence : (s.valence + t.valence) / 2;
  s.lastValence = t.valence;
  s.customerTurns += 1;
  s.positiveIntents += POSITIVE_INTENTS.has(t.intent) ? 1 : 0;
  s.negativeIntents += NEGATIVE_INTENTS.has(t.intent) ? 1 : 0;
  s.commitIntents += COMMIT_INTENTS.has(t.intent) ? 1 : 0;
  s.objections += t.objection ? 1 : 0;
  s.customerWords += talkWords(t.text);
  s.peakImpatience = Math.max(s.peakImpatience, t.impatience ?? 0);
  return s;
}

/**
 * Names of the vector's entries, in order; a saved model lists the names it
 * was trained on and is refused when they differ. Counts enter as log(1 + n):
 * the first objection says more than the fifth.
 */
export const PROPENSITY_FEATURES = [
  'log_positive_intents',
  'log_negative_intents',
  'log_commit_intents',
  'log_objections',
  'valence_trend',
  'last_valence',
  'log_customer_turns',
  'log_words_per_turn',
  'peak_impatience',
  'recent_pricing_visit',
  'log_web_visits',
  'prior_conversions',
  'complaints',
] as const;
export type PropensityFeatureName = (typeof PROPENSITY_FEATURES)[number];

const clamp = (v: number, lo: number, hi: number): number => Math.min(hi, Math.max(lo, v));
const log1p = (n: number): number => Math.log1p(Math.max(0, n));

/** The raw (unscaled) feature vector; every entry finite whatever the inputs. */
export function propensityFeatures(x: PropensityInputs): number[] {
  const byName: Record<PropensityFeatureName, number> = {
    log_positive_intents: log1p(x.positiveIntents),
    log_negative_intents: log1p(x.negativeIntents),
    log_commit_intents: log1p(x.commitIntents),
    log_objections: log1p(x.objections),
    valence_trend: clamp(x.valence, -1, 1),
    last_valence: clamp(x.lastValence, -1, 1),
    log_customer_turns: log1p(x.customerTurns),
    log_words_per_turn: x.customerTurns > 0 ? log1p(x.customerWords / x.customerTurns) : 0,
    peak_impatience: clamp(x.peakImpatience, 0, 1),
    recent_pricing_visit: x.recentPricingVisit ? 1 : 0,
    log_web_visits: log1p(x.webVisits),
    // Capped as in the baseline: a third past sale or a second complaint adds little.
    prior_conversions: clamp(x.priorConversions, 0, 2),
    complaints: clamp(x.complaints, 0, 1),
  };
  return PROPENSITY_FEATURES.map((n) => (Number.isFinite(byName[n]) ? byName[n] : 0));
}
