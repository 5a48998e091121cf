/**
 * Off-policy evaluation: how a script or routing policy that was never
 * deployed would have done, estimated from decisions logged under another
 * policy with their propensities (IPS, SNIPS, DM, DR with intervals).
 *
 * Reached from the live decision log: `dialwise evaluate-policy` and the
 * GraphQL policyEvaluation read the logged decisions of a script node
 * (analytics/records loggedDecisions) and evaluate a policy file
 * (policy-file.ts, docs/off-policy.md) over them (policy-report.ts); and
 * from bench/off-policy.ts, which measures the estimators on simulated logs.
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
export { parsePolicyFile, policyFileSchema, policyOf, type PolicyFile } from './policy-file.js';
export { policyReport, REPORTED, type PolicyReport } from './policy-report.js';
export { fitBucketRewardModel, type RewardModel } from './reward-model.js';
