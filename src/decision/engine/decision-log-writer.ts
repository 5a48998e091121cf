import type { Clock } from '../../core/clock.js';
import type { Columns, Store } from '../../core/store/store.js';
import type { DecisionRecord } from './engine-contract.js';

/** The staging table's columns: the timestamp and the context travel as text and DuckDB casts them. */
const COLUMNS: Columns = {
  decision_id: 'VARCHAR',
  ts: 'VARCHAR',
  call_id: 'VARCHAR',
  customer_id: 'VARCHAR',
  campaign_id: 'VARCHAR',
  state: 'VARCHAR',
  node: 'VARCHAR',
  segment: 'VARCHAR',
  variant: 'VARCHAR',
  propensity: 'DOUBLE',
  script_version: 'VARCHAR',
  action: 'VARCHAR',
  reason: 'VARCHAR',
  blocked: 'VARCHAR',
  micros: 'INTEGER',
  kind: 'VARCHAR',
  // JSON text, cast on insert (the appender has no JSON type).
  context: 'VARCHAR',
  policy_version: 'VARCHAR',
};
const NAMES = Object.keys(COLUMNS);
const CAST: Record<string, string> = { ts: 'ts::TIMESTAMPTZ', context: 'context::JSON' };

/**
 * Writes decision records to DuckDB's decisions table in batches, off the
 * decision's path: a decision is answered first and logged within `everyMs`
 * (a timer of the clock). A failed write keeps its rows for the next attempt.
 */
export class DecisionLogWriter {
  private rows: DecisionRecord[] = [];
  private readonly stopTimer: () => void;
  private writing: Promise<void> = Promise.resolve();

  constructor(
    private readonly store: Store,
    clock: Clock,
    private readonly onError: (err: unknown) => void,
    everyMs = 500,
  ) {
    this.stopTimer = clock.every(everyMs, () => void this.flush());
  }

  add(record: DecisionRecord): void {
    this.rows.push(record);
  }

  /** Drops an erased customer's decisions not written yet (the store deletes those written). */
  forget(customerId: string): void {
    this.rows = this.rows.filter((r) => r.customer_id !== customerId);
  }

  flush(): Promise<void> {
    this.writing = this.writing.then(async () => {
      if (this.rows.length === 0) return;
      const batch = this.rows;
      this.rows = [];
      try {
        await this.store.transaction(async (tx) => {
          await tx.run(
            `CREATE TEMP TABLE IF NOT EXISTS stage_decisions (${NAMES.map((n) => `${n} ${COLUMNS[n]}`).join(', ')})`,
          );
          await tx.append('stage_decisions', COLUMNS, batch);
          await tx.run(
            `INSERT INTO decisions (${NAMES.join(', ')}) SELECT ${NAMES.map((n) => CAST[n] ?? n).join(', ')} FROM stage_decisions`,
          );
          await tx.run('DELETE FROM stage_decisions');
        });
      } catch (err) {
        this.rows = batch.concat(this.rows);
        this.onError(err);
      }
    });
    return this.writing;
  }

  async close(): Promise<void> {
    this.stopTimer();
    await this.flush();
  }
}
