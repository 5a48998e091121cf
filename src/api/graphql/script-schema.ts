/**
 * Script authoring's part of the schema (resolvers: script-resolvers.ts).
 * Its enums are written out, not taken from decision/ (the dashboard's type
 * generator loads this file alone): a unit test holds them to
 * DRAFT_STATUSES, LINE_FIELDS and CHANGE_KINDS.
 */
export const scriptTypeDefs = /* GraphQL */ `
  "A draft's state: pending review, approved (rolled out) or rejected."
  enum ScriptDraftStatus {
    pending
    approved
    rejected
  }
  "A line of a node: its safe line, a variant's text or concise text; segment: whom a variant is said to."
  enum ScriptField {
    safe
    text
    concise
    segment
  }
  enum ScriptChangeKind {
    added
    removed
    changed
  }
  "Wording that says the same within the rules, in Chinese and English (config/compliance.json say_instead)."
  type CompliantWording {
    zh: String!
    en: String!
  }
  "What the compliance rules refuse in a line: the rule, the words and where they are, and what to say instead."
  type ScriptLineHit {
    rule: String!
    term: String!
    start: Int!
    end: Int!
    sayInstead: CompliantWording!
  }
  "A script library version loaded in the decision layer."
  type ScriptVersion {
    version: String!
    "What new calls start on."
    current: Boolean!
    "The whole library as JSON text (config/scripts.json's format)."
    library: String!
  }
  "A line added, removed or changed between two versions."
  type ScriptChange {
    node: String!
    "null for the node's safe line."
    variant: String
    field: ScriptField!
    change: ScriptChangeKind!
    before: String
    after: String
  }
  "A script version proposed for review; someone other than its author approves (it then goes live) or rejects it."
  type ScriptDraft {
    id: ID!
    version: String!
    "The version current when it was proposed."
    baseVersion: String!
    proposedBy: String!
    proposedAt: DateTime!
    status: ScriptDraftStatus!
    reviewedBy: String
    reviewedAt: DateTime
    "Why it was rejected."
    reason: String
    "The whole library as JSON text."
    library: String!
    "What it changes from its base version (or the current one, if that is no longer loaded)."
    changes: [ScriptChange!]!
  }
  extend type Query {
    "The script versions loaded, the current one first; analysts, compliance and admin."
    scriptVersions: [ScriptVersion!]!
    "Drafts, newest first (at most 50), of one status or all; analysts, compliance and admin."
    scriptDrafts(status: ScriptDraftStatus): [ScriptDraft!]!
    "The lines changed from one loaded version to another; null when either is not loaded."
    scriptDiff(from: String!, to: String!): [ScriptChange!]
    "One line through the compliance rules the bot's lines pass (empty: allowed); analysts, compliance and admin."
    scriptLineCheck(text: String!): [ScriptLineHit!]!
  }
  extend type Mutation {
    "Proposes a library (JSON text) for review: every line must pass the compliance rules, its version be new; analyst or admin."
    proposeScripts(library: String!): ScriptDraft!
    "Approves a draft someone else proposed and rolls it out to new calls; compliance or admin; null when there is no such draft."
    approveScripts(id: ID!): ScriptDraft
    "Rejects a draft someone else proposed, saying why; compliance or admin; null when there is no such draft."
    rejectScripts(id: ID!, reason: String!): ScriptDraft
    "Makes a loaded version current again for new calls (a rollback); compliance or admin; null when it is not loaded."
    rollBackScripts(version: String!): String
  }
`;
