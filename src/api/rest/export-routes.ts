/**
 * GET /export/{turns,calls,decisions,kpis}: the facts and the KPI table
 * for analysts and data scientists, streamed as they are read.
 *
 * The format is `?format=arrow|parquet|csv`; without it, the first of the
 * three media types the Accept header names (by its q-values), and CSV
 * when it names none: what a browser, curl and every spreadsheet read, and
 * what /export/kpis has always answered. Arrow is an IPC stream
 * (`application/vnd.apache.arrow.stream`), Parquet
 * `application/vnd.apache.parquet`, CSV `text/csv` (`bom=true`: a UTF-8
 * byte-order mark first, for Excel on Chinese Windows).
 *
 * Rows are narrowed by `from`/`to` (the table's time: a turn's or
 * decision's, a call's start) and by the same dimension values as the KPIs
 * (`region=`, `product_line=`...: a turn's or decision's call's); a
 * campaign-scoped key sees its campaigns' rows only. Turn text, a
 * decision's line, reason and context come masked (phones, e-mails, ID and
 * card numbers replaced) to every reader but compliance and admin. Every
 * call, allowed or denied, is audited (`export.turns` ...).
 */
import { z } from 'zod';
import {
  EXPORT_FORMATS,
  EXPORT_MEDIA,
  EXPORT_TABLES,
  factExport,
  FACT_TABLES,
  kpiExport,
  type ExportColumn,
  type ExportFormat,
  type FactTable,
} from '../../analytics/exports/index.js';
import { DIMENSIONS, FILTER_DIMENSIONS, type Dimension } from '../../analytics/kpis/index.js';
import { TRANSCRIPT_READERS } from '../../analytics/records/index.js';
import { LIMITS } from '../../core/events/index.js';
import { TIME_ZONES } from '../../core/zone.js';
import { ANALYSTS } from '../auth.js';
import type { ApiDeps } from '../server.js';
import { campaignsOf } from '../scope.js';
import { route, type Route, type RouteDoc } from './route.js';

const whereQuery = Object.fromEntries(
  FILTER_DIMENSIONS.map((d) => [DIMENSIONS[d], z.string().min(1).max(LIMITS.label).optional()]),
);
const dimension = z.enum(Object.keys(DIMENSIONS) as [Dimension, ...Dimension[]]);
/** What every export takes. */
const rowsQuery = {
  /** arrow, parquet or csv; absent: as the Accept header asks, else csv. */
  format: z.enum(EXPORT_FORMATS).optional(),
  /** A UTF-8 byte-order mark before a CSV (Excel on Chinese Windows needs it). */
  bom: z.enum(['true', 'false']).default('false'),
  from: z.iso.datetime({ offset: true }).optional(),
  to: z.iso.datetime({ offset: true }).optional(),
  ...whereQuery,
};
const factQuery = z.strictObject(rowsQuery);
const exportQuery = z.strictObject({
  /** The dimension the rows are by (REGION when absent); `by` is the same, its older name. */
  dimension: dimension.optional(),
  by: dimension.optional(),
  /** The zone of hours and days (by HOUR, DAY): an IANA zone; default the reporting zone. */
  tz: z.enum(TIME_ZONES).optional(),
  ...rowsQuery,
});
type FactQuery = z.infer<typeof factQuery>;

/** The format asked for, else the first of ours the Accept header names (highest q first), else CSV. */
export function formatOf(asked: ExportFormat | undefined, accept: string | null): ExportFormat {
  if (asked) return asked;
  const wanted = (accept ?? '')
    .split(',')
    .map((part, i) => {
      const [type = '', ...params] = part.split(';').map((s) => s.trim().toLowerCase());
      const q = Number(params.find((p) => p.startsWith('q='))?.slice(2) ?? 1);
      return { type, q: Number.isNaN(q) ? 0 : q, i };
    })
    .filter((w) => w.q > 0)
    .sort((a, b) => b.q - a.q || a.i - b.i);
  for (const w of wanted) {
    const format = EXPORT_FORMATS.find((f) => EXPORT_MEDIA[f].type.split(';')[0] === w.type);
    if (format) return format;
  }
  return 'csv';
}

/** The dimension values the query names. */
const whereOf = (query: Record<string, unknown>) =>
  Object.fromEntries(
    FILTER_DIMENSIONS.filter((d) => query[DIMENSIONS[d]] !== undefined).map((d) => [
      d,
      String(query[DIMENSIONS[d]]),
    ]),
  );

const answer = (body: ReadableStream<Uint8Array> | null, format: ExportFormat, name: string) =>
  new Response(body, {
    headers: {
      'content-type': EXPORT_MEDIA[format].type,
      'content-disposition': `attachment; filename="${name}.${EXPORT_MEDIA[format].extension}"`,
      vary: 'accept',
    },
  });

/** The answer of every export: one of three formats, as asked. */
const FILE_ANSWER = {
  description:
    'The rows, streamed: an Arrow IPC stream (pandas, polars, pyarrow), Parquet or CSV. An empty range still carries the columns.',
  type: EXPORT_FORMATS.map((f) => EXPORT_MEDIA[f].type.split(';')[0]!),
};

/** A fact table's reference: its columns, and which are masked for whom. */
const factDoc = (table: FactTable): RouteDoc => {
  const columns: readonly ExportColumn[] = EXPORT_TABLES[table].columns;
  const masked = columns.filter((c) => c.mask).map((c) => `\`${c.name}\``);
  return {
    tag: 'export',
    summary: `Export ${table} (Arrow, Parquet or CSV)`,
    description: [
      `Columns: ${columns.map((c) => `\`${c.name}\` (${c.type})`).join(', ')}.`,
      masked.length
        ? `${masked.join(', ')} come with phones, e-mails, ID and card numbers replaced to every reader but compliance and admin.`
        : '',
      "The format is `format=`, else the first of the three the Accept header names, else CSV. Narrowed by `from`/`to` and by the dimension values of the KPIs (a turn's or decision's call's); a campaign-scoped key sees its campaigns only.",
    ].join(' '),
    responses: { 200: FILE_ANSWER },
  };
};

/** Who did which export of what (the query: range and filters, never the rows). */
const auditOf = (table: string) => ({
  action: `export.${table}`,
  target: ({ url }: { url: URL }) => `${table}${url.search}`.slice(0, 1_000),
});

/** GET /export/kpis, then /export/turns, /export/calls and /export/decisions. */
export function exportRoutes(deps: ApiDeps): Route[] {
  const fact = (table: FactTable) =>
    route<undefined, FactQuery>({
      method: 'GET',
      path: `/export/${table}`,
      roles: ANALYSTS,
      query: factQuery,
      audit: auditOf(table),
      doc: factDoc(table),
      async handle({ query, principal, request }) {
        const format = formatOf(query.format, request.headers.get('accept'));
        if (request.method === 'HEAD') return answer(null, format, table);
        const body = await factExport(
          deps.store,
          table,
          {
            format,
            from: query.from,
            to: query.to,
            where: whereOf(query),
            campaigns: campaignsOf(principal),
            whole: TRANSCRIPT_READERS.has(principal!.role),
            bom: query.bom === 'true',
          },
          request.signal,
        );
        return answer(body, format, table);
      },
    });
  return [
    route<undefined, z.infer<typeof exportQuery>>({
      method: 'GET',
      path: '/export/kpis',
      roles: ANALYSTS,
      query: exportQuery,
      audit: auditOf('kpis'),
      doc: {
        tag: 'export',
        summary: 'Export the KPI table by a dimension (CSV, Arrow or Parquet)',
        description:
          'One row per value of the dimension (`dimension=`, REGION when absent) with every KPI of the catalogue; hours and days in the reporting time zone or `tz=`. CSV unless `format=` or the Accept header asks for Arrow or Parquet; `bom=true` for Excel on Chinese Windows.',
        responses: { 200: FILE_ANSWER },
      },
      async handle({ query, principal, request }) {
        const format = formatOf(query.format, request.headers.get('accept'));
        const by = query.dimension ?? query.by ?? 'REGION';
        const name = `kpis-${by.toLowerCase()}`;
        if (request.method === 'HEAD') return answer(null, format, name);
        const body = await kpiExport(
          deps.store,
          {
            format,
            dimension: by,
            from: query.from,
            to: query.to,
            where: whereOf(query),
            campaigns: campaignsOf(principal),
            timeZone: query.tz ?? deps.reportingTimeZone,
            bom: query.bom === 'true',
            costs: deps.costs,
          },
          request.signal,
        );
        return answer(body, format, name);
      },
    }),
    ...FACT_TABLES.map(fact),
  ];
}
