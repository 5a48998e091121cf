import type { Clock } from '../../core/clock.js';
import type { Columns, Store } from '../../core/store/store.js';
import { BatchWriter, type RowShip } from './batch-writer.js';
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

/**
 * Writes dialing violations to DuckDB's `dialing_violations` in batches,
 * off the decision's path: a refusal is answered first and stored within
 * `everyMs`. A violation already stored (the same call and rule, after a
 * restart) is not stored twice.
 */
export class ViolationWriter extends BatchWriter<DialingViolation> {
  constructor(
    to: Store | RowShip<DialingViolation>,
    clock: Clock,
    onError: (err: unknown) => void,
    everyMs = 500,
  ) {
    super(
      {
        table: 'dialing_violations',
        columns: COLUMNS,
        casts: { ts: 'ts::TIMESTAMPTZ' },
        onConflict: 'ON CONFLICT DO NOTHING',
        key: 'id',
      },
      to,
      clock,
      onError,
      everyMs,
    );
  }
}
