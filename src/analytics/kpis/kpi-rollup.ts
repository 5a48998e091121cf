import type { Store } from '../../core/store/store.js';
import { DIMENSION_COLUMNS, MEASURE_NAMES } from './kpi-catalogue.js';
import { CALL_ROW, CUSTOMER_ROW, IN_SAMPLE } from './kpi-source.js';

const HOUR_MS = 3_600_000;

/**
 * Recomputes the roll-up of the hours whose calls changed since (kpi_dirty,
 * marked by the sink in the same transaction as the calls), oldest first, at
 * most `maxHours` a round: the hours, their sampled customers and their dirty
 * marks change together, in one transaction. Returns the hours done.
 */
export async function refreshRollup(store: Store, maxHours = 168): Promise<number> {
  return store.transaction(async (tx) => {
    const dirty = await tx.all<{ ms: number }>(
      'SELECT epoch_ms(hour)::DOUBLE AS ms FROM kpi_dirty ORDER BY hour LIMIT ?',
      [maxHours],
    );
    if (dirty.length === 0) return 0;
    const hours = dirty.map((d) => d.ms);
    const text = hours.map((ms) => new Date(ms).toISOString().slice(0, 19).replace('T', ' '));
    const inHours = `hour IN (${hours.map(() => '?::TIMESTAMP').join(', ')})`;
    for (const table of ['kpi_hourly', 'kpi_customers', 'kpi_dirty'])
      await tx.run(`DELETE FROM ${table} WHERE ${inHours}`, text);

    // Contiguous hours read as one range: the scan stays on the row groups that hold them.
    const ranges: { lo: number; hi: number }[] = [];
    for (const h of hours) {
      const last = ranges[ranges.length - 1];
      if (last && last.hi === h) last.hi = h + HOUR_MS;
      else ranges.push({ lo: h, hi: h + HOUR_MS });
    }
    const calls = (row: string, where = '') =>
      ranges
        .map(
          () => `SELECT ${row} FROM calls
            WHERE started_at >= ?::TIMESTAMPTZ AND started_at < ?::TIMESTAMPTZ${where}`,
        )
        .join(' UNION ALL ');
    const bounds = ranges.flatMap((r) => [
      new Date(r.lo).toISOString(),
      new Date(r.hi).toISOString(),
    ]);
    const dims = DIMENSION_COLUMNS.join(', ');
    await tx.run(
      `INSERT INTO kpi_hourly (hour, ${dims}, ${MEASURE_NAMES.join(', ')})
       SELECT hour, ${dims}, ${MEASURE_NAMES.map((m) => `sum(${m})`).join(', ')}
       FROM (${calls(CALL_ROW)}) GROUP BY ALL`,
      bounds,
    );
    await tx.run(
      `INSERT INTO kpi_customers SELECT DISTINCT hour, ${dims}, customer_id
       FROM (${calls(CUSTOMER_ROW, ` AND ${IN_SAMPLE}`)})`,
      bounds,
    );
    return hours.length;
  });
}

/**
 * Marks every hour with calls to be rolled up again: after calls were
 * written by anything but the sink (a repair, an import, a test fixture).
 */
export async function rollUpAgain(store: Store): Promise<void> {
  await store.transaction((tx) =>
    tx.run(`INSERT INTO kpi_dirty
      SELECT DISTINCT date_trunc('hour', started_at AT TIME ZONE 'UTC') FROM calls
      WHERE started_at IS NOT NULL ON CONFLICT DO NOTHING`),
  );
}
