import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportKpis, kpisBy, rollUpAgain } from '../../src/analytics/kpis/index.js';
import { migrate, Store } from '../../src/core/store/store.js';
import { tmpDir } from '../helpers/tmp.js';

describe('KPI export', () => {
  let store: Store;
  let dir: string;

  beforeAll(async () => {
    dir = tmpDir();
    store = await Store.open(join(dir, 'kpi.duckdb'));
    await migrate(store);
    const calls: [string, string, string, boolean, string | null, string | null, number][] = [
      ['c1', 'u1', 'north', true, 'converted', null, 120],
      ['c2', 'u2', 'north', true, 'complaint', 'human', 60],
      ['c3', 'u2', 'north', false, null, null, 0],
      ['c4', 'u3', 'south', true, 'converted', null, 95.5],
      ['c5', 'u4', 'east', false, null, null, 0],
    ];
    await store.transaction(async (tx) => {
      for (const [id, cust, region, answered, outcome, queue, dur] of calls) {
        await tx.run(
          `INSERT INTO calls (call_id, customer_id, region, started_at, answered, outcome,
             transferred_queue, duration_s)
           VALUES (?, ?, ?, '2024-05-01T10:00:00Z'::TIMESTAMPTZ, ?, ?, ?, ?)`,
          [id, cust, region, answered, outcome, queue, dur],
        );
      }
    });
    await rollUpAgain(store);
  });
  afterAll(() => store.close());

  const normalise = (rows: Record<string, unknown>[]) =>
    rows.map((r) =>
      Object.fromEntries(
        Object.entries(r).map(([k, v]) => [k, typeof v === 'bigint' ? Number(v) : v]),
      ),
    );

  it.each(['csv', 'parquet'] as const)(
    'writes REGION as %s, readable back by DuckDB',
    async (format) => {
      const expected = await kpisBy(store, 'REGION');
      const out = join(dir, `region.${format}`);
      const result = await exportKpis(store, { dimension: 'REGION', format }, out);
      expect(result).toEqual({ rows: 3, file: out });
      const reader = format === 'csv' ? 'read_csv_auto' : 'read_parquet';
      const back = await store.query(`SELECT * FROM ${reader}(?)`, [out]);
      expect(normalise(back)).toEqual(expected);
      expect(back.map((r) => r.key)).toEqual(['north', 'east', 'south']);
    },
  );

  it('rejects a path with a quote and an unknown dimension', async () => {
    await expect(
      exportKpis(store, { dimension: 'REGION', format: 'csv' }, join(dir, "it's.csv")),
    ).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    await expect(
      exportKpis(store, { dimension: 'NOPE' as never, format: 'csv' }, join(dir, 'x.csv')),
    ).rejects.toMatchObject({ code: 'BAD_REQUEST', message: expect.stringContaining('dimension') });
  });

  it('groups calls without a value for the dimension as "(none)"', async () => {
    // The fixture's calls carry no campaign.
    const rows = await kpisBy(store, 'CAMPAIGN');
    expect(rows.map((r) => [r.key, r.calls])).toEqual([['(none)', 5]]);
  });
});
