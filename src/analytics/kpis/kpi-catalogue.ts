/**
 * The KPI catalogue: every KPI and every dimension defined once. The KPI
 * queries, the GraphQL rows, the alert rules, the CSV/Parquet export and the
 * dashboard (cards, table, trend charts, formats) all derive from it; adding
 * a KPI over the measures below is one entry in KPIS (and its field in the
 * schema's KpiRow). A new measure also needs its kpi_hourly column (a
 * migration): the roll-up keeps one column per measure.
 *
 * Pure data and functions, no Node or DuckDB imports: the dashboard's
 * browser bundle imports this file too (the one src/ module ESLint lets it).
 */

/** What each call contributes, as SQL over the calls table; summed per group (and per hour in the roll-up). */
export const MEASURES = {
  calls: '1',
  answered: '(answered IS TRUE)::INTEGER',
  conversions: "(outcome = 'converted' IS TRUE)::INTEGER",
  complaints: "(answered IS TRUE AND outcome = 'complaint' IS TRUE)::INTEGER",
  transfers: '(answered IS TRUE AND transferred_queue IS NOT NULL)::INTEGER',
  abandoned: '(abandoned IS TRUE)::INTEGER',
  talk_seconds: 'CASE WHEN answered THEN COALESCE(duration_s, 0) ELSE 0 END',
  bot_seconds: "CASE WHEN handled_by = 'bot' THEN COALESCE(duration_s, 0) ELSE 0 END",
  agent_seconds: "CASE WHEN handled_by <> 'bot' THEN COALESCE(duration_s, 0) ELSE 0 END",
} as const;
export type Measure = keyof typeof MEASURES;
export const MEASURE_NAMES = Object.keys(MEASURES) as Measure[];

/** What a minute of a bot's and of an agent's time costs, in the currency the team reports in. */
export interface CallCosts {
  botPerMinute: number;
  agentPerMinute: number;
}
export const DEFAULT_COSTS: CallCosts = { botPerMinute: 0.1, agentPerMinute: 1.5 };

/** One group's measures, summed, and what else a KPI may be computed from. */
export type Sums = Record<Measure, number>;
export interface KpiContext {
  /** Distinct customers of the group (0 when not counted). */
  customers: number;
  costs: CallCosts;
}

/** How a value reads: a whole count, a share (0..1), seconds, money, or a plain ratio. */
export type KpiFormat = 'count' | 'percent' | 'seconds' | 'money' | 'ratio';

export interface KpiDefinition {
  label: string;
  /** For table heads, legends and narrow places. */
  short: string;
  /** What the number means, for titles and screen readers. */
  help: string;
  format: KpiFormat;
  /** Which way is good; null: neither. */
  good: 'up' | 'down' | null;
  /** Whether a deviation alert rule may watch it. */
  alert: boolean;
  /** Needs distinct customers counted (the costly part of a query): only when asked for. */
  customers?: true;
  /** The group's value from its summed measures. */
  value(s: Sums, c: KpiContext): number;
  /** On the dashboard: a headline card (with this label), a breakdown table column, a trend chart. */
  card?: string;
  table?: true;
  trend?: 'volume' | 'rates';
  /** A card warns once the value passes this (for KPIs where lower is better). */
  warnAbove?: number;
}

const rate = (part: number, whole: number): number => (whole === 0 ? 0 : part / whole);

/** In the order the dashboard shows them (cards, table columns, legends) and the export writes them. */
export const KPIS = {
  calls: {
    label: 'Dials',
    short: 'Dials',
    help: 'Calls placed (dials)',
    format: 'count',
    good: 'up',
    alert: true,
    value: (s) => s.calls,
    card: 'Dials',
    table: true,
    trend: 'volume',
  },
  answered: {
    label: 'Answered',
    short: 'Answered',
    help: 'Calls a customer picked up',
    format: 'count',
    good: 'up',
    alert: false,
    value: (s) => s.answered,
    table: true,
    trend: 'volume',
  },
  conversions: {
    label: 'Conversions',
    short: 'Conv.',
    help: 'Calls that converted',
    format: 'count',
    good: 'up',
    alert: false,
    value: (s) => s.conversions,
    table: true,
    trend: 'volume',
  },
  complaints: {
    label: 'Complaints',
    short: 'Compl.',
    help: 'Answered calls ending in a complaint',
    format: 'count',
    good: 'down',
    alert: false,
    value: (s) => s.complaints,
  },
  transfers: {
    label: 'Transfers',
    short: 'Transf.',
    help: 'Answered calls handed to a human agent',
    format: 'count',
    good: null,
    alert: false,
    value: (s) => s.transfers,
  },
  abandoned: {
    label: 'Abandoned',
    short: 'Aband.',
    help: 'Picked up, then dropped with nobody free',
    format: 'count',
    good: 'down',
    alert: false,
    value: (s) => s.abandoned,
  },
  connectRate: {
    label: 'Connect rate',
    short: 'Connect',
    help: 'Answered / dials',
    format: 'percent',
    good: 'up',
    alert: true,
    value: (s) => rate(s.answered, s.calls),
    card: 'Connect rate',
    table: true,
    trend: 'rates',
  },
  conversionRate: {
    label: 'Conversion rate',
    short: 'Conversion',
    help: 'Conversions / dials',
    format: 'percent',
    good: 'up',
    alert: true,
    value: (s) => rate(s.conversions, s.calls),
    card: 'Conversion',
    table: true,
    trend: 'rates',
  },
  abandonRate: {
    label: 'Abandonment rate',
    short: 'Abandon',
    help: 'Abandoned / (answered + abandoned): of the calls a customer picked up',
    format: 'percent',
    good: 'down',
    alert: true,
    value: (s) => rate(s.abandoned, s.answered + s.abandoned),
    card: 'Abandonment',
    table: true,
    trend: 'rates',
    warnAbove: 0.03,
  },
  transferRate: {
    label: 'Transfer rate',
    short: 'Transfer',
    help: 'Transfers to a human / answered',
    format: 'percent',
    good: null,
    alert: true,
    value: (s) => rate(s.transfers, s.answered),
    card: 'Transfer rate',
    table: true,
    trend: 'rates',
  },
  complaintRate: {
    label: 'Complaint rate',
    short: 'Complaint',
    help: 'Complaints / answered',
    format: 'percent',
    good: 'down',
    alert: true,
    value: (s) => rate(s.complaints, s.answered),
    card: 'Complaint rate',
    table: true,
    trend: 'rates',
    warnAbove: 0.05,
  },
  avgTalkSeconds: {
    label: 'Average talk time',
    short: 'Avg talk',
    help: 'Mean duration of answered calls, seconds',
    format: 'seconds',
    good: null,
    alert: true,
    value: (s) => rate(s.talk_seconds, s.answered),
    card: 'Avg talk time',
    table: true,
  },
  costPerConversion: {
    label: 'Cost per conversion',
    short: 'Cost/conv.',
    help: 'Bot and agent minutes at their per-minute cost, per conversion (0 without conversions)',
    format: 'money',
    good: 'down',
    alert: true,
    value: (s, c) =>
      rate(
        (s.bot_seconds / 60) * c.costs.botPerMinute +
          (s.agent_seconds / 60) * c.costs.agentPerMinute,
        s.conversions,
      ),
    card: 'Cost / conv.',
    table: true,
  },
  contactsPerCustomer: {
    label: 'Contacts per customer',
    short: 'Contacts/cust.',
    help: 'Dials / distinct customers',
    format: 'ratio',
    good: null,
    alert: true,
    customers: true,
    value: (s, c) => rate(s.calls, c.customers),
    card: 'Contacts / cust.',
    table: true,
  },
} as const satisfies Record<string, KpiDefinition>;

export type KpiName = keyof typeof KPIS;
export const KPI_NAMES = Object.keys(KPIS) as KpiName[];
/** A KPI by name, for names that arrive as text (alert rules, a query's fields). */
export const kpiByName = (name: string): KpiDefinition | undefined =>
  Object.hasOwn(KPIS, name) ? (KPIS as Record<string, KpiDefinition>)[name] : undefined;

type Flagged<F extends keyof KpiDefinition, V> = {
  [K in KpiName]: (typeof KPIS)[K] extends Record<F, V> ? K : never;
}[KpiName];
const flagged = <F extends keyof KpiDefinition, V>(f: F, v: V) =>
  KPI_NAMES.filter((k) => (KPIS[k] as KpiDefinition)[f] === v) as Flagged<F, V>[];

/** The KPIs a deviation alert rule may watch. */
export const ALERT_KPIS = flagged('alert', true as const);
export type AlertKpi = (typeof ALERT_KPIS)[number];
export const CARD_KPIS = KPI_NAMES.filter((k) => 'card' in KPIS[k]);
export const TABLE_KPIS = flagged('table', true as const);
export const VOLUME_TREND_KPIS = flagged('trend', 'volume' as const);
export const RATE_TREND_KPIS = flagged('trend', 'rates' as const);
/** Whether any of these KPIs needs distinct customers counted. */
export const needsCustomers = (names: Iterable<string>): boolean =>
  [...names].some((n) => kpiByName(n)?.customers === true);

/** A KPI row: every KPI's value for one group, plus the group's key. */
export type KpiValues = Record<KpiName, number>;
export type KpiRow = { key: string } & KpiValues & {
    /** True when the customers were counted over a 1-in-16 sample (large data). */
    customersSampled: boolean;
  };

/** Every KPI of one group, in catalogue order, from its summed measures. */
export function kpiRow(key: string, sums: Sums, c: KpiContext, sampled: boolean): KpiRow {
  const row = { key } as KpiRow;
  for (const name of KPI_NAMES) row[name] = KPIS[name].value(sums, c);
  row.customersSampled = sampled;
  return row;
}

const integer = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
const percent = new Intl.NumberFormat('en-US', {
  style: 'percent',
  minimumFractionDigits: 1,
  maximumFractionDigits: 1,
});
const decimal = new Intl.NumberFormat('en-US', {
  minimumFractionDigits: 2,
  maximumFractionDigits: 2,
});

/** Seconds as `1m 05s` (or `42s`). */
function seconds(value: number): string {
  if (!Number.isFinite(value)) return '—';
  const s = Math.round(value);
  if (s < 60) return `${s}s`;
  return `${Math.floor(s / 60)}m ${String(s % 60).padStart(2, '0')}s`;
}

/** How each format writes a value (en-US digits), in Slack and on the dashboard alike. */
export const FORMATS: Record<KpiFormat, (value: number) => string> = {
  count: (v) => integer.format(v),
  percent: (v) => percent.format(v),
  seconds,
  money: (v) => decimal.format(v),
  ratio: (v) => decimal.format(v),
};

/** A KPI's value as people read it; a name the catalogue does not know reads as a decimal. */
export const formatKpi = (name: string, value: number): string =>
  FORMATS[kpiByName(name)?.format ?? 'ratio'](value);

/**
 * KPIs of touches per channel (touches.ts: the touch events, not the calls,
 * so neither roll-up measures nor KpiRow fields; GraphQL touchesByChannel).
 * Of the touches sent in a range: how many were delivered, replied to, and
 * how many replies withdrew consent. Calls placed are the Dials above.
 */
export type TouchSums = Record<'sent' | 'delivered' | 'replied' | 'optOuts', number>;
export interface TouchKpiDefinition {
  label: string;
  short: string;
  help: string;
  format: 'count' | 'percent';
  value(s: TouchSums): number;
}
const touchKpi = (
  label: string,
  short: string,
  help: string,
  format: TouchKpiDefinition['format'],
  value: TouchKpiDefinition['value'],
): TouchKpiDefinition => ({ label, short, help, format, value });
export const TOUCH_KPIS = {
  sent: touchKpi('Sent', 'Sent', 'Touches sent (once per touch id)', 'count', (s) => s.sent),
  delivered: touchKpi('Delivered', 'Delivered', 'Of those, delivered', 'count', (s) => s.delivered),
  deliveryRate: touchKpi('Delivery rate', 'Delivery', 'Delivered / sent', 'percent', (s) =>
    rate(s.delivered, s.sent),
  ),
  replied: touchKpi('Replied', 'Replied', 'Of those, replied to', 'count', (s) => s.replied),
  replyRate: touchKpi('Reply rate', 'Reply', 'Replied / sent', 'percent', (s) =>
    rate(s.replied, s.sent),
  ),
  optOuts: touchKpi(
    'Opt-outs by reply',
    'Opt-outs',
    'Replies that withdrew consent',
    'count',
    (s) => s.optOuts,
  ),
};
export type TouchKpiName = keyof typeof TOUCH_KPIS;
export const TOUCH_KPI_NAMES = Object.keys(TOUCH_KPIS) as TouchKpiName[];
export type TouchRow = { channel: string } & Record<TouchKpiName, number>;

/** Every touch KPI of one channel from its counts. */
export function touchRow(channel: string, s: TouchSums): TouchRow {
  const row = { channel } as TouchRow;
  for (const name of TOUCH_KPI_NAMES) row[name] = TOUCH_KPIS[name].value(s);
  return row;
}

/**
 * What a KPI can be broken down by: a column of the calls (and of the
 * roll-up), or the call's hour of day / day (UTC). A filter dimension is one
 * a query can be narrowed to one value of (`where`, its KpiWhere field) and
 * one an alert rule can be split by.
 */
export const DIMENSION_CATALOGUE = {
  REGION: { sql: 'region', label: 'Region', where: 'region', all: 'All regions' },
  PRODUCT_LINE: {
    sql: 'product_line',
    label: 'Product line',
    where: 'productLine',
    all: 'All products',
  },
  SCRIPT_VERSION: {
    sql: 'script_version',
    label: 'Script version',
    where: 'scriptVersion',
    all: 'All scripts',
  },
  CAMPAIGN: { sql: 'campaign_id', label: 'Campaign', where: 'campaign', all: 'All campaigns' },
  HANDLED_BY: { sql: 'handled_by', label: 'Bot/agent', where: 'handledBy', all: 'Bots and agents' },
  HOUR: { sql: "strftime(hour, '%H')", label: 'Hour of day' },
  DAY: { sql: "strftime(hour, '%Y-%m-%d')", label: 'Day (UTC)' },
} as const satisfies Record<string, { sql: string; label: string; where?: string; all?: string }>;

export type Dimension = keyof typeof DIMENSION_CATALOGUE;
export type FilterDimension = {
  [D in Dimension]: (typeof DIMENSION_CATALOGUE)[D] extends { where: string } ? D : never;
}[Dimension];
export const DIMENSION_NAMES = Object.keys(DIMENSION_CATALOGUE) as Dimension[];
export const FILTER_DIMENSIONS = DIMENSION_NAMES.filter(
  (d): d is FilterDimension => 'where' in DIMENSION_CATALOGUE[d],
);
/** Each dimension's SQL over the calls / roll-up rows. */
export const DIMENSIONS = Object.fromEntries(
  DIMENSION_NAMES.map((d) => [d, DIMENSION_CATALOGUE[d].sql]),
) as { readonly [D in Dimension]: string };
/** The columns a filter dimension reads (the roll-up keeps one each). */
export const DIMENSION_COLUMNS = FILTER_DIMENSIONS.map((d) => DIMENSION_CATALOGUE[d].sql);
