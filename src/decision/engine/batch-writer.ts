import { everyInTurn, type Clock } from '../../core/clock.js';
import type { Columns, Store } from '../../core/store/store.js';

/** Where a writer's rows go: the table, its columns as staged, and what DuckDB casts on insert. */
export interface BatchTable {
  table: string;
  /** The staging table's columns (the appender's types: timestamps and JSON travel as text). */
  columns: Columns;
  /** Per column, the SQL that casts it on insert; absent: as staged. */
  casts?: Readonly<Record<string, string>>;
  /** Appended to the INSERT (e.g. `ON CONFLICT DO NOTHING`). */
  onConflict?: string;
  /** The column naming a row (what writeAgain skips when already stored). */
  key: string;
}

/** Rows sent on rather than stored here (a decision replica's go to the loader through Kafka). */
export interface RowShip<R> {
  ship(rows: readonly R[]): Promise<void>;
}

/**
 * Writes a decision's by-products (the decision log, dialing violations) to
 * DuckDB in batches, off the decision's path: the decision is answered
 * first and its rows stored within `everyMs` (a timer of the clock). A
 * failed write keeps its rows for the next attempt. Given a RowShip in
 * place of the store, it ships them (the receiver skips repeats).
 */
export class BatchWriter<R extends { customer_id: string }> {
  private rows: R[] = [];
  private readonly timer: { stop(): Promise<void> };
  private writing: Promise<void> = Promise.resolve();
  private readonly sql: { stage: string; create: string; insert: string; again: string };
  private readonly columns: Columns;
  /** Told the rows of each batch once they are stored. */
  onWritten: ((rows: readonly R[]) => void) | undefined;

  constructor(
    target: BatchTable,
    private readonly to: Store | RowShip<R>,
    clock: Clock,
    private readonly onError: (err: unknown) => void,
    everyMs = 500,
  ) {
    const names = Object.keys(target.columns);
    const stage = `stage_${target.table}`;
    const insert = `INSERT INTO ${target.table} (${names.join(', ')}) SELECT ${names
      .map((n) => target.casts?.[n] ?? n)
      .join(', ')} FROM ${stage}`;
    const ts = target.casts?.['ts'] ?? 'ts';
    this.sql = {
      stage,
      create: `CREATE TEMP TABLE IF NOT EXISTS ${stage} (${names.map((n) => `${n} ${target.columns[n]}`).join(', ')})`,
      insert: `${insert} ${target.onConflict ?? ''}`,
      // Rows that may be stored already: only those that are not (looked for from the batch's first time on).
      again: `${insert} WHERE ${target.key} NOT IN (SELECT ${target.key} FROM ${target.table}
        WHERE ts >= (SELECT min(${ts}) FROM ${stage})) ${target.onConflict ?? ''}`,
    };
    this.columns = target.columns;
    this.timer = everyInTurn(clock, everyMs, () => this.flush(), onError);
  }

  add(row: R): void {
    this.rows.push(row);
  }

  /** Drops an erased customer's rows not written yet (the store deletes those written). */
  forget(customerId: string): void {
    this.rows = this.rows.filter((r) => r.customer_id !== customerId);
  }

  flush(): Promise<void> {
    this.writing = this.writing.then(async () => {
      if (this.rows.length === 0) return;
      const batch = this.rows;
      this.rows = [];
      try {
        await this.write(batch, this.sql.insert);
      } catch (err) {
        this.rows = batch.concat(this.rows);
        return this.onError(err);
      }
      this.written(batch);
    });
    return this.writing;
  }

  /**
   * Rows a process that died may have stored or not (the journal had them
   * unwritten): stored now, each once.
   */
  writeAgain(rows: R[]): Promise<void> {
    const again = this.writing.then(async () => {
      if (rows.length === 0) return;
      await this.write(rows, this.sql.again);
      this.written(rows);
    });
    this.writing = again.catch(() => undefined);
    return again;
  }

  private async write(batch: R[], insert: string): Promise<void> {
    if ('ship' in this.to) return this.to.ship(batch);
    await this.to.transaction(async (tx) => {
      await tx.run(this.sql.create);
      await tx.append(this.sql.stage, this.columns, batch);
      await tx.run(insert);
      await tx.run(`DELETE FROM ${this.sql.stage}`);
    });
  }

  /** Stored: told to onWritten, whose failure is reported, never taken for the write's. */
  private written(batch: R[]): void {
    try {
      this.onWritten?.(batch);
    } catch (err) {
      this.onError(err);
    }
  }

  async close(): Promise<void> {
    void this.timer.stop();
    await this.flush();
  }
}
