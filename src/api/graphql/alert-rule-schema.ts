/** The deviation alert rules (what `analytics/alerts` validates): their part of the schema. */
export const alertRuleTypeDefs = /* GraphQL */ `
  type AlertRule {
    id: ID!
    metric: String!
    dimension: String
    threshold: Float!
    direction: String!
    weeks: Int!
    cooldownMinutes: Int!
    minVolume: Int!
    "A rate fires only this many standard errors off its baseline."
    minZ: Float!
    enabled: Boolean!
  }
  "A rule to save; absent fields take their defaults (threshold 0.2, direction both, weeks 4, cooldownMinutes 60, minVolume 20, minZ 4)."
  input AlertRuleInput {
    id: Name!
    metric: AlertMetric!
    dimension: AlertDimension
    threshold: PositiveFloat
    direction: AlertDirection
    weeks: PositiveInt
    cooldownMinutes: NonNegativeInt
    minVolume: NonNegativeInt
    minZ: NonNegativeFloat
    enabled: Boolean
  }
`;
