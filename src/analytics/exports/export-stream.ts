/**
 * Exports as byte streams that are read from the store only as fast as
 * they are consumed: a pull-based ReadableStream asks for the next page
 * when its reader (the HTTP socket, a file) has taken the last one. Parquet
 * needs the whole file before its first byte: the pages go to a temporary
 * JSON-lines file, a DuckDB of its own turns it into Parquet, and the file
 * is streamed and deleted when read to the end, cancelled or abandoned.
 */
import { DuckDBInstance } from '@duckdb/node-api';
import { mkdtemp, open, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DialwiseError } from '../../core/errors.js';
import type { Store } from '../../core/store/store.js';
import { exportKpis, kpisBy, KPI_COLUMNS, type CallCosts, type Dimension } from '../kpis/index.js';
import { arrowEncoder, csvEncoder, jsonLines, SQL_TYPES, type Encoder } from './export-encoders.js';
import { exportPages, type ExportFilter, type Row } from './export-pages.js';
import {
  EXPORT_TABLES,
  type ColumnType,
  type ExportColumn,
  type FactTable,
} from './export-tables.js';

export const EXPORT_FORMATS = ['arrow', 'parquet', 'csv'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

/** Each format's media type and file extension (`.arrows`: an Arrow IPC stream). */
export const EXPORT_MEDIA: Record<ExportFormat, { type: string; extension: string }> = {
  arrow: { type: 'application/vnd.apache.arrow.stream', extension: 'arrows' },
  parquet: { type: 'application/vnd.apache.parquet', extension: 'parquet' },
  csv: { type: 'text/csv; charset=utf-8', extension: 'csv' },
};

export interface ExportRequest extends ExportFilter {
  format: ExportFormat;
  /** Personal text whole (a transcript reader); else masked. */
  whole: boolean;
  /** A UTF-8 byte-order mark before a CSV. */
  bom?: boolean | undefined;
  /** Rows per page read from the store (default PAGE_ROWS). */
  pageRows?: number | undefined;
}

/** The KPI table of one dimension: KPIs are aggregates, with nothing personal in them. */
export interface KpiStreamRequest extends Omit<ExportRequest, 'whole' | 'pageRows'> {
  dimension: Dimension;
  timeZone?: string | undefined;
  costs?: CallCosts | undefined;
}

/** Bytes of a file read per pull. */
const FILE_CHUNK = 256 * 1024;

/**
 * A byte stream that takes the next chunk only when asked; `close` runs
 * once, at the end, on cancel or when `signal` aborts (the client left).
 */
export function pullStream(
  chunks: AsyncIterator<Uint8Array>,
  close: () => Promise<void>,
  signal?: AbortSignal,
): ReadableStream<Uint8Array> {
  let done = false;
  let controller: ReadableStreamDefaultController<Uint8Array> | undefined;
  const end = async () => {
    if (done) return;
    done = true;
    signal?.removeEventListener('abort', onAbort);
    try {
      await chunks.return?.();
    } finally {
      await close();
    }
  };
  const onAbort = () => {
    void end()
      .catch(() => undefined)
      .then(() => {
        try {
          controller?.close();
        } catch {
          // Closed already.
        }
      });
  };
  return new ReadableStream<Uint8Array>({
    start(c) {
      controller = c;
      if (signal?.aborted) onAbort();
      else signal?.addEventListener('abort', onAbort, { once: true });
    },
    async pull(c) {
      try {
        const next = done ? undefined : await chunks.next();
        if (done) return;
        if (!next || next.done) {
          await end();
          c.close();
        } else c.enqueue(next.value);
      } catch (err) {
        await end().catch(() => undefined);
        c.error(err);
      }
    },
    cancel: end,
  });
}

/** A file streamed in chunks; `cleanup` once it is closed. */
async function fileStream(
  path: string,
  cleanup: () => Promise<void>,
  signal?: AbortSignal,
): Promise<ReadableStream<Uint8Array>> {
  const file = await open(path, 'r');
  async function* chunks() {
    for (;;) {
      const buffer = Buffer.allocUnsafe(FILE_CHUNK);
      const { bytesRead } = await file.read(buffer, 0, FILE_CHUNK, null);
      if (bytesRead === 0) return;
      yield buffer.subarray(0, bytesRead);
    }
  }
  return pullStream(
    chunks(),
    async () => {
      await file.close();
      await cleanup();
    },
    signal,
  );
}

/**
 * The file `write` makes in a temporary folder, streamed; the folder is
 * removed on failure or once the stream is closed.
 */
async function inTempDir(
  write: (dir: string) => Promise<string>,
  signal?: AbortSignal,
): Promise<ReadableStream<Uint8Array>> {
  const dir = await mkdtemp(join(tmpdir(), 'dialwise-export-'));
  const remove = () => rm(dir, { recursive: true, force: true });
  try {
    return await fileStream(await write(dir), remove, signal);
  } catch (err) {
    await remove();
    throw err;
  }
}

/**
 * DuckDB's settings for turning the staged rows into Parquet: an instance
 * of its own, so the store's reader is not held for the conversion, on one
 * thread (rows stay in order, and a thread's buffers are all it holds) and
 * within a memory limit, spilling to the export's temporary folder past it.
 * Row groups of 64Ki rows (DuckDB's default is 120Ki): measured on turns,
 * the conversion then holds about 100 MiB whether it writes 1M rows or 4M.
 */
const CONVERTER = { threads: '1', memory_limit: '128MB' };
const ROW_GROUP_ROWS = 65_536;

/** The pages as JSON lines in a file, then that file as Parquet, typed per column. */
async function parquetFile(
  columns: readonly ExportColumn[],
  pages: AsyncIterable<readonly Row[]>,
  dir: string,
): Promise<string> {
  const staged = join(dir, 'rows.jsonl');
  const out = join(dir, 'rows.parquet');
  if (dir.includes("'")) throw new DialwiseError('BAD_REQUEST', 'temp path has a quote');
  const file = await open(staged, 'w');
  try {
    for await (const rows of pages) await file.write(jsonLines(columns, rows));
  } finally {
    await file.close();
  }
  const types = columns.map((c) => `'${c.name}': '${SQL_TYPES[c.type]}'`).join(', ');
  const names = columns.map((c) => `"${c.name}"`).join(', ');
  const db = await DuckDBInstance.create(':memory:', { ...CONVERTER, temp_directory: dir });
  try {
    const conn = await db.connect();
    await conn.run(
      `COPY (SELECT ${names} FROM read_json('${staged}', format = 'newline_delimited',
         columns = {${types}})) TO '${out}' (FORMAT parquet, ROW_GROUP_SIZE ${ROW_GROUP_ROWS})`,
    );
    conn.closeSync();
  } finally {
    db.closeSync();
  }
  await rm(staged);
  return out;
}

/** The encoder's head, a page per page, its tail. */
async function* encoded(enc: Encoder, pages: AsyncIterable<Row[]> | Iterable<Row[]>) {
  yield enc.head;
  for await (const rows of pages) yield enc.page(rows);
  if (enc.tail.length) yield enc.tail;
}

/**
 * A fact table's rows as Arrow, Parquet or CSV. The first page is read
 * before this resolves, so a query that fails does so here, before any
 * byte is sent.
 */
export async function factExport(
  store: Store,
  name: FactTable,
  req: ExportRequest,
  signal?: AbortSignal,
): Promise<ReadableStream<Uint8Array>> {
  const table = EXPORT_TABLES[name];
  const pages = exportPages(store, table, req, { whole: req.whole, pageRows: req.pageRows });
  if (req.format === 'parquet')
    return inTempDir((dir) => parquetFile(table.columns, pages, dir), signal);
  const first = await pages.next();
  async function* all() {
    if (!first.done) yield first.value;
    yield* pages;
  }
  const enc =
    req.format === 'arrow' ? arrowEncoder(table.columns) : csvEncoder(table.columns, req.bom);
  return pullStream(encoded(enc, all()), async () => undefined, signal);
}

const KPI_TYPES: Record<string, ColumnType> = {
  VARCHAR: 'utf8',
  BIGINT: 'int64',
  DOUBLE: 'float64',
  BOOLEAN: 'bool',
};
/** The KPI table's columns, as the CSV and Parquet export has them. */
export const KPI_EXPORT_COLUMNS: readonly ExportColumn[] = KPI_COLUMNS.map((c) => ({
  name: c.name,
  type: KPI_TYPES[c.type]!,
}));

/** The KPI table of one dimension: a row per value, so it is read whole and sent as one batch. */
export async function kpiExport(
  store: Store,
  req: KpiStreamRequest,
  signal?: AbortSignal,
): Promise<ReadableStream<Uint8Array>> {
  const { format, dimension, costs, ...rest } = req;
  if (format !== 'arrow')
    return inTempDir(async (dir) => {
      const file = join(dir, `kpis.${format}`);
      await exportKpis(store, { ...rest, dimension, format }, file, costs);
      return file;
    }, signal);
  const rows = await kpisBy(store, dimension, { ...rest, costs });
  const enc = arrowEncoder(KPI_EXPORT_COLUMNS);
  return pullStream(encoded(enc, [rows]), async () => undefined, signal);
}
