/**
 * Off-policy evaluation: how a script or routing policy that was never
 * deployed would have done, estimated from decisions logged under another
 * policy with their propensities (IPS, SNIPS, DM, DR with intervals).
 *
 * Reached only from bench/ (bench/off-policy.ts) and its tests today: the
 * live decision log does not record propensities in this form yet. The
 * closed-loop issue (17) wires it to the live decision log, which is why it
 * stays in src/ rather than bench/lib/.
 */
export { ESTIMATORS, type EstimatorName, type Interval } from './estimator-intervals.js';
export type { WeightStats } from './estimator-terms.js';
export {
  decisionContext,
  loggedDecision,
  type Action,
  type ActionProbs,
  type DecisionContext,
  type LoggedDecision,
  type Policy,
} from './logged-decision.js';
export { deterministic, epsilonGreedy, softmax, uniform } from './logging-policy.js';
export {
  comparePolicies,
  evaluatePolicy,
  type ComparisonRow,
  type Estimate,
  type OffPolicyOptions,
  type PolicyEvaluation,
} from './policy-evaluation.js';
export { SupportViolationError } from './policy-support.js';
export { fitBucketRewardModel, type RewardModel } from './reward-model.js';
