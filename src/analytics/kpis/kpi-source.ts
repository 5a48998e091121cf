import type { DuckDBValue } from '@duckdb/node-api';
import { DIMENSION_COLUMNS, MEASURE_NAMES, MEASURES } from './kpi-catalogue.js';

/**
 * Where KPI rows come from: the hourly roll-up (kpi_hourly, kept by
 * kpi-rollup.ts) for whole hours it holds up to date, and the calls table
 * itself for the partial hours at the ends of a time range and for hours not
 * rolled up again since their calls changed. Both sides have the same
 * columns, so one query sums over their union and is exact at every moment.
 */

/** The columns a call contributes, as one row per call: the roll-up sums them per hour. */
export const CALL_ROW = `date_trunc('hour', started_at AT TIME ZONE 'UTC') AS hour,
  ${DIMENSION_COLUMNS.join(', ')},
  ${MEASURE_NAMES.map((m) => `${MEASURES[m]} AS ${m}`).join(',\n  ')}`;

/** A call's customer, with what the customers are grouped and filtered by. */
export const CUSTOMER_ROW = `date_trunc('hour', started_at AT TIME ZONE 'UTC') AS hour,
  ${DIMENSION_COLUMNS.join(', ')}, customer_id`;

/**
 * Customers are counted exactly over a sample: those whose id hashes to 0 of
 * 16 (md5, stable across DuckDB versions). The roll-up keeps each sampled
 * customer once per hour and dimension values (kpi_customers).
 */
export const CUSTOMER_SAMPLE = 16;
export const IN_SAMPLE = `md5_number_lower(customer_id) % ${CUSTOMER_SAMPLE} = 0`;

const HOUR_MS = 3_600_000;

export interface Range {
  /** Epoch ms, inclusive. */
  lo: number;
  /** Epoch ms, exclusive. */
  hi: number;
}

export interface SourcePlan {
  /** Whole hours read from the roll-up: [lo, hi) (either end open), minus `except`. */
  rollup: { lo: number | null; hi: number | null; except: Range[] } | null;
  /** Read from the calls table. */
  raw: Range[];
}

/** More raw ranges than this and they are read as one span (a short query beats a tight one). */
const MAX_RAW_RANGES = 16;

/**
 * Splits [from, to) into what the roll-up answers and what the calls table
 * must: partial hours at either end, and the dirty hours (roll-up not yet
 * recomputed) within the range.
 */
export function planSource(from: number | null, to: number | null, dirty: number[]): SourcePlan {
  const ceil = from === null ? null : Math.ceil(from / HOUR_MS) * HOUR_MS;
  const floor = to === null ? null : Math.floor(to / HOUR_MS) * HOUR_MS;
  if (from !== null && to !== null && (ceil! >= floor! || from >= to))
    return { rollup: null, raw: from < to ? [{ lo: from, hi: to }] : [] };
  const raw: Range[] = [];
  if (from !== null && from < ceil!) raw.push({ lo: from, hi: ceil! });
  for (const h of [...dirty].sort((a, b) => a - b)) {
    if ((ceil !== null && h < ceil) || (floor !== null && h >= floor)) continue;
    const last = raw[raw.length - 1];
    if (last && last.hi === h) last.hi = h + HOUR_MS;
    else raw.push({ lo: h, hi: h + HOUR_MS });
  }
  if (to !== null && floor! < to) raw.push({ lo: floor!, hi: to });
  const merged = raw.length > MAX_RAW_RANGES ? [{ lo: raw[0]!.lo, hi: raw.at(-1)!.hi }] : raw;
  // What the calls table answers is a hole in the roll-up's part (holes outside it are moot).
  return { rollup: { lo: ceil, hi: floor, except: merged }, raw: merged };
}

/** UTC wall-clock text for the roll-up's TIMESTAMP hour column. */
const utc = (ms: number): string => new Date(ms).toISOString().slice(0, 19).replace('T', ' ');
const iso = (ms: number): string => new Date(ms).toISOString();

export interface SqlPart {
  sql: string;
  params: DuckDBValue[];
}

/**
 * The union the KPI queries aggregate: `columns` from the roll-up table and
 * `rawColumns` from the calls rows (projected by `rawRow`), each side with
 * the same dimension filter.
 */
export function sourceSql(
  plan: SourcePlan,
  opts: {
    rollupTable: string;
    columns: string;
    rawRow: string;
    rawColumns: string;
    rawWhere?: string;
    where: SqlPart;
  },
): SqlPart {
  const parts: string[] = [];
  const params: DuckDBValue[] = [];
  const and = opts.where.sql ? ` AND ${opts.where.sql}` : '';
  if (plan.rollup) {
    const cond = ['TRUE'];
    const r = plan.rollup;
    if (r.lo !== null) {
      cond.push('hour >= ?::TIMESTAMP');
      params.push(utc(r.lo));
    }
    if (r.hi !== null) {
      cond.push('hour < ?::TIMESTAMP');
      params.push(utc(r.hi));
    }
    for (const x of r.except) {
      cond.push('NOT (hour >= ?::TIMESTAMP AND hour < ?::TIMESTAMP)');
      params.push(utc(x.lo), utc(x.hi));
    }
    parts.push(`SELECT ${opts.columns} FROM ${opts.rollupTable} WHERE ${cond.join(' AND ')}${and}`);
    params.push(...opts.where.params);
  }
  for (const r of plan.raw) {
    const extra = opts.rawWhere ? ` AND ${opts.rawWhere}` : '';
    parts.push(
      `SELECT ${opts.rawColumns} FROM (SELECT ${opts.rawRow} FROM calls
         WHERE started_at >= ?::TIMESTAMPTZ AND started_at < ?::TIMESTAMPTZ${extra}) c WHERE TRUE${and}`,
    );
    params.push(iso(r.lo), iso(r.hi), ...opts.where.params);
  }
  if (parts.length === 0) parts.push(`SELECT ${opts.columns} FROM ${opts.rollupTable} WHERE FALSE`);
  return { sql: parts.join('\nUNION ALL\n'), params };
}
