import type { Clock } from '../../core/clock.js';
import type { Columns, Store } from '../../core/store/store.js';
import { BatchWriter, type RowShip } from './batch-writer.js';
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
  generation: 'VARCHAR',
  tokens: 'INTEGER',
};
const CAST: Record<string, string> = { ts: 'ts::TIMESTAMPTZ', context: 'context::JSON' };

/**
 * Writes decision records to DuckDB's decisions table in batches, off the
 * decision's path: a decision is answered first and logged within `everyMs`.
 */
export class DecisionLogWriter extends BatchWriter<DecisionRecord> {
  constructor(
    to: Store | RowShip<DecisionRecord>,
    clock: Clock,
    onError: (err: unknown) => void,
    everyMs = 500,
  ) {
    const table = { table: 'decisions', columns: COLUMNS, casts: CAST, key: 'decision_id' };
    super(table, to, clock, onError, everyMs);
  }
}
