import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GENERATION_SETTINGS } from '../../src/core/config-generation.js';
import { migrate, Store } from '../../src/core/store/store.js';
import {
  BM25,
  loadKnowledge,
  readKnowledge,
  retrieve,
  TOKENIZERS,
} from '../../src/models/knowledge/index.js';
import { knowledgeFolder } from '../helpers/knowledge.js';

let store: Store;
beforeAll(async () => {
  store = await Store.open(':memory:');
  await migrate(store);
});
afterAll(() => store.close());

describe('BM25 retrieval', () => {
  it('scores as BM25 does: IDF, term frequency saturated, length normalised', async () => {
    const dir = knowledgeFolder('bm25', {
      'kb.md':
        '## a {#a}\nalpha beta beta\n## b {#b}\nalpha gamma gamma gamma gamma\n## c {#c}\ndelta',
    });
    await loadKnowledge(store, dir, { tokenizer: 'bigram' });
    const { chunks } = readKnowledge(dir);
    const docs = chunks.map((c) => TOKENIZERS.bigram(`${c.title}\n${c.text}`));
    const avgdl = docs.reduce((s, d) => s + d.length, 0) / docs.length;
    const { k1, b } = BM25;
    const expected = (query: string[], doc: string[]) =>
      query.reduce((sum, term) => {
        const df = docs.filter((d) => d.includes(term)).length;
        const tf = doc.filter((t) => t === term).length;
        const idf = Math.log(1 + (docs.length - df + 0.5) / (df + 0.5));
        return sum + (idf * tf * (k1 + 1)) / (tf + k1 * (1 - b + (b * doc.length) / avgdl));
      }, 0);

    const hits = await retrieve(store, 'beta alpha', {
      version: 'bm25',
      tokenizer: 'bigram',
      k: 5,
    });
    expect(hits.map((h) => h.id)).toEqual(['kb#a', 'kb#b']);
    expect(hits[0]!.score).toBeCloseTo(expected(['beta', 'alpha'], docs[0]!), 9);
    expect(hits[1]!.score).toBeCloseTo(expected(['beta', 'alpha'], docs[1]!), 9);
    expect(hits[0]).toMatchObject({ title: 'kb / a', text: 'alpha beta beta', source: 'kb.md' });
    expect(
      await retrieve(store, 'alpha', { version: 'bm25', tokenizer: 'bigram', k: 1 }),
    ).toHaveLength(1);
    expect(await retrieve(store, '？！ ', { version: 'bm25', tokenizer: 'bigram', k: 3 })).toEqual(
      [],
    );
    expect(await retrieve(store, 'alpha', { version: 'bm25', tokenizer: 'jieba', k: 3 })).toEqual(
      [],
    );
  });

  it("keeps to the call's campaign and the shared chunks", async () => {
    const dir = knowledgeFolder(
      'campaigns',
      {
        'wealth.md': '## 提前赎回 {#early}\n理财封闭期内不能提前赎回。',
        'loan.md': '## 提前还款 {#early}\n贷款可以提前还款，不收违约金。',
        'company.md': '## 提前预约 {#booking}\n人工顾问可以提前预约回电。',
      },
      { 'spring-promo': ['wealth.md'], renewal: ['loan.md'] },
    );
    await loadKnowledge(store, dir, { tokenizer: 'bigram-char' });
    const ids = async (campaign?: string) =>
      (
        await retrieve(store, '能不能提前', {
          version: 'campaigns',
          tokenizer: 'bigram-char',
          k: 10,
          ...(campaign && { campaign }),
        })
      )
        .map((h) => h.id)
        .sort();
    expect(await ids('spring-promo')).toEqual(['company#booking', 'wealth#early']);
    expect(await ids('renewal')).toEqual(['company#booking', 'loan#early']);
    expect(await ids('no-such-campaign')).toEqual(['company#booking']);
    expect(await ids()).toEqual(['company#booking', 'loan#early', 'wealth#early']);
  });

  it('finds by characters what shares no bigram, with the -char tokenizers only', async () => {
    const dir = knowledgeFolder('chars', {
      'risk.md': '## 风险 {#risk}\n净值会波动，本金可能亏损。',
      'fees.md': '## 费用 {#fees}\n认购费为零。',
    });
    const ask = (tokenizer: 'bigram' | 'bigram-char') =>
      retrieve(store, '会亏本吗', { version: 'chars', tokenizer, k: 3 });
    await loadKnowledge(store, dir, { tokenizer: 'bigram' });
    await loadKnowledge(store, dir, { tokenizer: 'bigram-char' });
    expect(await ask('bigram')).toEqual([]);
    expect((await ask('bigram-char')).map((h) => h.id)).toEqual(['risk#risk']);
  });
});

describe('retrieval on the sample knowledge base', () => {
  const tokenizer = GENERATION_SETTINGS.knowledgeTokenizer.schema.parse(undefined);
  const kb = readKnowledge('config/knowledge');
  beforeAll(() => loadKnowledge(store, 'config/knowledge', { tokenizer }));

  it('defaults to the tokenizer with the best held-out recall@3', () => {
    const bench = JSON.parse(readFileSync('bench/results/knowledge.json', 'utf8')) as {
      best: string;
    };
    expect(tokenizer).toBe(bench.best);
  });

  // A handful of the held-out questions (bench/data), with their labels.
  const heldOut = new Map(
    ['knowledge-questions.json', 'knowledge-questions-2.json'].flatMap((file) =>
      (
        JSON.parse(readFileSync(`bench/data/${file}`, 'utf8')) as {
          questions: { q: string; campaign: string; answers: string[] }[];
        }
      ).questions.map((q) => [q.q, q] as const),
    ),
  );
  it.each([
    '合同里违约金怎么算',
    '借了三个月就想全部还清行不行',
    '是等额本息还是怎么还的',
    '你们那个稳赢九十天收益率大概多少',
    '出车祸住院也有等待期吗',
    '信用卡逾期违约金是多少',
    '你们会不会问我要验证码',
  ])('answers "%s" with a labelled chunk in the top 3', async (text) => {
    const { q, campaign, answers } = heldOut.get(text)!;
    const hits = await retrieve(store, q, { version: kb.version, tokenizer, k: 3, campaign });
    expect(hits.map((h) => h.id).filter((id) => answers.includes(id))).not.toEqual([]);
    for (const h of hits) expect(h.score).toBeGreaterThan(0);
  });
});
