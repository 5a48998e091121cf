import type { DecisionContext } from '../../core/logged-decision.js';

/**
 * The context a decision was taken on and the logged record the evaluator
 * reads are defined once in core (core/logged-decision.ts), where the
 * decision layer that writes them and the analytics that read them back
 * also find them; the policies over them are the evaluator's own.
 */
export {
  decisionContext,
  loggedDecision,
  type DecisionContext,
  type LoggedDecision,
} from '../../core/logged-decision.js';

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
