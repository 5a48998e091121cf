/**
 * Analysts' clock: days and hours of day in a reporting zone, against a
 * table worked out by hand, from the roll-up and from the calls alike; a
 * CSV with a byte-order mark for Excel on Chinese Windows.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportKpis, kpisBy, kpiSeries, rollUpAgain } from '../../src/analytics/kpis/index.js';
import { migrate, Store } from '../../src/core/store/store.js';
import { tmpDir } from '../helpers/tmp.js';

// started_at (UTC) → Asia/Shanghai (UTC+8), worked out by hand:
const CALLS: [string, string, string][] = [
  ['c1', '2026-03-01T15:30:00Z', '华东'], // Shanghai 03-01 23:30
  ['c2', '2026-03-01T16:30:00Z', '华东'], // Shanghai 03-02 00:30
  ['c3', '2026-03-02T03:00:00Z', '华南'], // Shanghai 03-02 11:00
  ['c4', '2026-03-02T23:59:00Z', '华南'], // Shanghai 03-03 07:59
];

describe('KPIs in the reporting time zone', () => {
  let store: Store;
  let dir: string;

  beforeAll(async () => {
    dir = tmpDir();
    store = await Store.open(join(dir, 'tz.duckdb'));
    await migrate(store);
    await store.transaction(async (tx) => {
      for (const [id, at, region] of CALLS)
        await tx.run(
          `INSERT INTO calls (call_id, customer_id, region, started_at, answered, duration_s)
           VALUES (?, ?, ?, ?::TIMESTAMPTZ, true, 60)`,
          [id, `u-${id}`, region, at],
        );
      // As the sink does: their hours are not rolled up yet, so the calls answer for them.
      await tx.run(
        `INSERT INTO kpi_dirty SELECT DISTINCT date_trunc('hour', started_at AT TIME ZONE 'UTC')
         FROM calls ON CONFLICT DO NOTHING`,
      );
    });
  });
  afterAll(() => store.close());

  const days = async (timeZone?: string) =>
    (await kpiSeries(store, 'day', null, { timeZone })).map((r) => ({
      at: r.at.toISOString(),
      calls: r.calls,
    }));

  it.each([
    ['from the calls', false],
    ['from the roll-up', true],
  ])('splits days at midnight in Asia/Shanghai, not at 08:00 (%s)', async (_, rolled) => {
    if (rolled) await rollUpAgain(store);
    expect(await days('Asia/Shanghai')).toEqual([
      { at: '2026-02-28T16:00:00.000Z', calls: 1 }, // 03-01 in Shanghai
      { at: '2026-03-01T16:00:00.000Z', calls: 2 }, // 03-02
      { at: '2026-03-02T16:00:00.000Z', calls: 1 }, // 03-03
    ]);
    expect(await days()).toEqual([
      { at: '2026-03-01T00:00:00.000Z', calls: 2 },
      { at: '2026-03-02T00:00:00.000Z', calls: 2 },
    ]);
  });

  it('gives the hour of day in the zone', async () => {
    const hours = async (timeZone: string) =>
      (await kpisBy(store, 'HOUR', { timeZone })).map((r) => r.key).sort();
    expect(await hours('Asia/Shanghai')).toEqual(['00', '07', '11', '23']);
    expect(await hours('UTC')).toEqual(['03', '15', '16', '23']);
  });

  it('refuses a zone that does not exist', async () => {
    await expect(kpisBy(store, null, { timeZone: 'Mars/Olympus' })).rejects.toMatchObject({
      code: 'BAD_REQUEST',
    });
  });

  it('writes a CSV with a UTF-8 byte-order mark when asked, Chinese intact', async () => {
    const out = join(dir, 'region.csv');
    await exportKpis(store, { dimension: 'REGION', format: 'csv', bom: true }, out);
    const bytes = readFileSync(out);
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(bytes.subarray(3).toString('utf8')).toMatch(/^key,/);
    expect(bytes.toString('utf8')).toContain('华东');
    const plain = join(dir, 'plain.csv');
    await exportKpis(store, { dimension: 'REGION', format: 'csv' }, plain);
    expect(readFileSync(plain).subarray(0, 3).toString()).toBe('key');
  });
});
