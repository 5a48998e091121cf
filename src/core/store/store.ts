import { mkdirSync, renameSync, rmSync } from 'node:fs';
import { dirname } from 'node:path';
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
import { DialwiseError } from '../errors.js';
import { MIGRATIONS, type Migration } from './migrations.js';

export type Row = Record<string, unknown>;
export type Params = DuckDBValue[] | Record<string, DuckDBValue>;

export interface Tx {
  run(sql: string, params?: Params): Promise<void>;
  all<T = Row>(sql: string, params?: Params): Promise<T[]>;
  /**
   * Appends rows through DuckDB's appender in columnar data chunks (numbers
   * copied as typed arrays, no SQL per row). `columns` must list every column
   * of `table`, in table order.
   */
  append(table: string, columns: Columns, rows: readonly object[]): Promise<void>;
}

/**
 * DuckDB file with one writer connection (writes are serialised, each in a
 * transaction) and one reader connection that sees committed data.
 */
export class Store {
  private queue: Promise<unknown> = Promise.resolve();
  /** Set after a fatal error: the next transaction opens the file anew first. */
  private broken = false;
  /** Reads running now (close waits for them); set once close has begun. */
  private readonly reads = new Set<Promise<unknown>>();
  private closing = false;
  /** Set while compact() swaps the file: reads wait for the new connections. */
  private swapping: Promise<void> | undefined;
  /** Set once the connections are closed: a write queued after close is refused. */
  private closed = false;
  /** Per-connection setup (temporary staging tables), run again on every new writer. */
  private readonly setups: ((tx: Tx) => Promise<void>)[] = [];

  private constructor(
    private readonly path: string,
    private readonly options: Record<string, string>,
    private instance: DuckDBInstance,
    private writer: DuckDBConnection,
    private reader: DuckDBConnection,
  ) {}

  /**
   * `memoryLimit` caps DuckDB's buffer memory (DuckDB's own default is 80% of
   * RAM). `checkpointThreshold` is the write-ahead log size that triggers a
   * checkpoint: DuckDB's 16MB default checkpoints after nearly every pipeline
   * commit, a larger log checkpoints less often and costs a longer replay at
   * start after a crash.
   */
  static async open(
    path: string,
    { memoryLimit = '1GB', checkpointThreshold = '256MB' } = {},
  ): Promise<Store> {
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
    const options = { memory_limit: memoryLimit, checkpoint_threshold: checkpointThreshold };
    const { instance, writer, reader } = await connect(path, options);
    return new Store(path, options, instance, writer, reader);
  }

  /** Runs `fn` on the writer connection now, and again whenever the file is opened anew. */
  async onConnect(fn: (tx: Tx) => Promise<void>): Promise<void> {
    this.setups.push(fn);
    await this.transaction(fn);
  }

  /** Runs `fn` in one transaction; concurrent callers wait their turn. */
  transaction<T>(fn: (tx: Tx) => Promise<T>): Promise<T> {
    return this.serialized(fn, 'COMMIT');
  }

  /**
   * Runs `fn` in a transaction that is always rolled back: whether the store
   * would take these writes, without keeping them (quarantine probes).
   */
  trial(fn: (tx: Tx) => Promise<void>): Promise<void> {
    return this.serialized(fn, 'ROLLBACK');
  }

  private serialized<T>(fn: (tx: Tx) => Promise<T>, end: 'COMMIT' | 'ROLLBACK'): Promise<T> {
    const next = this.queue.then(async () => {
      if (this.closed) throw CLOSED();
      if (this.broken) await this.reopen();
      const tx = txOf(this.writer);
      await tx.run('BEGIN TRANSACTION');
      try {
        const result = await fn(tx);
        await tx.run(end);
        return result;
      } catch (err) {
        await tx.run('ROLLBACK').catch(() => undefined);
        this.noteFatal(err);
        throw err;
      }
    });
    this.queue = next.catch(() => undefined);
    return next;
  }

  /**
   * Writes the log into the file now, between transactions on the writer:
   * what was deleted leaves the log, and its blocks are freed in the file.
   */
  checkpoint(): Promise<void> {
    const next = this.queue.then(async () => {
      if (this.closed) throw CLOSED();
      await txOf(this.writer).run('CHECKPOINT');
    });
    this.queue = next.catch(() => undefined);
    return next;
  }

  async query<T = Row>(sql: string, params?: Params): Promise<T[]> {
    if (this.closing) throw CLOSED();
    if (this.swapping) await this.swapping;
    const read = txOf(this.reader).all<T>(sql, params);
    this.reads.add(read);
    try {
      return await read;
    } catch (err) {
      this.noteFatal(err);
      throw err;
    } finally {
      this.reads.delete(read);
    }
  }

  /**
   * Closes once the writes queued and the reads running are done: a
   * connection closed under a running query takes the process down.
   */
  async close(): Promise<void> {
    this.closing = true;
    await this.queue;
    await Promise.allSettled([...this.reads]);
    this.closed = true;
    this.writer.closeSync();
    this.reader.closeSync();
    this.instance.closeSync();
  }

  /**
   * DuckDB invalidates a database after a fatal error (a checkpoint that
   * could not be written to a full disk, say) until it is opened again; the
   * file itself holds every committed transaction.
   */
  private noteFatal(err: unknown): void {
    if (/FATAL Error|database has been invalidated/.test(String(err))) this.broken = true;
  }

  /**
   * Rewrites the file so that nothing deleted stays in its bytes (an
   * erasure): DuckDB only marks deleted rows and frees blocks without
   * overwriting them, and a CHECKPOINT does not rewrite a row group for a
   * few deleted rows. The live data is copied into a fresh file (COPY FROM
   * DATABASE: tables with their constraints and indexes, sequences at their
   * current values), which replaces this one; no write-ahead log is left.
   * Writes wait their turn meanwhile, and reads wait for the swap. Takes
   * time in proportion to the whole file.
   */
  compact(): Promise<void> {
    const next = this.queue.then(async () => {
      if (this.closed) throw CLOSED();
      if (this.broken) await this.reopen();
      if (this.path === ':memory:') return;
      const fresh = `${this.path}.compact`;
      for (const f of [fresh, `${fresh}.wal`]) rmSync(f, { force: true });
      const w = txOf(this.writer);
      const [{ db } = { db: '' }] = await w.all<{ db: string }>('SELECT current_database() AS db');
      await w.run('CHECKPOINT');
      await w.run(`ATTACH '${fresh.replaceAll("'", "''")}' AS dialwise_compact`);
      try {
        await w.run(`COPY FROM DATABASE "${db.replaceAll('"', '""')}" TO dialwise_compact`);
      } finally {
        await w.run('DETACH dialwise_compact');
      }
      let reopened = () => {};
      this.swapping = new Promise((r) => (reopened = r));
      try {
        await Promise.allSettled([...this.reads]);
        await this.reopen(() => {
          renameSync(fresh, this.path);
          rmSync(`${this.path}.wal`, { force: true });
        });
      } finally {
        this.swapping = undefined;
        reopened();
      }
    });
    this.queue = next.catch(() => undefined);
    return next;
  }

  /**
   * Opens the file anew (replaying its log) and sets the writer up again;
   * stays broken if it cannot. `closed` runs between closing and opening.
   */
  private async reopen(closed?: () => void): Promise<void> {
    for (const close of [this.writer, this.reader, this.instance])
      try {
        close.closeSync();
      } catch {
        // Already unusable.
      }
    let failed: unknown;
    try {
      closed?.();
    } catch (err) {
      failed = err; // the old file is still whole: it is opened again
    }
    ({
      instance: this.instance,
      writer: this.writer,
      reader: this.reader,
    } = await connect(this.path, this.options));
    for (const setup of this.setups) await setup(txOf(this.writer));
    this.broken = false;
    if (failed) throw failed;
  }
}

async function connect(
  path: string,
  options: Record<string, string>,
): Promise<{ instance: DuckDBInstance; writer: DuckDBConnection; reader: DuckDBConnection }> {
  try {
    const instance = await DuckDBInstance.create(path, options);
    return { instance, writer: await instance.connect(), reader: await instance.connect() };
  } catch (err) {
    throw new DialwiseError('STORE_FAILED', `cannot open DuckDB file ${path}`, { cause: err });
  }
}

function txOf(conn: DuckDBConnection): Tx {
  return {
    async run(sql, params) {
      await conn.run(sql, params);
    },
    async all<T>(sql: string, params?: Params) {
      const reader = await conn.runAndReadAll(sql, params);
      return reader.getRowObjectsJS() as T[];
    },
    async append(table, columns, rows) {
      if (rows.length === 0) return;
      const names = Object.keys(columns);
      const types = names.map((n) => CHUNK_TYPE[columns[n]!]);
      const appender = await conn.createAppender(table);
      try {
        for (let from = 0; from < rows.length; from += CHUNK_ROWS) {
          const part = rows.slice(from, from + CHUNK_ROWS) as Record<string, unknown>[];
          const chunk = DuckDBDataChunk.create(types, part.length);
          names.forEach((name, c) => {
            const convert = CONVERT[columns[name]!];
            chunk.setColumnValues(
              c,
              part.map((row) => {
                const v = row[name];
                return v === null || v === undefined ? null : convert(v);
              }),
            );
          });
          appender.appendDataChunk(chunk);
        }
        appender.flushSync();
      } finally {
        appender.closeSync();
      }
    },
  };
}

const CLOSED = () => new DialwiseError('UNAVAILABLE', 'the store is closing', { retryAfterS: 5 });

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

/** Applies the migrations a file lacks, in order, each in its own transaction. */
export async function migrate(
  store: Store,
  migrations: Migration[] = MIGRATIONS,
): Promise<number[]> {
  await store.transaction((tx) =>
    tx.run(`CREATE TABLE IF NOT EXISTS schema_migrations (
      version INTEGER PRIMARY KEY, name VARCHAR NOT NULL, applied_at TIMESTAMPTZ NOT NULL)`),
  );
  const done = new Set(
    (await store.query<{ version: number }>('SELECT version FROM schema_migrations')).map(
      (r) => r.version,
    ),
  );
  const applied: number[] = [];
  for (const m of [...migrations].sort((a, b) => a.version - b.version)) {
    if (done.has(m.version)) continue;
    await store.transaction(async (tx) => {
      await tx.run(m.sql);
      await tx.run('INSERT INTO schema_migrations VALUES (?, ?, now())', [m.version, m.name]);
    });
    applied.push(m.version);
  }
  return applied;
}

/**
 * Column types for `Tx.append`, by column name in table order. Timestamps and
 * JSON travel as VARCHAR (ISO 8601, JSON text): append to a VARCHAR staging
 * table and let DuckDB cast them on INSERT … SELECT, off the JavaScript thread.
 */
export type Columns = Record<string, 'VARCHAR' | 'INTEGER' | 'BIGINT' | 'DOUBLE' | 'BOOLEAN'>;
