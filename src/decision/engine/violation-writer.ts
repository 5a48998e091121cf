import type { Clock } from '../../core/clock.js';
import type { Columns, Store } from '../../core/store/store.js';
import type { DialingViolation } from './engine-contract.js';

/** The staging table's columns: the timestamp travels as text and DuckDB casts it. */
const COLUMNS: Columns = {
  id: 'VARCHAR',
  ts: 'VARCHAR',
  call_id: 'VARCHAR',
  customer_id: 'VARCHAR',
  campaign_id: 'VARCHAR',
  rule: 'VARCHAR',
  detail: 'VARCHAR',
  mode: 'VARCHAR',
};
const NAMES = Object.keys(COLUMNS);

/**
 * Writes dialing violations to DuckDB's `dialing_violations` in batches,
 * off the decision's path, as DecisionLogWriter writes the decision log: a
 * refusal is answered first and stored within `everyMs`. A failed write
 * keeps its rows for the next attempt; a violation already stored (the same
 * call and rule, after a restart) is not stored twice.
 */
export class ViolationWriter {
  private rows: DialingViolation[] = [];
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

  add(v: DialingViolation): void {
    this.rows.push(v);
  }

  /** Drops an erased customer's violations not written yet (the store deletes those written). */
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
            `CREATE TEMP TABLE IF NOT EXISTS stage_violations (${NAMES.map((n) => `${n} ${COLUMNS[n]}`).join(', ')})`,
          );
          await tx.append('stage_violations', COLUMNS, batch);
          await tx.run(
            `INSERT INTO dialing_violations
             SELECT ${NAMES.map((n) => (n === 'ts' ? 'ts::TIMESTAMPTZ' : n)).join(', ')}
             FROM stage_violations ON CONFLICT DO NOTHING`,
          );
          await tx.run('DELETE FROM stage_violations');
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
