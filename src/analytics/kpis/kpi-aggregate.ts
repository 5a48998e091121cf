import type { DuckDBValue } from '@duckdb/node-api';
import { DialwiseError } from '../../core/errors.js';
import { canonical } from '../../core/zone.js';
import type { Store } from '../../core/store/store.js';
import {
  DEFAULT_COSTS,
  DIMENSION_COLUMNS,
  DIMENSIONS,
  FILTER_DIMENSIONS,
  kpiRow,
  MEASURE_NAMES,
  type CallCosts,
  type Dimension,
  type FilterDimension,
  type KpiRow,
  type Sums,
} from './kpi-catalogue.js';
import {
  CALL_ROW,
  CUSTOMER_ROW,
  CUSTOMER_SAMPLE,
  IN_SAMPLE,
  planSource,
  sourceSql,
  type SqlPart,
} from './kpi-source.js';

/** A time range over the calls' start (ISO 8601), either end open, and dimension values to keep. */
export interface KpiFilter {
  from?: string | null | undefined;
  to?: string | null | undefined;
  where?: Partial<Record<FilterDimension, string | null | undefined>> | undefined;
  costs?: CallCosts | undefined;
  /** Only these whole hours (epoch ms of their start) within the range. */
  hours?: readonly number[] | undefined;
  /** Count distinct customers; false leaves contactsPerCustomer 0 (default true). */
  customers?: boolean;
  /** Only calls of these campaigns (a campaign-scoped reader); absent: all. */
  campaigns?: readonly string[] | undefined;
  /** The zone of days and hours of day (IANA; default UTC). */
  timeZone?: string | undefined;
}

/**
 * The SQL of a day bucket and of the hour of day in `zone`, over the UTC
 * `hour` column (a TIMESTAMP): days start at the zone's midnight. Hour
 * buckets stay the UTC hours the roll-up holds, which are the zone's hours
 * wherever its offset is whole hours (a half-hour zone's days start half an
 * hour off).
 */
function zoned(zone: string | undefined) {
  const tz = canonical(zone ?? 'UTC');
  if (!tz || !/^[A-Za-z0-9/_+-]+$/.test(tz))
    throw new DialwiseError('BAD_REQUEST', `timeZone: not an IANA time zone: ${zone}`);
  const local = `timezone('${tz}', timezone('UTC', hour))`;
  return {
    day: `epoch_ms(timezone('${tz}', date_trunc('day', ${local})))::DOUBLE`,
    hourOfDay: `strftime(${local}, '%H')`,
  };
}

export interface Totals {
  calls: number;
  answered: number;
  conversions: number;
  conversionRate: number;
  eventsIngested: number;
  deadLetters: number;
}

/** Up to this many calls in the table, customers are counted exactly, all of them. */
const EXACT_CUSTOMERS_UP_TO = 500_000;

interface Counts extends Sums {
  key: string;
  /** Start of the hour or day, epoch ms. */
  bucket: number | null;
}

const ms = (t: string | null | undefined): number | null => (t ? Date.parse(t) : null);

/** The dimension values and whole hours to keep, on both sides of the source (same columns). */
function whereSql({ where, hours, campaigns }: KpiFilter): SqlPart {
  const cond: string[] = [];
  const params: DuckDBValue[] = [];
  if (campaigns) {
    cond.push(`campaign_id IN (${campaigns.map(() => '?').join(', ') || 'NULL'})`);
    params.push(...campaigns);
  }
  for (const d of FILTER_DIMENSIONS) {
    const v = where?.[d];
    if (v === undefined || v === null) continue;
    cond.push(`${DIMENSIONS[d]} = ?`);
    params.push(v);
  }
  if (hours) {
    cond.push(`hour IN (${hours.map(() => '?::TIMESTAMP').join(', ') || 'NULL'})`);
    params.push(...hours.map((h) => new Date(h).toISOString().slice(0, 19).replace('T', ' ')));
  }
  return { sql: cond.join(' AND '), params };
}

type Bucket = 'hour' | 'day';

/**
 * Sums every measure per dimension value (null: one row "all") and, with a
 * bucket, per hour or day, over the roll-up and the calls it does not hold.
 * Customers are distinct per group: exact over the calls while the table is
 * small, else over the roll-up's 1-in-16 sample of customers, scaled up.
 */
async function aggregate(
  store: Store,
  dimension: Dimension | null,
  bucket: Bucket | null,
  filter: KpiFilter,
): Promise<(KpiRow & { at?: Date })[]> {
  const [dirty, [size]] = await Promise.all([
    store.query<{ ms: number }>('SELECT epoch_ms(hour)::DOUBLE AS ms FROM kpi_dirty'),
    store.query<{ n: number }>('SELECT count(*)::DOUBLE AS n FROM calls'),
  ]);
  const plan = planSource(
    ms(filter.from),
    ms(filter.to),
    dirty.map((d) => d.ms),
  );
  const where = whereSql(filter);
  // A call may lack a dimension's value (a CRM import, an old event): it groups as "(none)".
  const zone = zoned(filter.timeZone);
  const dimensionSql = dimension === 'HOUR' ? zone.hourOfDay : dimension && DIMENSIONS[dimension];
  const key = dimensionSql ? `COALESCE(${dimensionSql}, '(none)')` : "'all'";
  const at =
    bucket === 'day' ? zone.day : bucket ? `epoch_ms(date_trunc('hour', hour))::DOUBLE` : 'NULL';
  const groups = `${key} AS key, ${at} AS bucket`;
  const measures = MEASURE_NAMES.join(', ');
  const rows = sourceSql(plan, {
    rollupTable: 'kpi_hourly',
    columns: `hour, ${DIMENSION_COLUMNS.join(', ')}, ${measures}`,
    rawRow: CALL_ROW,
    rawColumns: `hour, ${DIMENSION_COLUMNS.join(', ')}, ${measures}`,
    where,
  });
  const exact = (size?.n ?? 0) <= EXACT_CUSTOMERS_UP_TO;
  const customers = exact
    ? everyCustomer(filter, where)
    : sourceSql(plan, {
        rollupTable: 'kpi_customers',
        columns: `hour, ${DIMENSION_COLUMNS.join(', ')}, customer_id`,
        rawRow: CUSTOMER_ROW,
        rawColumns: `hour, ${DIMENSION_COLUMNS.join(', ')}, customer_id`,
        rawWhere: IN_SAMPLE,
        where,
      });
  const [counts, distinct] = await Promise.all([
    store.query<Counts>(
      // Over no calls at all the overall row still comes, with zeros (not NULLs).
      `SELECT ${groups}, ${MEASURE_NAMES.map((m) => `COALESCE(sum(${m}), 0)::DOUBLE AS ${m}`).join(', ')}
       FROM (${rows.sql}) GROUP BY ALL ORDER BY bucket, calls DESC, key`,
      rows.params,
    ),
    filter.customers === false
      ? []
      : store.query<{ key: string; bucket: number | null; n: number }>(
          `SELECT ${groups}, count(DISTINCT customer_id)::DOUBLE AS n FROM (${customers.sql}) GROUP BY ALL`,
          customers.params,
        ),
  ]);
  const scale = exact ? 1 : CUSTOMER_SAMPLE;
  const seen = new Map(distinct.map((d) => [`${d.bucket}\u0000${d.key}`, d.n * scale]));
  const costs = filter.costs ?? DEFAULT_COSTS;
  return counts.map((c) => {
    const customers = seen.get(`${c.bucket}\u0000${c.key}`) ?? 0;
    const row: KpiRow & { at?: Date } = kpiRow(c.key, c, { customers, costs }, !exact);
    if (c.bucket !== null) row.at = new Date(c.bucket);
    return row;
  });
}

/** Every call's customer in the range, straight from the calls table (small data). */
function everyCustomer(filter: KpiFilter, where: SqlPart): SqlPart {
  const cond = ['started_at IS NOT NULL'];
  const params: DuckDBValue[] = [];
  if (filter.from) {
    cond.push('started_at >= ?::TIMESTAMPTZ');
    params.push(filter.from);
  }
  if (filter.to) {
    cond.push('started_at < ?::TIMESTAMPTZ');
    params.push(filter.to);
  }
  return {
    sql: `SELECT * FROM (SELECT ${CUSTOMER_ROW} FROM calls WHERE ${cond.join(' AND ')}) c
      ${where.sql ? `WHERE ${where.sql}` : ''}`,
    params: [...params, ...where.params],
  };
}

/** Every KPI grouped by one dimension (null: overall), largest first. */
export async function kpisBy(
  store: Store,
  dimension: Dimension | null,
  filter: KpiFilter = {},
): Promise<KpiRow[]> {
  return aggregate(store, dimension, null, filter);
}

/**
 * Every KPI per hour or day (days in filter.timeZone) and dimension value (null: overall),
 * oldest first: trends, and the history deviation alerts compare with.
 */
export async function kpiSeries(
  store: Store,
  bucket: Bucket,
  dimension: Dimension | null,
  filter: KpiFilter = {},
): Promise<(KpiRow & { at: Date })[]> {
  return (await aggregate(store, dimension, bucket, filter)) as (KpiRow & { at: Date })[];
}

/**
 * The totals now; for a campaign-scoped reader over its campaigns' calls,
 * and without the platform-wide ingest counters (0).
 */
export async function totals(store: Store, campaigns?: readonly string[]): Promise<Totals> {
  const [[all], [counters]] = await Promise.all([
    kpisBy(store, null, { campaigns }),
    store.query<{ eventsIngested: number; deadLetters: number }>(
      `SELECT (SELECT COALESCE(max(value), 0)::INTEGER FROM ingest_counters WHERE name = 'accepted') AS eventsIngested,
         (SELECT count(*)::INTEGER FROM dead_letters) AS deadLetters`,
    ),
  ]);
  return {
    calls: all?.calls ?? 0,
    answered: all?.answered ?? 0,
    conversions: all?.conversions ?? 0,
    conversionRate: all?.conversionRate ?? 0,
    ...(campaigns ? { eventsIngested: 0, deadLetters: 0 } : counters!),
  };
}
