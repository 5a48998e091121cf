// Every KPI the dashboard shows: its label, format, and which way is good.
import { formatDecimal, formatInt, formatPercent, formatSeconds } from './format.js';

export type MetricKey =
  | 'calls'
  | 'answered'
  | 'conversions'
  | 'complaints'
  | 'transfers'
  | 'abandoned'
  | 'connectRate'
  | 'conversionRate'
  | 'abandonRate'
  | 'transferRate'
  | 'complaintRate'
  | 'avgTalkSeconds'
  | 'costPerConversion'
  | 'contactsPerCustomer';

export type MetricKind = 'count' | 'rate' | 'seconds' | 'money' | 'ratio';

export interface Metric {
  key: MetricKey;
  label: string;
  /** For cards and table heads. */
  short: string;
  kind: MetricKind;
  /** What the number means, for titles and screen readers. */
  help: string;
  /** Whether a higher value is good (undefined: neither). */
  higherIsBetter?: boolean;
}

const M = (
  key: MetricKey,
  label: string,
  short: string,
  kind: MetricKind,
  help: string,
  higherIsBetter?: boolean,
): Metric => ({ key, label, short, kind, help, higherIsBetter });

export const METRICS: Record<MetricKey, Metric> = {
  calls: M('calls', 'Dials', 'Dials', 'count', 'Calls placed (dials)', true),
  answered: M('answered', 'Answered', 'Answered', 'count', 'Calls a customer picked up', true),
  conversions: M('conversions', 'Conversions', 'Conv.', 'count', 'Calls that converted', true),
  complaints: M(
    'complaints',
    'Complaints',
    'Compl.',
    'count',
    'Calls ending in a complaint',
    false,
  ),
  transfers: M('transfers', 'Transfers', 'Transf.', 'count', 'Calls handed to a human agent'),
  abandoned: M(
    'abandoned',
    'Abandoned',
    'Aband.',
    'count',
    'Picked up, dropped with nobody free',
    false,
  ),
  connectRate: M('connectRate', 'Connect rate', 'Connect', 'rate', 'Answered / dials', true),
  conversionRate: M(
    'conversionRate',
    'Conversion rate',
    'Conversion',
    'rate',
    'Conversions / dials',
    true,
  ),
  abandonRate: M(
    'abandonRate',
    'Abandonment rate',
    'Abandon',
    'rate',
    'Abandoned / (answered + abandoned)',
    false,
  ),
  transferRate: M(
    'transferRate',
    'Transfer rate',
    'Transfer',
    'rate',
    'Transfers to a human / answered',
  ),
  complaintRate: M(
    'complaintRate',
    'Complaint rate',
    'Complaint',
    'rate',
    'Complaints / answered',
    false,
  ),
  avgTalkSeconds: M(
    'avgTalkSeconds',
    'Average talk time',
    'Avg talk',
    'seconds',
    'Mean duration of answered calls',
  ),
  costPerConversion: M(
    'costPerConversion',
    'Cost per conversion',
    'Cost/conv.',
    'money',
    'Bot and agent minutes at their per-minute cost, per conversion',
    false,
  ),
  contactsPerCustomer: M(
    'contactsPerCustomer',
    'Contacts per customer',
    'Contacts/cust.',
    'ratio',
    'Dials / distinct customers',
  ),
};

/** The KPI cards, in reading order. */
export const CARD_METRICS: MetricKey[] = [
  'calls',
  'connectRate',
  'conversionRate',
  'abandonRate',
  'transferRate',
  'complaintRate',
  'avgTalkSeconds',
  'costPerConversion',
  'contactsPerCustomer',
];

/** The breakdown table's columns. */
export const TABLE_METRICS: MetricKey[] = [
  'calls',
  'answered',
  'conversions',
  ...CARD_METRICS.filter((m) => m !== 'calls'),
];

export const RATE_METRICS = [
  'connectRate',
  'conversionRate',
  'transferRate',
  'complaintRate',
  'abandonRate',
] as const satisfies readonly MetricKey[];

export function formatMetric(key: MetricKey, value: number): string {
  switch (METRICS[key].kind) {
    case 'count':
      return formatInt(value);
    case 'rate':
      return formatPercent(value);
    case 'seconds':
      return formatSeconds(value);
    case 'money':
    case 'ratio':
      return formatDecimal(value);
  }
}

/** A metric by its name, for names the server sends (alert rules). */
export const metricByName = (name: string): Metric | undefined =>
  (METRICS as Record<string, Metric | undefined>)[name];

/** Formats a value of a metric the server names, whether or not we know it. */
export function formatNamedMetric(name: string, value: number): string {
  const m = metricByName(name);
  return m ? formatMetric(m.key, value) : formatDecimal(value);
}

export const DIMENSION_LABELS: Record<
  'REGION' | 'PRODUCT_LINE' | 'SCRIPT_VERSION' | 'CAMPAIGN' | 'HANDLED_BY' | 'HOUR' | 'DAY',
  string
> = {
  REGION: 'Region',
  PRODUCT_LINE: 'Product line',
  SCRIPT_VERSION: 'Script version',
  CAMPAIGN: 'Campaign',
  HANDLED_BY: 'Bot/agent',
  HOUR: 'Hour of day (UTC)',
  DAY: 'Day (UTC)',
};
