/**
 * A fact export's rows read page by page: each page is the next few
 * thousand rows after the last one read, in (time, key) order, so what is
 * held is one page and the last row's time and key, whatever the range.
 * Personal columns are masked here for readers who may not read
 * transcripts.
 */
import type { DuckDBValue } from '@duckdb/node-api';
import { DialwiseError } from '../../core/errors.js';
import { redactText, redactValue } from '../../core/personal.js';
import type { Store } from '../../core/store/store.js';
import { FILTER_DIMENSIONS, type FilterDimension } from '../kpis/index.js';
import {
  columnSql,
  dimensionSql,
  needsCall,
  type ExportColumn,
  type ExportTable,
} from './export-tables.js';

export type Row = Record<string, unknown>;

/** Which rows: a range over the table's time, dimension values, the reader's campaigns. */
export interface ExportFilter {
  /** [from, to), ISO 8601 with an offset; either end open. */
  from?: string | undefined;
  to?: string | undefined;
  /** Only rows whose call (a decision: its own campaign) has these values. */
  where?: Partial<Record<FilterDimension, string>> | undefined;
  /** Only rows of these campaigns (a campaign-scoped reader); absent: all. */
  campaigns?: readonly string[] | undefined;
}

/** Rows per page: a page of turns is about a megabyte in memory. */
export const PAGE_ROWS = 4_096;

function instant(name: string, iso: string | undefined): string | undefined {
  if (iso === undefined) return undefined;
  if (Number.isNaN(Date.parse(iso)))
    throw new DialwiseError('BAD_REQUEST', `${name}: not an ISO 8601 time: ${JSON.stringify(iso)}`);
  return new Date(iso).toISOString();
}

/** The filter as SQL conditions, and whether they read the call's columns. */
function conditions(table: ExportTable, filter: ExportFilter) {
  const sql = [`${table.ts} IS NOT NULL`];
  const params: DuckDBValue[] = [];
  const dims: FilterDimension[] = [];
  const [from, to] = [instant('from', filter.from), instant('to', filter.to)];
  if (from) {
    sql.push(`${table.ts} >= ?::TIMESTAMPTZ`);
    params.push(from);
  }
  if (to) {
    sql.push(`${table.ts} < ?::TIMESTAMPTZ`);
    params.push(to);
  }
  if (filter.campaigns) {
    dims.push('CAMPAIGN');
    const list = filter.campaigns.map(() => '?').join(', ') || 'NULL';
    sql.push(`${dimensionSql(table, 'CAMPAIGN')} IN (${list})`);
    params.push(...filter.campaigns);
  }
  for (const d of FILTER_DIMENSIONS) {
    const value = filter.where?.[d];
    if (value === undefined) continue;
    dims.push(d);
    sql.push(`${dimensionSql(table, d)} = ?`);
    params.push(value);
  }
  return { sql, params, join: needsCall(table, dims) };
}

const MASKS: Record<NonNullable<ExportColumn['mask']>, (v: unknown) => unknown> = {
  text: (v) => (typeof v === 'string' ? redactText(v) : v),
  json: (v) => (typeof v === 'string' ? JSON.stringify(redactValue(JSON.parse(v))) : v),
};

/**
 * The table's rows that pass the filter, a page at a time, oldest first;
 * personal columns masked unless `whole`. Each page is its own query, so
 * rows committed meanwhile after the last one read are read too.
 */
export async function* exportPages(
  store: Store,
  table: ExportTable,
  filter: ExportFilter,
  opts: { whole: boolean; pageRows?: number | undefined },
): AsyncGenerator<Row[]> {
  const where = conditions(table, filter);
  const select = table.columns.map((c) => `${columnSql(table, c)} AS "${c.name}"`).join(', ');
  const from = where.join && table.callJoin ? `${table.from} ${table.callJoin}` : table.from;
  const limit = opts.pageRows ?? PAGE_ROWS;
  const masked = opts.whole ? [] : table.columns.filter((c) => c.mask);
  let after: [bigint, string] | undefined;
  for (;;) {
    const cond = [...where.sql];
    const params = [...where.params];
    if (after) {
      // The first lets DuckDB skip row groups wholly before the page; the second is the order.
      cond.push(`${table.ts} >= make_timestamptz(?::BIGINT)`);
      cond.push(`(${table.ts}, ${table.key}) > (make_timestamptz(?::BIGINT), ?)`);
      params.push(after[0], after[0], after[1]);
    }
    const rows = await store.query<Row & { _us: bigint; _key: string }>(
      `SELECT ${select}, epoch_us(${table.ts}) AS _us, ${table.key} AS _key FROM ${from}
       WHERE ${cond.join(' AND ')} ORDER BY ${table.ts}, ${table.key} LIMIT ${limit}`,
      params,
    );
    if (rows.length === 0) return;
    for (const c of masked) for (const r of rows) r[c.name] = MASKS[c.mask!](r[c.name]);
    yield rows;
    if (rows.length < limit) return;
    const last = rows[rows.length - 1]!;
    after = [last._us, last._key];
  }
}
