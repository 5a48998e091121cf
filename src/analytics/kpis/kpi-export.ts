import { readFile, writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { z } from 'zod';
import { DialwiseError } from '../../core/errors.js';
import type { Store } from '../../core/store/store.js';
import { kpisBy } from './kpi-aggregate.js';
import {
  DIMENSION_NAMES,
  FILTER_DIMENSIONS,
  KPI_NAMES,
  KPIS,
  type CallCosts,
  type Dimension,
  type FilterDimension,
  type KpiRow,
} from './kpi-catalogue.js';

export interface KpiExportRequest {
  dimension: Dimension;
  format: 'csv' | 'parquet';
  from?: string | undefined;
  to?: string | undefined;
  /** Only calls with these dimension values. */
  where?: Partial<Record<FilterDimension, string>>;
  /** Only calls of these campaigns (a campaign-scoped reader). */
  campaigns?: readonly string[] | undefined;
  /** The zone of the hour of day (by HOUR); default UTC. */
  timeZone?: string | undefined;
  /**
   * A UTF-8 byte-order mark first (CSV only): Excel on Chinese Windows
   * reads a CSV without one in the local code page and garbles Chinese.
   */
  bom?: boolean | undefined;
}

const requestSchema = z.object({
  dimension: z.enum(DIMENSION_NAMES),
  format: z.enum(['csv', 'parquet']),
  from: z.string().optional(),
  to: z.string().optional(),
  where: z.partialRecord(z.enum(FILTER_DIMENSIONS), z.string()).optional(),
  campaigns: z.array(z.string()).readonly().optional(),
  timeZone: z.string().optional(),
  bom: z.boolean().optional(),
});

const UTF8_BOM = Buffer.from([0xef, 0xbb, 0xbf]);

const quoteIdent = (name: string): string => `"${name.replaceAll('"', '""')}"`;

/**
 * A spreadsheet runs a cell that starts with = + - @ (or a tab or carriage
 * return before one) as a formula: such text is written with a leading
 * apostrophe, which spreadsheets show as plain text (OWASP's advice for CSV).
 */
export const csvSafe = (v: string): string => (/^[=+\-@\t\r]/.test(v) ? `'${v}` : v);

/**
 * The file's columns, in catalogue order: the group's key, every KPI,
 * whether customers were sampled (the Arrow export, analytics/exports, has the same).
 */
export const KPI_COLUMNS: { name: keyof KpiRow & string; type: string }[] = [
  { name: 'key', type: 'VARCHAR' },
  ...KPI_NAMES.map((name) => ({
    name,
    type: KPIS[name].format === 'count' ? 'BIGINT' : 'DOUBLE',
  })),
  { name: 'customersSampled', type: 'BOOLEAN' },
];

/**
 * Writes the KPI table of one dimension to a CSV (with header) or Parquet
 * file, through DuckDB's COPY. Returns the row count and the absolute path.
 */
export async function exportKpis(
  store: Store,
  request: KpiExportRequest,
  outFile: string,
  costs?: CallCosts,
): Promise<{ rows: number; file: string }> {
  const parsed = requestSchema.safeParse(request);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new DialwiseError(
      'BAD_REQUEST',
      `${issue.path.join('.') || 'request'}: ${issue.message}`,
    );
  }
  const { dimension, format, from, to, where, campaigns, timeZone, bom } = parsed.data;
  const file = resolve(outFile);
  if (file.includes("'"))
    throw new DialwiseError('BAD_REQUEST', 'outFile: must not contain a quote');

  const rows = await kpisBy(store, dimension, { from, to, where, costs, campaigns, timeZone });
  const names = KPI_COLUMNS.map((c) => c.name);
  const columns = KPI_COLUMNS.map((c) => `${quoteIdent(c.name)} ${c.type}`);
  const table = 'kpi_export';

  await store.transaction(async (tx) => {
    // Created inside the transaction: a failed COPY rolls the table back too.
    await tx.run(`CREATE OR REPLACE TEMP TABLE ${table} (${columns.join(', ')})`);
    if (rows.length > 0) {
      const tuple = `(${names.map(() => '?').join(', ')})`;
      await tx.run(
        `INSERT INTO ${table} VALUES ${rows.map(() => tuple).join(', ')}`,
        rows.flatMap((r) =>
          names.map((n) => {
            const v = r[n];
            return typeof v === 'string' && format === 'csv' ? csvSafe(v) : v;
          }),
        ),
      );
    }
    const options = format === 'csv' ? 'FORMAT csv, HEADER' : 'FORMAT parquet';
    await tx.run(
      `COPY (SELECT ${names.map(quoteIdent).join(', ')} FROM ${table}) TO '${file}' (${options})`,
    );
    await tx.run(`DROP TABLE ${table}`);
  });
  if (bom && format === 'csv')
    await writeFile(file, Buffer.concat([UTF8_BOM, await readFile(file)]));
  return { rows: rows.length, file };
}
