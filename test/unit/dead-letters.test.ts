import { describe, expect, it } from 'vitest';
import { createFieldCipher } from '../../src/core/crypto.js';
import { migrate, Store } from '../../src/core/store/store.js';
import {
  deadLetter,
  deadLetterPage,
  DuckDbSink,
  emptyRows,
  sealedOriginals,
} from '../../src/pipelines/index.js';

const cipher = createFieldCipher(Buffer.alloc(32, 5).toString('base64'));

async function storeWith(letters: number) {
  const store = await Store.open(':memory:');
  await migrate(store);
  const sink = new DuckDbSink(store);
  await sink.init();
  const rows = emptyRows();
  for (let i = 0; i < letters; i++)
    rows.deadLetters.push(
      deadLetter(
        i === 0 ? undefined : cipher,
        'http',
        `bad ${i}`,
        `{"n":${i}}`,
        '2026-11-01T00:00:00Z',
      ),
    );
  await sink.write(rows, []);
  return store;
}

describe('dead letters as the API reads them', () => {
  it('pages newest first, below an id', async () => {
    const store = await storeWith(5);
    const first = await deadLetterPage(store, { limit: 2 });
    expect(first.map((d) => d.reason)).toEqual(['bad 4', 'bad 3']);
    expect(typeof first[0]!.id).toBe('number');
    const next = await deadLetterPage(store, { limit: 10, before: first[1]!.id });
    expect(next.map((d) => d.reason)).toEqual(['bad 2', 'bad 1', 'bad 0']);
    await store.close();
  });

  it('gives the sealed originals of the ids asked for, null where none was kept', async () => {
    const store = await storeWith(3);
    const ids = (await deadLetterPage(store, { limit: 10 })).map((d) => d.id);
    const originals = await sealedOriginals(store, [...ids, 999]);
    expect(originals).toHaveLength(3);
    const byReason = new Map(originals.map((o) => [o.id, o.sealed]));
    const oldest = Math.min(...ids);
    expect(byReason.get(oldest)).toBeNull();
    for (const id of ids.filter((i) => i !== oldest))
      expect(cipher.decrypt(byReason.get(id)!)).toMatch(/^\{"n":\d\}$/);
    await store.close();
  });
});
