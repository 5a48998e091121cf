/** A call's timeline beyond its words (CallTranscript): the decisions taken and the recording. */
export const timelineTypeDefs = /* GraphQL */ `
  "What the decision layer did at a moment of the call, and why; blocked names the rule that held the bot's line back."
  type TimelineDecision {
    ts: String!
    state: String!
    action: String!
    reason: String!
    blocked: String
    scriptVersion: String!
  }
  "A call's stored recording (GET /calls/{callId}/recording plays it; that read is audited too)."
  type Recording {
    contentType: String!
    bytes: Int!
    durationS: Float
    startedAt: String
    storedAt: String!
  }
`;
