/**
 * The DuckDB file's own thread: it holds the instance and both connections
 * and runs every statement, append and read the `Store` sends it. What
 * DuckDB does synchronously in the calling thread (building and flushing an
 * appender's chunks, turning result rows into JavaScript values) then never
 * stalls the process's event loop, where the decision API answers.
 *
 * Node runs this file as it is (types stripped) under tsx and the tests, and
 * compiled from dist: it imports only node and DuckDB, and types.
 */
import { renameSync, rmSync } from 'node:fs';
import { parentPort } from 'node:worker_threads';
import {
  BIGINT,
  BOOLEAN,
  DOUBLE,
  DuckDBDataChunk,
  DuckDBInstance,
  INTEGER,
  VARCHAR,
  type DuckDBConnection,
  type DuckDBType,
  type DuckDBValue,
} from '@duckdb/node-api';

export type Params = DuckDBValue[] | Record<string, DuckDBValue>;

/**
 * Column types for `Tx.append`, by column name in table order. Timestamps and
 * JSON travel as VARCHAR (ISO 8601, JSON text): append to a VARCHAR staging
 * table and let DuckDB cast them on INSERT … SELECT.
 */
export type Columns = Record<string, 'VARCHAR' | 'INTEGER' | 'BIGINT' | 'DOUBLE' | 'BOOLEAN'>;

/** What the `Store` asks of this thread, one request per message. */
export type StoreCall =
  | { op: 'connect'; path: string; options: Record<string, string> }
  | { op: 'run' | 'all' | 'read'; sql: string; params?: Params }
  /** Rows by column (`values[c][r]`), in table order: arrays of plain values clone fast. */
  | { op: 'append'; table: string; columns: Columns; values: unknown[][] }
  | { op: 'close' }
  /** Closes, renames `fresh` over the file (when given), opens again. */
  | { op: 'reopen'; fresh?: string };

export type StoreReply = { id: number } & (
  { ok: true; value: unknown } | { ok: false; message: string; opening: boolean }
);

/** DuckDB's vector size: a data chunk holds at most this many rows. */
const CHUNK_ROWS = 2048;

const CHUNK_TYPE: Record<Columns[string], DuckDBType> = {
  VARCHAR: VARCHAR,
  INTEGER: INTEGER,
  BIGINT: BIGINT,
  DOUBLE: DOUBLE,
  BOOLEAN: BOOLEAN,
};

const CONVERT: Record<Columns[string], (v: unknown) => DuckDBValue> = {
  VARCHAR: (v) => (typeof v === 'string' ? v : JSON.stringify(v)),
  INTEGER: Number,
  BIGINT: (v) => BigInt(v as number),
  DOUBLE: Number,
  BOOLEAN: Boolean,
};

/** Appends through DuckDB's appender in columnar data chunks; `columns` lists every column in table order. */
async function append(
  conn: DuckDBConnection,
  table: string,
  columns: Columns,
  values: unknown[][],
): Promise<void> {
  const kinds = Object.values(columns);
  const types = kinds.map((k) => CHUNK_TYPE[k]);
  const rows = values[0]?.length ?? 0;
  const appender = await conn.createAppender(table);
  try {
    for (let from = 0; from < rows; from += CHUNK_ROWS) {
      const size = Math.min(CHUNK_ROWS, rows - from);
      const chunk = DuckDBDataChunk.create(types, size);
      kinds.forEach((kind, c) => {
        const convert = CONVERT[kind];
        const column = values[c]!;
        const part = new Array<DuckDBValue>(size);
        for (let r = 0; r < size; r++) {
          const v = column[from + r];
          part[r] = v === null || v === undefined ? null : convert(v);
        }
        chunk.setColumnValues(c, part);
      });
      appender.appendDataChunk(chunk);
    }
    appender.flushSync();
  } finally {
    appender.closeSync();
  }
}

interface Open {
  path: string;
  options: Record<string, string>;
  instance: DuckDBInstance;
  writer: DuckDBConnection;
  reader: DuckDBConnection;
}

let open: Open | undefined;

/** The file could not be opened: the file's fault, not a statement's. */
class OpenFailed extends Error {}

async function connect(path: string, options: Record<string, string>): Promise<void> {
  try {
    const instance = await DuckDBInstance.create(path, options);
    open = {
      path,
      options,
      instance,
      writer: await instance.connect(),
      reader: await instance.connect(),
    };
  } catch (err) {
    throw new OpenFailed(`${path}: ${err instanceof Error ? err.message : String(err)}`);
  }
}

function closeAll(): void {
  for (const c of open ? [open.writer, open.reader, open.instance] : [])
    try {
      c.closeSync();
    } catch {
      // Already unusable.
    }
}

function opened(): Open {
  if (!open) throw new Error('the store is not open');
  return open;
}

async function rows(conn: DuckDBConnection, sql: string, params?: Params) {
  return (await conn.runAndReadAll(sql, params)).getRowObjectsJS();
}

async function serve(call: StoreCall): Promise<unknown> {
  switch (call.op) {
    case 'connect':
      return connect(call.path, call.options);
    case 'run':
      return void (await opened().writer.run(call.sql, call.params));
    case 'all':
      return rows(opened().writer, call.sql, call.params);
    case 'read':
      return rows(opened().reader, call.sql, call.params);
    case 'append':
      return append(opened().writer, call.table, call.columns, call.values);
    case 'close':
      closeAll();
      open = undefined;
      return undefined;
    case 'reopen': {
      const { path, options } = opened();
      closeAll();
      let failed: unknown;
      if (call.fresh)
        try {
          renameSync(call.fresh, path);
          rmSync(`${path}.wal`, { force: true });
        } catch (err) {
          failed = err; // the old file is still whole: it is opened again
        }
      await connect(path, options);
      if (failed) throw failed;
      return undefined;
    }
  }
}

function reply(msg: StoreReply): void {
  try {
    parentPort!.postMessage(msg);
  } catch (err) {
    // A value that cannot cross threads: the request fails, the thread goes on.
    parentPort!.postMessage({
      id: msg.id,
      ok: false,
      message: `the store's reply cannot be passed back: ${err instanceof Error ? err.message : String(err)}`,
      opening: false,
    } satisfies StoreReply);
  }
}

parentPort?.on('message', (msg: { id: number; call: StoreCall }) => {
  serve(msg.call).then(
    (value) => reply({ id: msg.id, ok: true, value }),
    (err: unknown) =>
      reply({
        id: msg.id,
        ok: false,
        message: err instanceof Error ? err.message : String(err),
        opening: err instanceof OpenFailed,
      }),
  );
});
