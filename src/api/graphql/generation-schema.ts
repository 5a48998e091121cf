/** Generated replies (config/generation.json): their part of the schema. */
export const generationTypeDefs = /* GraphQL */ `
  "Why the template was said instead of a generated line, and how often."
  type GenerationFallback {
    "off_topic, timeout, failed, truncated, or gate:<rule> (empty, compliance, evasion, invented_number, role_confusion, too_long)"
    cause: String!
    count: Int!
  }
  "What generated lines came to in a range, and their tokens."
  type GenerationStats {
    "Calls with a turn decided in the range."
    calls: Int!
    "Turns whose line the policy let generate."
    asked: Int!
    "Generated lines spoken."
    spoken: Int!
    fallbacks: [GenerationFallback!]!
    tokens: Int!
    tokensPerCall: Float!
  }
  extend type Query {
    "Generated lines in [from, to) (ISO 8601): spoken, fallbacks by cause, tokens per call; analysts."
    generationStats(from: DateTime, to: DateTime): GenerationStats!
  }
`;
