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
  input AlertRuleInput {
    id: ID!
    metric: String!
    dimension: String
    threshold: Float
    direction: String
    weeks: Int
    cooldownMinutes: Int
    minVolume: Int
    minZ: Float
    enabled: Boolean
  }
`;
