// Shapes of what the dashboard reads, mirroring src/api/graphql-schema.ts (the contract).

export type Dimension =
  'REGION' | 'PRODUCT_LINE' | 'SCRIPT_VERSION' | 'CAMPAIGN' | 'HANDLED_BY' | 'HOUR' | 'DAY';
export type FilterDimension = Exclude<Dimension, 'HOUR' | 'DAY'>;
export type Bucket = 'HOUR' | 'DAY';

export interface Principal {
  name: string;
  role: string;
}

/** The `KpiWhere` input: keep only calls with these values. */
export interface KpiWhere {
  region?: string;
  productLine?: string;
  scriptVersion?: string;
  campaign?: string;
  handledBy?: string;
}

export interface KpiRow {
  key: string;
  at?: string | null;
  calls: number;
  answered: number;
  conversions: number;
  complaints: number;
  transfers: number;
  abandoned: number;
  connectRate: number;
  conversionRate: number;
  complaintRate: number;
  transferRate: number;
  abandonRate: number;
  avgTalkSeconds: number;
  contactsPerCustomer: number;
  customersSampled: boolean;
  costPerConversion: number;
}

export interface Totals {
  calls: number;
  answered: number;
  conversions: number;
  conversionRate: number;
  eventsIngested: number;
  deadLetters: number;
}

export interface Field {
  key: string;
  value: string | null;
}
export interface Count {
  key: string;
  count: number;
}
export interface Consent {
  scope: string;
  granted: boolean;
}

export interface CallSummary {
  callId: string;
  startedAt: string | null;
  campaign: string | null;
  productLine: string | null;
  scriptVersion: string | null;
  handledBy: string | null;
  answered: boolean | null;
  outcome: string | null;
  durationSeconds: number | null;
  intentScore: number | null;
  complianceHits: number;
}

export interface Customer {
  customerId: string;
  phoneMasked: string | null;
  phone?: string | null;
  name?: string | null;
  tags: string[];
  intentScore: number;
  calls: number;
  answered: number;
  contacts7d: number;
  lastCallAt: string | null;
  webVisits: number;
  lastVisitAt: string | null;
  crm: Field[];
  crmUnmapped: Field[];
  consent: Consent[];
  intents: Count[];
  objections: Count[];
  facts: Field[];
  valence: number;
  openCalls: number;
  recentCalls: CallSummary[];
}

export interface CustomerListItem {
  customerId: string;
  intentScore: number;
  tags: string[];
  calls: number;
  lastCallAt: string | null;
}

export interface VariantStats {
  variant: string;
  trials: number;
  conversions: number;
  rate: number;
  pBest: number;
  uplift: number;
  upliftLo95: number;
  upliftHi95: number;
  stopped: boolean;
}

export interface Experiment {
  id: string;
  source: string;
  node: string;
  segment: string;
  trials: number;
  leader: string | null;
  variants: VariantStats[];
}

export interface Highlight {
  start: number;
  end: number;
}

export interface TranscriptHit {
  callId: string;
  customerId: string;
  turn: number;
  speaker: string;
  ts: string;
  text: string;
  highlights: Highlight[];
}

export interface FlaggedCall {
  callId: string;
  customerId: string;
  startedAt: string | null;
  region: string | null;
  productLine: string | null;
  campaign: string | null;
  scriptVersion: string | null;
  handledBy: string | null;
  outcome: string | null;
  hits: number;
  risk: number;
  rules: string[];
}

export interface TranscriptTurn {
  turn: number;
  speaker: string;
  text: string;
  ts: string;
  intent: string | null;
  emotion: string | null;
  highlights: Highlight[];
}

export interface ComplianceHit {
  turn: number | null;
  speaker: string;
  rule: string;
  term: string;
  start: number;
  end: number;
  ts: string;
}

export interface CallTranscript {
  callId: string;
  customerId: string;
  turns: TranscriptTurn[];
  hits: ComplianceHit[];
}

export interface AlertRule {
  id: string;
  metric: string;
  dimension: string | null;
  threshold: number;
  direction: string;
  weeks: number;
  cooldownMinutes: number;
  minVolume: number;
  enabled: boolean;
}

export interface Alert {
  ruleId: string;
  key: string;
  status: string;
  metric: string;
  dimension: string | null;
  value: number;
  baseline: number;
  deviation: number;
  threshold: number;
  firedAt: string | null;
  updatedAt: string | null;
  cursor: string;
}

export interface ModelVersion {
  model: string;
  version: number;
  created: string;
  aliases: string[];
  served: boolean;
  parent: number | null;
  dataSha256: string;
  metrics: Field[];
  mlflowRunUrl: string | null;
}
