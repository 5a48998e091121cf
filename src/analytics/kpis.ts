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
  /** Bot and agent minutes at their per-minute cost, per conversion (0 without conversions). */
  costPerConversion: number;
}

/** What a minute of a bot's and of an agent's time costs, in the currency the team reports in. */
export interface CallCosts {
  botPerMinute: number;
  agentPerMinute: number;
}

/** A time range over the calls' start (ISO 8601); either end may be open. */
export interface KpiFilter {
  from?: string | null | undefined;
  to?: string | null | undefined;
  costs?: CallCosts | undefined;
}

export const DEFAULT_COSTS: CallCosts = { botPerMinute: 0.1, agentPerMinute: 1.5 };
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
  count(DISTINCT customer_id)::INTEGER AS customers,
  COALESCE(sum(duration_s) FILTER (WHERE handled_by = 'bot'), 0)::DOUBLE / 60 AS botMinutes,
  COALESCE(sum(duration_s) FILTER (WHERE handled_by <> 'bot'), 0)::DOUBLE / 60 AS agentMinutes`;

interface Counts {
  key: string;
  calls: number;
  answered: number;
  conversions: number;
  complaints: number;
  transfers: number;
  talkSeconds: number;
  customers: number;
  botMinutes: number;
  agentMinutes: number;
}

const toKpi = (
  { talkSeconds, customers, botMinutes, agentMinutes, ...r }: Counts,
  costs: CallCosts,
): KpiRow => ({
  ...r,
  connectRate: rate(r.answered, r.calls),
  conversionRate: rate(r.conversions, r.calls),
  complaintRate: rate(r.complaints, r.answered),
  transferRate: rate(r.transfers, r.answered),
  avgTalkSeconds: rate(talkSeconds, r.answered),
  contactsPerCustomer: rate(r.calls, customers),
  costPerConversion: rate(
    botMinutes * costs.botPerMinute + agentMinutes * costs.agentPerMinute,
    r.conversions,
  ),
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
  return rows.map((r) => toKpi(r, filter.costs ?? DEFAULT_COSTS));
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
    ...toKpi(r, filter.costs ?? DEFAULT_COSTS),
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
