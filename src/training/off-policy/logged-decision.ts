import { z } from 'zod';

/**
 * What a decision (script version, routing target) was taken on, and the
 * record a stochastic policy's decision is logged as: the input of the
 * off-policy evaluator. The live decision log writes its own rows today
 * (decision/decision-log.ts); issue 17 has it log these.
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

export type Action = string;

/** Probability per action; an action left out has probability 0. Sums to 1. */
export type ActionProbs = Readonly<Record<Action, number>>;

/**
 * A stochastic policy. `probs` must be the distribution the action is really
 * drawn from: its value for the taken action is the propensity that makes
 * off-policy evaluation possible later.
 */
export interface Policy {
  readonly name: string;
  probs(context: DecisionContext): ActionProbs;
}

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
});
export type LoggedDecision = z.infer<typeof loggedDecision>;
