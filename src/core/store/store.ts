import { mkdirSync, rmSync } from 'node:fs';
import { dirname } from 'node:path';
import { Worker } from 'node:worker_threads';
import { DialwiseError } from '../errors.js';
import { MIGRATIONS, type Migration } from './migrations.js';
import type { Columns, Params, StoreCall, StoreReply } from './store-thread.js';

export type { Columns, Params } from './store-thread.js';
export type Row = Record<string, unknown>;

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
 * transaction) and one reader connection that sees committed data, both
 * held by the file's own thread (`store-thread.ts`): this side keeps the
 * order of transactions, the reads in flight and the swaps of `compact`.
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
  /** close() closes once, however often it is called. */
  private closeOnce: Promise<void> | undefined;
  /** Per-connection setup (temporary staging tables), run again on every new writer. */
  private readonly setups: ((tx: Tx) => Promise<void>)[] = [];

  private readonly writer: Tx;

  private constructor(
    private readonly path: string,
    private readonly thread: StoreThread,
  ) {
    this.writer = writerTx(thread);
  }

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
    const thread = new StoreThread();
    try {
      await thread.call({ op: 'connect', path, options });
    } catch (err) {
      await thread.end();
      throw err;
    }
    return new Store(path, thread);
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
      const tx = this.writer;
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
      await this.writer.run('CHECKPOINT');
    });
    this.queue = next.catch(() => undefined);
    return next;
  }

  async query<T = Row>(sql: string, params?: Params): Promise<T[]> {
    if (this.closing) throw CLOSED();
    if (this.swapping) await this.swapping;
    const read = this.thread.call<T[]>({ op: 'read', sql, ...(params && { params }) });
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
  close(): Promise<void> {
    this.closeOnce ??= (async () => {
      this.closing = true;
      await this.queue;
      await Promise.allSettled([...this.reads]);
      this.closed = true;
      await this.thread.call({ op: 'close' }).finally(() => this.thread.end());
    })();
    return this.closeOnce;
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
      const w = this.writer;
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
        await this.reopen(fresh);
      } finally {
        this.swapping = undefined;
        reopened();
      }
    });
    this.queue = next.catch(() => undefined);
    return next;
  }

  /**
   * Opens the file anew (replaying its log), `fresh` renamed over it first
   * when given, and sets the writer up again; stays broken if it cannot.
   */
  private async reopen(fresh?: string): Promise<void> {
    await this.thread.call({ op: 'reopen', ...(fresh && { fresh }) });
    for (const setup of this.setups) await setup(this.writer);
    this.broken = false;
  }
}

function writerTx(thread: StoreThread): Tx {
  return {
    run: (sql, params) => thread.call({ op: 'run', sql, ...(params && { params }) }),
    all: <T>(sql: string, params?: Params) =>
      thread.call<T[]>({ op: 'all', sql, ...(params && { params }) }),
    append: async (table, columns, rows) => {
      if (rows.length === 0) return;
      const values = Object.keys(columns).map((name) =>
        (rows as Record<string, unknown>[]).map((row) => row[name]),
      );
      await thread.call({ op: 'append', table, columns, values });
    },
  };
}

/** Where the thread's module is: beside this one, compiled or (tsx, tests) as TypeScript. */
const THREAD_MODULE = new URL(
  import.meta.url.endsWith('.ts') ? './store-thread.ts' : './store-thread.js',
  import.meta.url,
);

/**
 * The file's thread and its requests in flight. It keeps the process alive
 * only while a request is waiting for it, as a socket would.
 */
class StoreThread {
  private readonly worker = new Worker(THREAD_MODULE);
  private readonly waiting = new Map<
    number,
    { resolve(v: unknown): void; reject(e: Error): void }
  >();
  private next = 0;
  private gone: Error | undefined;

  constructor() {
    this.worker.unref();
    this.worker.on('message', (reply: StoreReply) => this.settle(reply));
    this.worker.on('error', (err) => this.fail(err));
    this.worker.on('exit', (code) => this.fail(new Error(`the store's thread exited (${code})`)));
  }

  call<T = void>(call: StoreCall): Promise<T> {
    if (this.gone) return Promise.reject(this.gone);
    const id = this.next++;
    if (this.waiting.size === 0) this.worker.ref();
    return new Promise<T>((resolve, reject) => {
      this.waiting.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.worker.postMessage({ id, call });
    });
  }

  async end(): Promise<void> {
    this.gone ??= CLOSED();
    await this.worker.terminate();
  }

  private settle(reply: StoreReply): void {
    const waiter = this.waiting.get(reply.id);
    if (!waiter) return;
    this.waiting.delete(reply.id);
    if (this.waiting.size === 0) this.worker.unref();
    if (reply.ok) waiter.resolve(reply.value);
    else if (reply.opening)
      waiter.reject(
        new DialwiseError('STORE_FAILED', `cannot open DuckDB file ${reply.message}`, {
          cause: new Error(reply.message),
        }),
      );
    else waiter.reject(new Error(reply.message));
  }

  private fail(err: Error): void {
    this.gone ??= err;
    for (const waiter of this.waiting.values()) waiter.reject(err);
    this.waiting.clear();
  }
}

const CLOSED = () => new DialwiseError('UNAVAILABLE', 'the store is closing', { retryAfterS: 5 });

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
