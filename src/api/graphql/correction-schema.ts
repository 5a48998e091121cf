/** Agents' corrections of what the bot heard, turn by turn: their part of the schema. */
export const correctionTypeDefs = /* GraphQL */ `
  "What a correction may say: the served intent model's labels and the slots the slot extractor knows."
  type CorrectionVocabulary {
    intents: [String!]!
    slots: [String!]!
  }
  "A slot and its value; a null value: the customer never said it."
  type SlotValue {
    name: String!
    value: String
  }
  input SlotInput {
    name: Slot!
    "What the customer said; null or absent: they never said it (the slot was misheard)."
    value: String
  }
  "A stored call an agent may open to correct: ids, time and counts, no words."
  type CallToCorrect {
    callId: ID!
    startedAt: String
    campaign: String
    customerTurns: Int!
    corrections: Int!
  }
  "A stored turn as the pipeline heard and understood it (slots: as the extractor hears the text)."
  type HeardTurn {
    turn: Int!
    speaker: String!
    text: String!
    ts: String!
    intent: String
    slots: [SlotValue!]!
  }
  "A correction beside what the pipeline had heard: who, when, original and corrected."
  type Correction {
    eventId: ID!
    callId: ID!
    turn: Int!
    submittedBy: String!
    submittedAt: String!
    originalText: String
    originalIntent: String
    originalSlots: [SlotValue!]!
    "null: the text was not corrected"
    correctedText: String
    "null: the intent was not corrected"
    correctedIntent: String
    correctedSlots: [SlotValue!]!
  }
  "A call to correct: its turns and its corrections, newest first."
  type CorrectionCall {
    callId: ID!
    startedAt: String
    campaign: String
    turns: [HeardTurn!]!
    corrections: [Correction!]!
  }
  "A corrected turn as the next retrain learns it: its text (corrected, else as heard) and intent."
  type RetrainCorrection {
    callId: ID!
    turn: Int!
    text: String!
    label: String!
    "Kept with the record; nothing trains on slots yet (the extractor is rules)."
    slots: [SlotValue!]!
    submittedBy: [String!]!
    submittedAt: String!
  }
  type RetrainCorrections {
    "Corrected turns the next retrain's intent training set takes."
    used: Int!
    "Corrected turns it leaves out: no intent was corrected (text or slots only)."
    skipped: Int!
    "The latest records, newest first."
    records: [RetrainCorrection!]!
  }
  extend type Query {
    "What a correction may say; agent, compliance and admin."
    correctionVocabulary: CorrectionVocabulary!
    "The latest calls with customer turns, newest first; limit held to 1..100 (default 20); agent, compliance and admin."
    callsToCorrect(limit: Int): [CallToCorrect!]!
    "A call's turns and corrections; null when there is no such call; agent, compliance and admin, every read audited."
    correctionCall(callId: ID!): CorrectionCall
    "The corrections the next retrain will use; limit held to 1..200 (default 50); agent, compliance and admin, audited."
    nextRetrainCorrections(limit: Int): RetrainCorrections!
  }
  extend type Mutation {
    "Corrects a customer turn of a stored call (text, intent, slots: at least one), as the signed-in key; through the pipeline like any event. Labels outside correctionVocabulary are refused; null when the call has no such customer turn (or this key may not see it); agent, compliance and admin."
    submitCorrection(
      callId: ID!
      turn: Int!
      text: String
      intent: String
      slots: [SlotInput!]
    ): Correction
  }
`;
