/** The SDL of the off-policy evaluation (schema.ts takes it in; resolvers: policy-resolvers.ts). */
export const policyTypeDefs = /* GraphQL */ `
  "One estimator's value of the candidate policy (mean reward per decision) and its interval."
  type PolicyEstimate {
    "ips, snips or dr"
    estimator: String!
    value: Float!
    "Percentile bootstrap interval at the evaluation's level."
    lo: Float!
    hi: Float!
  }
  "A script policy estimated on the logged decisions of its node, beside what the logged policy achieved."
  type PolicyEvaluation {
    policy: String!
    node: String!
    "Logged decisions of the node with an outcome in the range."
    n: Int!
    "Interval coverage (0.95)."
    level: Float!
    "The script versions the decisions were logged under."
    loggedPolicies: [String!]!
    "Conversion observed under the logged policy, with its normal interval."
    loggedValue: Float!
    loggedLo: Float!
    loggedHi: Float!
    "Empty when support is missing."
    estimates: [PolicyEstimate!]!
    "Effective sample size of the importance weights; null when support is missing."
    ess: Float
    "Why the log cannot estimate this policy (a variant it gives probability the log never took); null when it can."
    support: String
  }
  extend type Query {
    "A script policy (JSON text, docs/off-policy.md) evaluated on the decisions logged in [from, to) (ISO 8601); analysts, unscoped keys only."
    policyEvaluation(policy: String!, from: DateTime!, to: DateTime!): PolicyEvaluation!
  }
`;
