import { z } from 'zod';

/**
 * What a logged decision was taken on, and the record of a decision as the
 * off-policy evaluator reads it. One definition for three layers: the
 * decision layer builds the context when it decides (decision/engine), the
 * analytics reader returns the records from the decision log
 * (analytics/records), and the evaluator estimates policies from them
 * (training/off-policy). Nothing personal: tags, coarse CRM categories,
 * a count and an hour.
 */
export const decisionContext = z.strictObject({
  /** Dynamic tags at decision time (config/tags.json), e.g. high_intent, price_sensitive, vip. */
  tags: z.array(z.string().min(1)),
  region: z.string().min(1),
  product_line: z.string().min(1),
  tier: z.string().min(1),
  /** Contact attempts in the last 7 days, before this one. */
  contacts_7d: z.number().int().min(0),
  /** Local hour of day at the customer. */
  hour: z.number().int().min(0).max(23),
});
export type DecisionContext = z.infer<typeof decisionContext>;

export const loggedDecision = z.strictObject({
  decision_id: z.string().min(1).max(128),
  ts: z.iso.datetime({ offset: true }),
  context: decisionContext,
  action: z.string().min(1),
  /** Probability the logging policy gave the action it took; 0 would mean it could not be taken. */
  propensity: z.number().gt(0).max(1),
  /** Converted 0/1, or revenue. */
  reward: z.number().finite(),
  /** Name and version of the logging policy. */
  policy_version: z.string().min(1),
  /**
   * What shares the decision's reward: the call, for the turns of one call
   * (each is rewarded by the call's outcome). Decisions of one group are
   * resampled together in intervals; absent, each stands alone.
   */
  group: z.string().min(1).max(128).optional(),
});
export type LoggedDecision = z.infer<typeof loggedDecision>;
