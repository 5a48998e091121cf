import { createWriteStream } from 'node:fs';
import { rm, stat } from 'node:fs/promises';
import { extname } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as NodeReadableStream } from 'node:stream/web';
import {
  EXPORT_FORMATS,
  factExport,
  FACT_TABLES,
  kpiExport,
  type ExportFormat,
  type FactTable,
} from '../analytics/exports/index.js';
import { DIMENSIONS, FILTER_DIMENSIONS, type Dimension } from '../analytics/kpis/index.js';
import { audit } from '../analytics/records/index.js';
import { openStore } from '../app/index.js';
import type { Config } from '../core/config.js';
import { DialwiseError } from '../core/errors.js';
import type { Logger } from '../core/log.js';
import { runningPlatform } from './admin-api.js';

/** A filter dimension's flag: its query parameter, kebab-cased (`--product-line`). */
const flagOf = (d: (typeof FILTER_DIMENSIONS)[number]) => DIMENSIONS[d].replaceAll('_', '-');
/** The string flags this command takes beyond --from, --to and --out. */
export const EXPORT_FLAGS = ['format', 'dimension', 'tz', ...FILTER_DIMENSIONS.map(flagOf)];

export const EXPORT_USAGE = `export turns|calls|decisions|kpis --out FILE [--format arrow|parquet|csv]
        [--from ISO] [--to ISO] [--bom] [--dimension D] [--tz ZONE]
        [${FILTER_DIMENSIONS.map((d) => `--${flagOf(d)} V`).join('] [')}]
                             stream turns, calls, decisions or the KPI table (by --dimension,
                             REGION when absent) to FILE as an Arrow IPC stream, Parquet or
                             CSV (--format, else FILE's extension .arrows/.arrow, .parquet or
                             .csv); --from/--to: [from, to) in ISO 8601 with an offset;
                             --bom: a UTF-8 byte-order mark before a CSV; through the running
                             platform with the admin key when one is up on this data folder,
                             else from the DuckDB file; as admin: text whole, audited`;

const BY_EXTENSION: Record<string, ExportFormat> = {
  '.arrows': 'arrow',
  '.arrow': 'arrow',
  '.parquet': 'parquet',
  '.csv': 'csv',
};

type Flags = Record<string, string | boolean | undefined>;

/** What to export, checked: the table, the format, the file, the query as the REST route takes it. */
function request(table: string | undefined, flags: Flags) {
  const str = (k: string) => (typeof flags[k] === 'string' ? (flags[k] as string) : undefined);
  const out = str('out');
  const asked = str('format') ?? BY_EXTENSION[extname(out ?? '').toLowerCase()] ?? 'csv';
  const tables: readonly string[] = [...FACT_TABLES, 'kpis'];
  if (!table || !tables.includes(table) || !out || !EXPORT_FORMATS.includes(asked as never))
    throw new DialwiseError('BAD_REQUEST', `usage: dialwise ${EXPORT_USAGE}`);
  const format = asked as ExportFormat;
  const bad = (why: string) =>
    new DialwiseError('BAD_REQUEST', `${why}\n\nusage: dialwise ${EXPORT_USAGE}`);
  for (const k of ['from', 'to'])
    if (str(k) !== undefined && Number.isNaN(Date.parse(str(k)!)))
      throw bad(`--${k}: not an ISO 8601 time: ${str(k)}`);
  const dimension = str('dimension');
  if (dimension !== undefined && !(dimension in DIMENSIONS))
    throw bad(`--dimension: one of ${Object.keys(DIMENSIONS).join(', ')}`);
  const query = new URLSearchParams({ format });
  for (const k of ['from', 'to', ...(table === 'kpis' ? ['dimension', 'tz'] : [])])
    if (str(k)) query.set(k, str(k)!);
  const where: Partial<Record<(typeof FILTER_DIMENSIONS)[number], string>> = {};
  for (const d of FILTER_DIMENSIONS) {
    const v = str(flagOf(d));
    if (v === undefined) continue;
    where[d] = v;
    query.set(DIMENSIONS[d], v);
  }
  if (flags.bom === true) query.set('bom', 'true');
  return { table: table as FactTable | 'kpis', format, out, query, where, str };
}

/** The export from the running platform's API, as its admin. */
async function fromApi(url: string, key: string, path: string) {
  const res = await fetch(`${url}${path}`, { headers: { authorization: `Bearer ${key}` } });
  if (!res.ok || !res.body) {
    const body = (await res.json().catch(() => ({}))) as { error?: { message: string } };
    throw new DialwiseError('BAD_REQUEST', body.error?.message ?? res.statusText);
  }
  return res.body;
}

/**
 * `dialwise export …`: streams the export into the file as it comes,
 * through the running platform on this data folder (it holds the DuckDB
 * file), else read from the file as the admin "cli" (audited as such).
 */
export async function exportCommand(
  config: Config,
  logger: Logger,
  table: string | undefined,
  flags: Flags,
): Promise<{ table: string; format: ExportFormat; out: string; bytes: number }> {
  const r = request(table, flags);
  const path = `/export/${r.table}?${r.query}`;
  const write = async (body: ReadableStream<Uint8Array>) => {
    try {
      await pipeline(Readable.fromWeb(body as NodeReadableStream), createWriteStream(r.out));
    } catch (err) {
      await rm(r.out, { force: true });
      throw err;
    }
  };
  const run = await runningPlatform(config);
  if (run) {
    await write(await fromApi(run.url, run.key, path));
  } else {
    const store = await openStore(config, logger);
    try {
      const cli = { name: 'cli', role: 'admin' };
      await audit(store, cli, `export.${r.table}`, path.slice('/export/'.length));
      const filter = { format: r.format, from: r.str('from'), to: r.str('to'), where: r.where };
      const body =
        r.table === 'kpis'
          ? await kpiExport(store, {
              ...filter,
              dimension: (r.str('dimension') ?? 'REGION') as Dimension,
              timeZone: r.str('tz') ?? config.reportingTimeZone,
              bom: flags.bom === true,
              costs: {
                botPerMinute: config.costPerMinuteBot,
                agentPerMinute: config.costPerMinuteAgent,
              },
            })
          : await factExport(store, r.table, { ...filter, whole: true, bom: flags.bom === true });
      await write(body);
    } finally {
      await store.close();
    }
  }
  return { table: r.table, format: r.format, out: r.out, bytes: (await stat(r.out)).size };
}
