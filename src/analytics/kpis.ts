import type { Store } from '../core/store/store.js';

/** Dimensions a KPI can be broken down by: a column, or the call's hour / day (UTC). */
export const DIMENSIONS = {
  REGION: 'region',
  PRODUCT_LINE: 'product_line',
  SCRIPT_VERSION: 'script_version',
  CAMPAIGN: 'campaign_id',
  HANDLED_BY: 'handled_by',
  HOUR: "lpad(hour(started_at AT TIME ZONE 'UTC')::VARCHAR, 2, '0')",
  DAY: "strftime(started_at AT TIME ZONE 'UTC', '%Y-%m-%d')",
} as const;
export type Dimension = keyof typeof DIMENSIONS;

export interface KpiRow {
  key: string;
  calls: number;
  answered: number;
  conversions: number;
  complaints: number;
  transfers: number;
  connectRate: number;
  conversionRate: number;
  /** Of answered calls. */
  complaintRate: number;
  /** Of answered calls: handed to a human. */
  transferRate: number;
  /** Mean duration of answered calls, seconds. */
  avgTalkSeconds: number;
  /** Calls per distinct customer. */
  contactsPerCustomer: number;
}

/** A time range over the calls' start (ISO 8601); either end may be open. */
export interface KpiFilter {
  from?: string | null | undefined;
  to?: string | null | undefined;
}
export interface Totals {
  calls: number;
  answered: number;
  conversions: number;
  conversionRate: number;
  eventsIngested: number;
  deadLetters: number;
}

const rate = (part: number, whole: number): number => (whole === 0 ? 0 : part / whole);

// A call counts once its call.started has arrived: that event carries the dimensions.
const COUNTS = `count(*)::INTEGER AS calls,
  count(*) FILTER (WHERE answered)::INTEGER AS answered,
  count(*) FILTER (WHERE outcome = 'converted')::INTEGER AS conversions`;

const DETAIL = `count(*) FILTER (WHERE answered AND outcome = 'complaint')::INTEGER AS complaints,
  count(*) FILTER (WHERE answered AND transferred_queue IS NOT NULL)::INTEGER AS transfers,
  COALESCE(sum(duration_s) FILTER (WHERE answered), 0)::DOUBLE AS talkSeconds,
  count(DISTINCT customer_id)::INTEGER AS customers`;

interface Counts {
  key: string;
  calls: number;
  answered: number;
  conversions: number;
  complaints: number;
  transfers: number;
  talkSeconds: number;
  customers: number;
}

const toKpi = ({ talkSeconds, customers, ...r }: Counts): KpiRow => ({
  ...r,
  connectRate: rate(r.answered, r.calls),
  conversionRate: rate(r.conversions, r.calls),
  complaintRate: rate(r.complaints, r.answered),
  transferRate: rate(r.transfers, r.answered),
  avgTalkSeconds: rate(talkSeconds, r.answered),
  contactsPerCustomer: rate(r.calls, customers),
});

function timeFilter(filter: KpiFilter): { where: string; params: string[] } {
  const where = ['started_at IS NOT NULL'];
  const params: string[] = [];
  if (filter.from) {
    where.push('started_at >= ?::TIMESTAMPTZ');
    params.push(filter.from);
  }
  if (filter.to) {
    where.push('started_at < ?::TIMESTAMPTZ');
    params.push(filter.to);
  }
  return { where: where.join(' AND '), params };
}

/** The grouping expression of a dimension; null groups everything under "all". */
const keyOf = (dimension: Dimension | null): string =>
  dimension ? DIMENSIONS[dimension] : "'all'";

/** Every KPI grouped by one dimension (null: overall), largest first. */
export async function kpisBy(
  store: Store,
  dimension: Dimension | null,
  filter: KpiFilter = {},
): Promise<KpiRow[]> {
  const { where, params } = timeFilter(filter);
  const rows = await store.query<Counts>(
    `SELECT ${keyOf(dimension)} AS key, ${COUNTS}, ${DETAIL} FROM calls WHERE ${where}
     GROUP BY ALL ORDER BY calls DESC, key`,
    params,
  );
  return rows.map(toKpi);
}

/**
 * Every KPI per hour (UTC) and dimension value (null: overall), oldest
 * first: the history deviation alerts compare with.
 */
export async function kpiHours(
  store: Store,
  dimension: Dimension | null,
  filter: KpiFilter = {},
): Promise<(KpiRow & { hour: Date })[]> {
  const { where, params } = timeFilter(filter);
  const rows = await store.query<Counts & { hour: string }>(
    `SELECT ${keyOf(dimension)} AS key, date_trunc('hour', started_at AT TIME ZONE 'UTC')::VARCHAR AS hour,
       ${COUNTS}, ${DETAIL} FROM calls WHERE ${where} GROUP BY ALL ORDER BY hour, key`,
    params,
  );
  return rows.map(({ hour, ...r }) => ({
    ...toKpi(r),
    hour: new Date(`${hour.replace(' ', 'T')}Z`),
  }));
}

export async function totals(store: Store): Promise<Totals> {
  const [row] = await store.query<Omit<Totals, 'conversionRate'>>(
    `SELECT ${COUNTS},
       (SELECT COALESCE(max(value), 0)::INTEGER FROM ingest_counters WHERE name = 'accepted') AS eventsIngested,
       (SELECT count(*)::INTEGER FROM dead_letters) AS deadLetters
     FROM calls WHERE started_at IS NOT NULL`,
  );
  const t = row!;
  return { ...t, conversionRate: rate(t.conversions, t.calls) };
}
