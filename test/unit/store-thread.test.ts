import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Store } from '../../src/core/store/store.js';
import { watchStalls } from '../helpers/stalls.js';
import { tmpDir } from '../helpers/tmp.js';

const ROWS = 300_000;

describe('the store on its own thread', () => {
  it('appends a large batch while the event loop keeps turning', async () => {
    const store = await Store.open(join(tmpDir(), 'big.duckdb'));
    try {
      await store.transaction((tx) => tx.run('CREATE TABLE t (id BIGINT, name VARCHAR)'));
      const rows = Array.from({ length: ROWS }, (_, i) => ({ id: i, name: `customer ${i}` }));
      const began = performance.now();
      const done = store.transaction((tx) =>
        tx.append('t', { id: 'BIGINT', name: 'VARCHAR' }, rows),
      );
      const stalls = watchStalls();
      await done;
      const took = performance.now() - began;
      const longest = stalls.stop();
      // On the event loop's thread, building and flushing the chunks stalled it for most of the
      // append (measured: 171 of 283 ms); now only handing the columns over does (47 of 369 ms).
      expect(longest).toBeLessThan(took / 3);
      const [{ n, last } = { n: 0n, last: '' }] = await store.query<{ n: bigint; last: string }>(
        'SELECT count(*) AS n, max_by(name, id) AS last FROM t',
      );
      expect(n).toBe(BigInt(ROWS));
      expect(last).toBe(`customer ${ROWS - 1}`);
    } finally {
      await store.close();
    }
  });

  it("keeps DuckDB's message, rolls the transaction back and goes on", async () => {
    const store = await Store.open(join(tmpDir(), 'errors.duckdb'));
    try {
      await store.transaction((tx) => tx.run('CREATE TABLE k (id INTEGER PRIMARY KEY)'));
      await expect(
        store.transaction(async (tx) => {
          await tx.run('INSERT INTO k VALUES (1)');
          await tx.run('INSERT INTO k VALUES (1)');
        }),
      ).rejects.toThrow(/duplicate key "1"/);
      await store.transaction((tx) => tx.run('INSERT INTO k VALUES (2)'));
      expect(await store.query('SELECT id FROM k')).toEqual([{ id: 2 }]);
    } finally {
      await store.close();
    }
    await expect(store.query('SELECT 1')).rejects.toThrow(/closing/);
    await expect(store.close()).resolves.toBeUndefined(); // closes once
    await expect(store.transaction((tx) => tx.run('SELECT 1'))).rejects.toThrow(/closing/);
  });

  it('keeps a process alive only while a request waits for the thread', () => {
    const dir = tmpDir();
    // Opens a store, reads from it and never closes it: the process must still end.
    const script = `
      import { Store } from ${JSON.stringify(join(import.meta.dirname, '../../src/core/store/store.ts'))};
      const store = await Store.open(${JSON.stringify(join(dir, 'open.duckdb'))});
      setTimeout(async () => console.log('read', (await store.query('SELECT 42 AS x'))[0].x), 50);
    `;
    const file = join(dir, 'open-store.mts');
    writeFileSync(file, script);
    const run = spawnSync(process.execPath, ['--import', 'tsx', file], {
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(run.stderr).toBe('');
    expect(run.stdout.trim()).toBe('read 42');
    expect(run.status).toBe(0);
  });
});
