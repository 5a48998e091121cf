/**
 * Baseline purchase-propensity score until the trained model (training/)
 * replaces it: a logistic function of what the call and the customer's
 * history show. Weights are set by hand from sales practice, not learned.
 */
export interface PropensityFeatures {
  positiveIntents: number;
  negativeIntents: number;
  objections: number;
  /** Emotion valence trend, -1..1. */
  valence: number;
  customerTurns: number;
  recentPricingVisit: boolean;
  webVisits: number;
  priorConversions: number;
  complaints: number;
}

const sigmoid = (x: number): number => 1 / (1 + Math.exp(-x));

export function baselinePropensity(f: PropensityFeatures): number {
  const x =
    -1.6 +
    0.55 * Math.min(f.positiveIntents, 5) -
    0.7 * Math.min(f.negativeIntents, 5) -
    0.25 * Math.min(f.objections, 5) +
    0.8 * f.valence +
    0.05 * Math.min(f.customerTurns, 10) +
    (f.recentPricingVisit ? 0.6 : 0) +
    0.1 * Math.min(f.webVisits, 5) +
    0.5 * Math.min(f.priorConversions, 2) -
    1.5 * Math.min(f.complaints, 1);
  return Math.round(sigmoid(x) * 1000) / 1000;
}

export const POSITIVE_INTENTS = new Set([
  'interested',
  'agree_purchase',
  'ask_price',
  'ask_details',
  'ask_materials',
  'ask_meeting',
  'request_callback',
  'ask_discount',
  'ask_terms',
  'inform_budget',
]);
export const NEGATIVE_INTENTS = new Set([
  'not_interested',
  'objection_no_need',
  'complaint',
  'opt_out',
  'deny_identity',
]);
