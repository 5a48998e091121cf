import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MIGRATIONS } from '../../src/core/store/migrations.js';
import { migrate, Store } from '../../src/core/store/store.js';
import { tmpDir } from '../helpers/tmp.js';

const tables = async (store: Store) =>
  (
    await store.query<{ name: string }>(
      'SELECT table_name AS name FROM information_schema.tables ORDER BY 1',
    )
  ).map((r) => r.name);

describe('migrations', () => {
  it('apply in order to an empty file', async () => {
    const store = await Store.open(join(tmpDir(), 'a.duckdb'));
    expect(await migrate(store)).toEqual(MIGRATIONS.map((m) => m.version));
    expect(await tables(store)).toEqual(
      expect.arrayContaining([
        'calls',
        'compliance_hits',
        'dead_letters',
        'profiles',
        'schema_migrations',
        'stream_offsets',
        'turns',
      ]),
    );
    await store.close();
  });

  it('apply only what an existing file lacks, keeping its data', async () => {
    const path = join(tmpDir(), 'b.duckdb');
    let store = await Store.open(path);
    expect(await migrate(store, MIGRATIONS.slice(0, 1))).toEqual([1]);
    await store.transaction(async (tx) => {
      await tx.run("INSERT INTO api_keys VALUES ('h', 'n', 'admin', now())");
      await tx.run(`INSERT INTO customers (customer_id, phone_hash, attributes, calls, updated_at)
        VALUES ('c1', 'ph', '{"industry":"retail"}', 4, now())`);
    });
    await store.close();

    store = await Store.open(path);
    expect(await migrate(store)).toEqual(MIGRATIONS.slice(1).map((m) => m.version));
    expect(await migrate(store)).toEqual([]);
    expect(await store.query('SELECT name FROM api_keys')).toEqual([{ name: 'n' }]);
    const [profile] = await store.query<{ state: string; phone_hash: string }>(
      "SELECT state, phone_hash FROM profiles WHERE customer_id = 'c1'",
    );
    expect(profile!.phone_hash).toBe('ph');
    expect(JSON.parse(profile!.state)).toMatchObject({ calls: 4, crm: { industry: 'retail' } });
    await store.close();
  });

  it('roll back a failing migration and leave the file usable', async () => {
    const store = await Store.open(join(tmpDir(), 'c.duckdb'));
    const bad = [
      ...MIGRATIONS,
      {
        version: 99,
        name: 'broken',
        sql: 'CREATE TABLE x (a INTEGER); SELECT * FROM missing_table;',
      },
    ];
    await expect(migrate(store, bad)).rejects.toThrow(/missing_table/);
    const versions = await store.query<{ version: number }>(
      'SELECT version FROM schema_migrations ORDER BY 1',
    );
    expect(versions.map((v) => v.version)).toEqual(MIGRATIONS.map((m) => m.version));
    expect(await tables(store)).not.toContain('x');
    await store.close();
  });

  it('have unique, increasing version numbers', () => {
    const v = MIGRATIONS.map((m) => m.version);
    expect(v).toEqual([...new Set(v)].sort((a, b) => a - b));
  });
});
