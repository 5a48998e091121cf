import { DIMENSIONS } from '../../analytics/kpis/index.js';
import { AREA_TYPE_DEFS } from './area-schemas.js';
import { ENUM_TYPE_DEFS } from './enums.js';
import { scalarTypeDefs } from './scalars.js';

/** The GraphQL schema: what the dashboard, and anyone with an API key and a role, may ask. */
export const typeDefs = /* GraphQL */ `
  ${scalarTypeDefs}
  ${ENUM_TYPE_DEFS}
  enum Dimension { ${Object.keys(DIMENSIONS).join(' ')} }
  enum Bucket { HOUR DAY }
  type Principal {
    name: String!
    role: String!
    "The campaigns this key sees; null: every campaign."
    campaigns: [String!]
  }
  "Keep only calls with these dimension values (each optional)."
  input KpiWhere {
    region: String
    productLine: String
    scriptVersion: String
    campaign: String
    handledBy: String
  }
  type KpiRow {
    "The dimension value ('all' without a dimension)."
    key: String!
    "Start of the hour or day (ISO 8601) in a trend; null otherwise."
    at: String
    "Dials placed (calls started)."
    calls: Int!
    answered: Int!
    conversions: Int!
    complaints: Int!
    transfers: Int!
    "Picked up, then dropped with nobody free."
    abandoned: Int!
    "answered / calls, 0..1"
    connectRate: Float!
    "conversions / calls, 0..1"
    conversionRate: Float!
    "complaints / answered, 0..1"
    complaintRate: Float!
    "transfers to a human / answered, 0..1"
    transferRate: Float!
    "abandoned / (answered + abandoned), 0..1"
    abandonRate: Float!
    "mean duration of answered calls, seconds"
    avgTalkSeconds: Float!
    "calls / distinct customers"
    contactsPerCustomer: Float!
    "customers counted over a 1-in-16 sample (large data)"
    customersSampled: Boolean!
    "bot and agent minutes at their per-minute cost, per conversion"
    costPerConversion: Float!
  }
  "Of the touches sent on one channel in a range: delivered, replied to, opt-outs by reply."
  type TouchChannelRow {
    "call, sms, wechat or email"
    channel: String!
    "touches sent (once per touch id; calls placed are the dials of kpis)"
    sent: Int!
    delivered: Int!
    "delivered / sent, 0..1"
    deliveryRate: Float!
    replied: Int!
    "replied / sent, 0..1"
    replyRate: Float!
    "replies that withdrew consent (TD, 退订)"
    optOuts: Int!
  }
  type Totals {
    calls: Int!
    answered: Int!
    conversions: Int!
    conversionRate: Float!
    eventsIngested: Int!
    deadLetters: Int!
  }
  type Field { key: String! value: String }
  type Count { key: String! count: Int! }
  "Consent on a channel for a purpose, as the ledger reads now (changes on all channels or purposes included)."
  type Consent {
    "call, sms, wechat or email"
    scope: String!
    "marketing or service"
    purpose: String!
    "granted, refused or withdrawn (a refusal after a grant); unknown ones are not listed"
    state: String!
    granted: Boolean!
    "When the deciding change was made."
    at: String
  }
  "A recorded consent change and what proves it."
  type ConsentChange {
    scope: String!
    "marketing or service; null: every purpose"
    purpose: String
    granted: Boolean!
    at: String!
    "call_turn, agent, api, web_form, sms_reply, wechat_reply, email_reply, unsubscribe_link, customer_page or crm_import"
    source: String
    callId: String
    "The event (a dialog turn) that carried the change."
    eventId: String
    "The phrase heard as the change."
    cue: String
    "The utterance, sealed at rest: compliance and admin only, audited; null for other roles."
    text: String
  }
  type CallSummary {
    callId: ID!
    startedAt: String
    campaign: String
    productLine: String
    scriptVersion: String
    handledBy: String
    answered: Boolean
    outcome: String
    durationSeconds: Float
    intentScore: Float
    complianceHits: Int!
  }
  "The live 360° profile. Phone masked for everyone; full name and phone only for compliance and admin (audited)."
  type Customer {
    customerId: ID!
    phoneMasked: String
    "compliance and admin only, audited; null for other roles"
    phone: String
    "compliance and admin only, audited; null for other roles"
    name: String
    tags: [String!]!
    intentScore: Float!
    calls: Int!
    answered: Int!
    "Marketing touches of every channel (calls, SMS, WeChat, email) in the last 7 days: what the weekly cap counts."
    contacts7d: Int!
    lastCallAt: String
    webVisits: Int!
    lastVisitAt: String
    crm: [Field!]!
    "CRM columns no mapping knew that hold nothing personal (personal ones are under personal)."
    crmUnmapped: [Field!]!
    "Personal data beyond name and phone (e-mail, ID number, WeChat, address, personal unmapped columns): masked, whole for compliance and admin (audited)."
    personal: [PersonalField!]!
    consent: [Consent!]!
    "Consent changes with their evidence, newest first (at most 50)."
    consentChanges: [ConsentChange!]!
    intents: [Count!]!
    objections: [Count!]!
    facts: [Field!]!
    valence: Float!
    openCalls: Int!
    "The customer's latest calls, newest first (at most 20)."
    recentCalls: [CallSummary!]!
  }
  type PersonalField {
    key: String!
    "name, phone, email, id_number, wechat or address"
    kind: String!
    value: String!
  }
  "An API key as admins see it (the key itself is shown once, when created)."
  type ApiKey {
    name: String!
    role: String!
    createdAt: String!
    createdBy: String
    expiresAt: String
    revokedAt: String
    "null: every campaign."
    campaigns: [String!]
  }
  type NewApiKey {
    name: String!
    role: String!
    createdAt: String!
    createdBy: String
    expiresAt: String
    revokedAt: String
    campaigns: [String!]
    "The key: shown this once, stored only as a hash."
    key: String!
  }
  type CustomerListItem {
    customerId: ID!
    intentScore: Float!
    tags: [String!]!
    calls: Int!
    lastCallAt: String
  }
  type CustomerPage { customers: [CustomerListItem!]! nextCursor: String }
  type TurnLine { speaker: String! text: String! }
  "A call the bot is on, as GET /dialog/context returns it: dialer, compliance and admin, every read audited."
  type DialogContext {
    callId: ID!
    customerId: ID!
    state: String!
    customerTurns: Int!
    intentScore: Float!
    scriptVersion: String!
    slots: [Field!]!
    lastTurns: [TurnLine!]!
    handoffQueue: String
    handoffAgent: String
    handoffSummary: String
    fallback: String
  }
  type DialTarget { customerId: ID! score: Float! pAnswer: Float! intentScore: Float! }
  "A script variant in its experiment: conversion, probability to be best, uplift vs the control."
  type VariantStats {
    variant: String!
    trials: Int!
    conversions: Int!
    rate: Float!
    pBest: Float!
    uplift: Float!
    upliftLo95: Float!
    upliftHi95: Float!
    stopped: Boolean!
  }
  "An experiment: a live bandit of the decision layer (per script node and segment), or the script versions compared over the calls."
  type Experiment {
    id: ID!
    "decision (live Thompson sampling) or calls (script versions over stored calls)"
    source: String!
    node: String!
    segment: String!
    trials: Int!
    "The variant most likely best, once any has trials."
    leader: String
    variants: [VariantStats!]!
  }
  type Highlight { start: Int! end: Int! }
  type TranscriptHit {
    callId: ID!
    customerId: ID!
    turn: Int!
    speaker: String!
    ts: String!
    text: String!
    highlights: [Highlight!]!
  }
  type TranscriptPage { hits: [TranscriptHit!]! nextCursor: String total: Int }
  type ComplianceHit {
    turn: Int
    speaker: String!
    rule: String!
    term: String!
    start: Int!
    end: Int!
    ts: String!
  }
  "A call with compliance hits; risk = 3 per hit in our own words (bot or agent) + 1 per hit in the customer's + 5 if it ended in a complaint."
  type FlaggedCall {
    callId: ID!
    customerId: ID!
    startedAt: String
    region: String
    productLine: String
    campaign: String
    scriptVersion: String
    handledBy: String
    outcome: String
    hits: Int!
    risk: Float!
    rules: [String!]!
  }
  type FlaggedCallPage { calls: [FlaggedCall!]! nextCursor: String total: Int }
  type TranscriptTurn {
    turn: Int!
    speaker: String!
    text: String!
    ts: String!
    intent: String
    emotion: String
    "Where compliance rules hit in this turn's text."
    highlights: [Highlight!]!
    "Seconds into the call's recording where the turn begins (null: no recording)."
    offsetS: Float
  }
  "A whole call as said, with its compliance hits, decisions, handoff and recording: compliance and admin only, every read audited."
  type CallTranscript {
    callId: ID!
    customerId: ID!
    startedAt: String
    outcome: String
    "The queue a human took the call over in, if one did."
    transferredQueue: String
    turns: [TranscriptTurn!]!
    hits: [ComplianceHit!]!
    decisions: [TimelineDecision!]!
    recording: Recording
  }
  "A metric off its baseline for one dimension value (key 'all': overall)."
  type Alert {
    ruleId: ID!
    key: String!
    status: String!
    metric: String!
    dimension: String
    value: Float!
    baseline: Float!
    deviation: Float!
    threshold: Float!
    firedAt: String
    updatedAt: String
    "Pass as 'after' for the next page."
    cursor: String!
  }
  type ModelVersion {
    model: String!
    version: Int!
    created: String!
    "champion, challenger"
    aliases: [String!]!
    "The version this process serves now."
    served: Boolean!
    parent: Int
    dataSha256: String!
    metrics: [Field!]!
    mlflowRunUrl: String
  }
  type Subscription {
    "The totals now, then again whenever new data is committed (checked every second): live KPI cards over SSE."
    totals: Totals!
    "kpis(...) now, then again after each commit."
    kpis(by: Dimension, from: DateTime, to: DateTime, where: KpiWhere, timeZone: TimeZone): [KpiRow!]!
    "alerts(...) now, then again after each commit."
    alerts(status: AlertStatus, limit: Int): [Alert!]!
  }
  type Mutation {
    "Issues a key (replacing that name's key), admin only; expiresAt (ISO 8601) or expiresInDays; campaigns: the campaigns the key may see (not for admin), absent: every campaign."
    createApiKey(
      name: Name!
      role: Role!
      expiresAt: DateTime
      expiresInDays: PositiveFloat
      campaigns: [Name!]
    ): NewApiKey!
    "Revokes a key at once, admin only; null when no key has that name."
    revokeApiKey(name: Name!): ApiKey
    saveAlertRule(rule: AlertRuleInput!): AlertRule!
    "Acknowledges the open alert of a rule and key; null when there is none."
    acknowledgeAlert(ruleId: ID!, key: String!): Alert
    "Grants or revokes consent (scope call, sms, wechat, email or all; purpose marketing or service, absent: both); compliance and admin; binds the next check."
    setConsent(customerId: CustomerId!, scope: ConsentScope!, granted: Boolean!, purpose: Purpose): [Consent!]!
  }
  type Query {
    me: Principal!
    "Newest first; page with limit (default 50, held to 1..200) and after (a cursor)."
    alerts(status: AlertStatus, limit: Int, after: Cursor): [Alert!]!
    alertRules: [AlertRule!]!
    "Keyword search over transcripts (Chinese and English), newest first; limit held to 1..100; compliance and admin only, every search audited."
    transcripts(
      text: SearchText!
      speaker: Speaker
      from: DateTime
      to: DateTime
      limit: Int
      after: Cursor
    ): TranscriptPage!
    "Calls with compliance hits, riskiest first; minRisk held to 0..1,000,000, limit to 1..100; compliance and admin only."
    flaggedCalls(from: DateTime, to: DateTime, minRisk: Float, limit: Int, after: Cursor): FlaggedCallPage!
    callTranscript(callId: ID!): CallTranscript
    customer(id: ID!): Customer
    "A customer by phone number (compliance and admin; matched by keyed hash, audited); null when none has it, or when it is not a phone number (digits, spaces, +, - and parentheses)."
    customerByPhone(phone: String!): Customer
    "Customers by intent score, highest first; optionally only those with a tag; limit held to 1..100."
    customers(tag: String, limit: Int, after: Cursor): CustomerPage!
    "Calls started in [from, to), either end open; by: null gives one row 'all'; by HOUR: the hour of day in timeZone (default: the reporting zone, DIALWISE_REPORTING_TIME_ZONE)."
    kpis(by: Dimension, from: DateTime, to: DateTime, where: KpiWhere, timeZone: TimeZone): [KpiRow!]!
    "Every KPI per hour or day, oldest first, optionally per dimension value; a day starts at midnight in timeZone (default: the reporting zone)."
    kpiTrend(bucket: Bucket!, by: Dimension, from: DateTime, to: DateTime, where: KpiWhere, timeZone: TimeZone): [KpiRow!]!
    totals: Totals!
    "Touches sent in [from, to) (to: now; a range longer than 400 days is cut to the 400 days before to; from after to: nothing) per channel, every channel, optionally of one campaign."
    touchesByChannel(from: DateTime!, to: DateTime, campaign: String): [TouchChannelRow!]!
    "Live script experiments and the script versions compared over the calls in [from, to)."
    experiments(from: DateTime, to: DateTime): [Experiment!]!
    "Model versions in the registry with their metrics and aliases."
    models: [ModelVersion!]!
    dialogContext(callId: ID!): DialogContext
    "Whom to call now for a campaign (its contact policy); a campaign-scoped key names one of its own, or has only one."
    dialerNext(limit: Int = 20, campaignId: String): [DialTarget!]!
    experiment(node: String!, segment: String = "none"): [VariantStats!]!
    "Every API key (never the keys themselves), admin only."
    apiKeys: [ApiKey!]!
  }
${AREA_TYPE_DEFS}`;
