/** The calls the dialing rules refused or flagged at POST /dialog/turn: their part of the schema. */
export const violationTypeDefs = /* GraphQL */ `
  "A call that broke a dialing rule, once per call and rule."
  type DialingViolation {
    id: ID!
    ts: String!
    callId: ID!
    customerId: ID!
    campaign: String
    "do_not_call, consent_refused, consent_withdrawn, no_consent, frequency_cap, channel_cap or outside_window"
    rule: String!
    "Why, as the contact check said it (the touches counted, the local time, the consent change)."
    detail: String!
    "refused (config/dialing.json enforces the rules) or flagged (it only flags them)"
    mode: String!
  }
  type RuleCount {
    rule: String!
    count: Int!
    refused: Int!
    flagged: Int!
  }
  "An agent's turns that broke the compliance rules (each warned live)."
  type AgentWarningCount {
    "The dialer's agent id; null for turns sent without one."
    agent: String
    turns: Int!
    hits: Int!
    calls: Int!
  }
  extend type Query {
    "Violations in [from, to) (ISO 8601), newest first, at most limit (default 50, held to 1..200); compliance and admin, every read audited."
    dialingViolations(from: DateTime, to: DateTime, limit: Int): [DialingViolation!]!
    "Violations in [from, to) per rule, the most broken first; compliance and admin."
    dialingViolationCounts(from: DateTime, to: DateTime): [RuleCount!]!
    "Agents' turns in [from, to) that broke the compliance rules, per agent, the most warned first; compliance and admin."
    agentWarnings(from: DateTime, to: DateTime): [AgentWarningCount!]!
  }
`;
