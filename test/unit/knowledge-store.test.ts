import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { migrate, Store } from '../../src/core/store/store.js';
import { loadKnowledge, retrieve } from '../../src/models/knowledge/index.js';
import { knowledgeFolder as folder } from '../helpers/knowledge.js';

const counts = async (store: Store) =>
  (
    await store.query<{ t: string; n: bigint }>(
      `SELECT 'versions' AS t, count(*) AS n FROM knowledge_versions
       UNION ALL SELECT 'chunks', count(*) FROM knowledge_chunks
       UNION ALL SELECT 'postings', count(*) FROM knowledge_postings
       UNION ALL SELECT 'weights', count(*) FROM knowledge_weights ORDER BY t`,
    )
  ).map((r) => `${r.t}=${r.n}`);

describe('loading knowledge into the store', () => {
  let store: Store;
  beforeEach(async () => {
    store = await Store.open(':memory:');
    await migrate(store);
  });
  afterEach(() => store.close());

  it('loads the sample knowledge base once per version and tokenizer', async () => {
    const first = await loadKnowledge(store, 'config/knowledge', { tokenizer: 'bigram-char' });
    expect(first).toMatchObject({ tokenizer: 'bigram-char', loaded: true });
    expect(first.chunks).toBeGreaterThan(40);
    const after = await counts(store);
    const n = (t: string) => after.find((c) => c.startsWith(`${t}=`));
    expect(n('weights')!.slice(8)).toBe(n('postings')!.slice(9));

    const again = await loadKnowledge(store, 'config/knowledge', { tokenizer: 'bigram-char' });
    expect(again).toEqual({ ...first, loaded: false });
    expect(await counts(store)).toEqual(after);

    const jieba = await loadKnowledge(store, 'config/knowledge', { tokenizer: 'jieba' });
    expect(jieba).toMatchObject({ version: first.version, loaded: true });
    const [row] = await store.query<{ n: bigint }>(
      `SELECT count(*) AS n FROM knowledge_chunks WHERE tokenizer = 'jieba'`,
    );
    expect(Number(row!.n)).toBe(first.chunks);
  });

  it('refuses the same version with other content, and keeps a new version beside the old', async () => {
    const v1 = folder('v1', { 'a.md': '## 犹豫期 {#cooling}\n签收后15天内可以全额退保。' });
    await loadKnowledge(store, v1, { tokenizer: 'bigram' });
    const changed = folder('v1', { 'a.md': '## 犹豫期 {#cooling}\n签收后20天内可以全额退保。' });
    await expect(loadKnowledge(store, changed, { tokenizer: 'bigram' })).rejects.toMatchObject({
      code: 'CONFLICT',
    });
    await expect(loadKnowledge(store, changed, { tokenizer: 'jieba' })).rejects.toMatchObject({
      code: 'CONFLICT',
    });

    const v2 = folder('v2', { 'a.md': '## 犹豫期 {#cooling}\n签收后20天内可以全额退保。' });
    expect(await loadKnowledge(store, v2, { tokenizer: 'bigram' })).toMatchObject({
      loaded: true,
    });
    const text = async (version: string) =>
      (await retrieve(store, '犹豫期多少天', { version, tokenizer: 'bigram', k: 1 }))[0]?.text;
    expect(await text('v1')).toContain('15天');
    expect(await text('v2')).toContain('20天');
  });

  it('refuses a bad folder, and keeps nothing of a load that fails part way', async () => {
    const bad = folder('v1', { 'a.md': '## 一 {#x}\n甲\n## 二 {#x}\n乙' });
    await expect(loadKnowledge(store, bad, { tokenizer: 'bigram' })).rejects.toMatchObject({
      code: 'CONFIG_INVALID',
    });
    // The postings' append fails after the chunks were inserted in the same transaction.
    const failing: Pick<Store, 'transaction'> = {
      transaction: (fn) =>
        store.transaction((tx) =>
          fn({ ...tx, append: () => Promise.reject(new Error('disk full')) }),
        ),
    };
    await expect(
      loadKnowledge(failing, 'config/knowledge', { tokenizer: 'bigram' }),
    ).rejects.toThrow('disk full');
    expect(await counts(store)).toEqual(['chunks=0', 'postings=0', 'versions=0', 'weights=0']);
    expect(await loadKnowledge(store, 'config/knowledge', { tokenizer: 'bigram' })).toMatchObject({
      loaded: true,
    });
  });
});
