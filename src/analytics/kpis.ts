import type { Store } from '../core/store/store.js';

export const DIMENSIONS = {
  REGION: 'region',
  PRODUCT_LINE: 'product_line',
  SCRIPT_VERSION: 'script_version',
  CAMPAIGN: 'campaign_id',
  HANDLED_BY: 'handled_by',
} as const;
export type Dimension = keyof typeof DIMENSIONS;

export interface KpiRow {
  key: string;
  calls: number;
  answered: number;
  conversions: number;
  connectRate: number;
  conversionRate: number;
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

/** Calls, connects and conversions grouped by one dimension, largest first. */
export async function kpisBy(store: Store, dimension: Dimension): Promise<KpiRow[]> {
  const col = DIMENSIONS[dimension];
  const rows = await store.query<{
    key: string;
    calls: number;
    answered: number;
    conversions: number;
  }>(
    `SELECT ${col} AS key, ${COUNTS} FROM calls WHERE started_at IS NOT NULL
     GROUP BY ${col} ORDER BY calls DESC, key`,
  );
  return rows.map((r) => ({
    ...r,
    connectRate: rate(r.answered, r.calls),
    conversionRate: rate(r.conversions, r.calls),
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
