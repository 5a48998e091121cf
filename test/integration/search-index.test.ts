import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  bucketOf,
  decodeBlock,
  speakerTerm,
  tokensOf,
} from '../../src/analytics/search/format/index.js';
import {
  type IndexStore,
  SearchIndexer,
  searchTranscripts,
  type TranscriptQuery,
} from '../../src/analytics/search/index.js';
import { pick, seeded } from '../../src/core/rng.js';
import { migrate, Store, type Tx } from '../../src/core/store/store.js';
import { tmpDir } from '../helpers/tmp.js';

const admin = { name: 'root', role: 'admin' };
const EN = [
  'refund',
  'refunds',
  'refunded',
  'reform',
  'price',
  'please',
  'plan',
  'no',
  'ok',
  'it',
  'a',
  'card',
  'cards',
  'call',
  'back',
  'later',
  'Smith',
  'VIP',
  'iPhone15',
];
const ZH = [
  '退款',
  '退货',
  '价格',
  '保证',
  '收益',
  '年化',
  '信用卡',
  '您好',
  '谢谢',
  '钱',
  '开会',
  '王伟',
  '办理',
  '不需要',
];
const SPEAKERS = ['customer', 'bot', 'agent'] as const;
const START = Date.parse('2024-05-01T00:00:00Z');

interface Turn {
  id: string;
  speaker: string;
  text: string;
  ms: number;
  tokens?: string[];
}

function generate(seed: number, n: number, offset = 0): Turn[] {
  const rng = seeded(seed);
  return Array.from({ length: n }, (_, i) => {
    const words = Array.from({ length: 1 + Math.floor(rng() * 6) }, () =>
      rng() < 0.5 ? pick(rng, EN) : pick(rng, ZH),
    );
    // Chinese words run together or apart (English ones too seldom to give a prefix more
    // words than its expansion cap); now and then a full-width or upper-case form.
    const glue = rng() < 0.5 ? ' ' : '';
    let text = words.reduce(
      (t, w, i) => (i === 0 ? w : t + (/\w/.test(w[0]!) ? ' ' : glue) + w),
      '',
    );
    if (rng() < 0.1) text = text.toUpperCase();
    if (rng() < 0.1) text += ' ＲＥＦＵＮＤ，' + Math.floor(rng() * 100);
    // Mostly in arrival order, some late by up to an hour.
    const ms = START + (offset + i) * 97_000 - (rng() < 0.1 ? Math.floor(rng() * 3_600_000) : 0);
    return { id: `t${offset + i}`, speaker: pick(rng, SPEAKERS), text, ms };
  });
}

/** The README's matching rules, written out plainly over each turn's tokens. */
function matches(turn: Turn, q: TranscriptQuery): boolean {
  if (q.speaker && turn.speaker !== q.speaker) return false;
  if (q.from && turn.ms < Date.parse(q.from)) return false;
  if (q.to && turn.ms >= Date.parse(q.to)) return false;
  const have = (turn.tokens ??= tokensOf(turn.text));
  const want = tokensOf(q.text);
  return (
    want.length > 0 &&
    want.every((t) => {
      const chars = [...t].length;
      if (/\p{scx=Han}/u.test(t) && chars === 1) return have.some((h) => h.includes(t));
      if (/\p{scx=Han}/u.test(t)) return have.includes(t);
      return chars >= 3 ? have.some((h) => h.startsWith(t)) : have.includes(t);
    })
  );
}

const QUERIES: TranscriptQuery[] = [
  { text: 'refund' },
  { text: 'refun' },
  { text: 'REF' },
  { text: 'ref please' },
  { text: 'no' },
  { text: 'it a' },
  { text: 'iphone1' },
  { text: 'vip' },
  { text: '退款' },
  { text: '钱' },
  { text: '退' },
  { text: '信用卡' },
  { text: '保证收益' },
  { text: '价格 refund' },
  { text: 'ＲＥＦＵＮＤ' },
  { text: 'zzz' },
  { text: 'refund', speaker: 'customer' },
  { text: '您好', speaker: 'bot' },
  { text: 'card', from: '2024-05-01T10:00:00Z', to: '2024-05-02T10:00:00Z' },
  { text: 'card', from: '2024-05-01T10:17:00Z', to: '2024-05-02T09:45:30Z' },
  { text: '退款', from: '2024-05-01T10:17:00Z' },
  { text: 'plan', to: '2024-05-01T22:30:00Z', speaker: 'agent' },
  { text: 'refund', from: '2024-05-01T10:10:00Z', to: '2024-05-01T10:50:00Z' },
];

describe('search index', () => {
  let store: Store;
  const turns: Turn[] = [];
  /** Turns by call_id, and each one's seq. */
  const seqOf = new Map<string, number>();

  const insert = async (batch: Turn[]) => {
    await store.transaction(async (tx) => {
      await tx.run(
        'CREATE TEMP TABLE IF NOT EXISTS gen (i INTEGER, id VARCHAR, speaker VARCHAR, text VARCHAR, ts VARCHAR)',
      );
      await tx.append(
        'gen',
        { i: 'INTEGER', id: 'VARCHAR', speaker: 'VARCHAR', text: 'VARCHAR', ts: 'VARCHAR' },
        batch.map((t, i) => ({ ...t, i, ts: new Date(t.ms).toISOString() })),
      );
      await tx.run(`INSERT INTO turns (event_id, call_id, customer_id, turn, speaker, text, asr_confidence, ts, seq)
        SELECT id, id, 'cust', 1, speaker, text, 0.9, ts::TIMESTAMPTZ, nextval('turn_seq')
        FROM gen ORDER BY i`);
      await tx.run('DELETE FROM gen');
    });
    turns.push(...batch);
    for (const r of await store.query<{ seq: bigint; call_id: string }>(
      'SELECT seq, call_id FROM turns',
    ))
      seqOf.set(r.call_id, Number(r.seq));
  };

  /** Every page of a query, followed to the end. */
  const allPages = async (q: TranscriptQuery, limit: number) => {
    const ids: string[] = [];
    let after: string | undefined;
    let total: number | undefined;
    do {
      const page = await searchTranscripts(store, admin, { ...q, limit, after });
      if (after === undefined) total = page.total;
      ids.push(...page.hits.map((h) => h.call_id));
      after = page.nextCursor ?? undefined;
    } while (after);
    return { ids, total };
  };

  const expectSameAsBruteForce = async (limit = 100) => {
    for (const q of QUERIES) {
      const expected = turns
        .filter((t) => matches(t, q))
        .map((t) => t.id)
        .sort((a, b) => seqOf.get(b)! - seqOf.get(a)!);
      const first = await searchTranscripts(store, admin, { ...q, limit });
      expect(first.total, JSON.stringify(q)).toBe(expected.length);
      expect(
        first.hits.map((h) => h.call_id),
        JSON.stringify(q),
      ).toEqual(expected.slice(0, limit));
    }
  };

  /** Segments tile the indexed seqs, each once, and every indexed turn is posted once per speaker term. */
  const expectConsistent = async () => {
    const segs = await store.query<{ segment: number; f: bigint; l: bigint; turns: number }>(
      'SELECT segment, first_seq AS f, last_seq AS l, turns FROM search_segments ORDER BY first_seq',
    );
    const blocks = await store.query<{ segment: number; block: Uint8Array }>(
      "SELECT segment, seqs AS block FROM search_postings WHERE starts_with(term, chr(1) || 's:')",
    );
    let prev = 0;
    for (const s of segs) {
      expect(Number(s.f)).toBeGreaterThan(prev);
      prev = Number(s.l);
      const posted = blocks
        .filter((b) => b.segment === s.segment)
        .flatMap((b) => decodeBlock(b.block))
        .reduce((n, e) => n + e.n, 0);
      expect(posted).toBe(s.turns);
      const [inRange] = await store.query<{ n: number }>(
        'SELECT count(*)::INTEGER AS n FROM turns WHERE seq BETWEEN ? AND ?',
        [s.f, s.l],
      );
      expect(inRange!.n).toBe(s.turns);
    }
    return segs.reduce((n, s) => n + s.turns, 0);
  };

  beforeAll(async () => {
    store = await Store.open(join(tmpDir(), 'search-index.duckdb'));
    await migrate(store);
    await insert(generate(7, 2_500));
  });
  afterAll(() => store.close());

  it('finds what a brute-force matcher finds before anything is indexed', async () => {
    await expectSameAsBruteForce();
  });

  it('finds the same after indexing in segments and merging them', async () => {
    const indexer = new SearchIndexer(store, { segmentSeqs: 150, fanIn: 3, maxTurns: 2_000 });
    let merged = 0;
    for (
      let r = await indexer.run({ maxTurns: 400 });
      r.indexed > 0;
      r = await indexer.run({ maxTurns: 400 })
    )
      merged += r.merged;
    expect(merged).toBeGreaterThan(2);
    const levels = await store.query<{ level: number }>(
      'SELECT DISTINCT level FROM search_segments',
    );
    expect(levels.length).toBeGreaterThan(1);
    expect(await expectConsistent()).toBe(turns.length);
    await expectSameAsBruteForce();
  });

  it('finds turns stored after the last indexer run at once', async () => {
    await insert(generate(8, 300, turns.length));
    await expectSameAsBruteForce();
  });

  it('pages every hit exactly once, in the order of the first page', async () => {
    for (const q of QUERIES.slice(0, 12)) {
      const { ids, total } = await allPages(q, 40);
      expect(ids.length).toBe(total);
      expect(new Set(ids).size).toBe(ids.length);
      const expected = turns.filter((t) => matches(t, q)).map((t) => t.id);
      expect(new Set(ids)).toEqual(new Set(expected));
      const seqs = ids.map((id) => seqOf.get(id)!);
      expect(seqs).toEqual([...seqs].sort((a, b) => b - a));
    }
  });

  it('loses and duplicates nothing when a segment write fails half-way, then resumes', async () => {
    const before = await expectConsistent();
    const crashing = failingOn(store, /INSERT INTO search_postings/);
    await expect(
      new SearchIndexer(crashing, { segmentSeqs: 100 }).run({ maxTurns: 1_000 }),
    ).rejects.toThrow('crash');
    // The segment row went in before the postings: it was rolled back with them.
    expect(await expectConsistent()).toBe(before);
    await insert(generate(9, 200, turns.length));
    await new SearchIndexer(store, { segmentSeqs: 100, fanIn: 3, maxTurns: 2_000 }).run({
      maxTurns: 10_000,
    });
    expect(await expectConsistent()).toBe(turns.length);
    await expectSameAsBruteForce();
  });

  it('keeps the merged segments when a merge fails half-way, and drops what it wrote', async () => {
    await insert(generate(10, 600, turns.length));
    const orphans = async () =>
      (
        await store.query<{ n: number }>(
          `SELECT count(*)::INTEGER AS n FROM search_postings
           WHERE segment NOT IN (SELECT segment FROM search_segments)`,
        )
      )[0]!.n;
    // Six new level-0 segments go in, then the merge dies after some of its blocks.
    const crashing = failingOn(store, /INSERT INTO search_postings/, 6 + 4);
    const indexer = new SearchIndexer(crashing, { segmentSeqs: 100, fanIn: 3, maxTurns: 2_000 });
    await expect(indexer.run({ maxTurns: 10_000 })).rejects.toThrow('crash');
    expect(await orphans()).toBeGreaterThan(0);
    expect(await expectConsistent()).toBe(turns.length);
    await expectSameAsBruteForce();
    // It dies again at the very end, its segment row and the run's removal rolled back.
    const late = failingOn(store, /DELETE FROM search_segments/);
    await expect(
      new SearchIndexer(late, { segmentSeqs: 100, fanIn: 3, maxTurns: 2_000 }).run(),
    ).rejects.toThrow('crash');
    expect(await expectConsistent()).toBe(turns.length);
    await expectSameAsBruteForce();
    const again = await new SearchIndexer(store, {
      segmentSeqs: 100,
      fanIn: 3,
      maxTurns: 2_000,
    }).run();
    expect(again.merged).toBeGreaterThan(0);
    expect(await orphans()).toBe(0);
    expect(await expectConsistent()).toBe(turns.length);
    await expectSameAsBruteForce(20);
  });

  it('finds the same in a long unindexed tail, then in a segment large enough to cut long lists into parts', async () => {
    await insert(generate(11, 40_000, turns.length));
    // Unindexed, these turns are read in batches; later pages stop once full.
    await expectSameAsBruteForce(20);
    const q = { text: '保证收益' };
    const { ids, total } = await allPages(q, 40);
    expect(ids.length).toBe(total);
    expect(new Set(ids)).toEqual(new Set(turns.filter((t) => matches(t, q)).map((t) => t.id)));
    await new SearchIndexer(store, { segmentSeqs: 50_000 }).run({ maxTurns: 50_000 });
    const [big] = await store.query<{ blocks: number }>(
      `SELECT count(*)::INTEGER AS blocks FROM search_postings
       WHERE term = ? AND segment = (SELECT max(segment) FROM search_segments)`,
      [bucketOf(speakerTerm('bot'))],
    );
    expect(big!.blocks).toBeGreaterThan(1);
    expect(await expectConsistent()).toBe(turns.length);
    await expectSameAsBruteForce(20);
  });
});

/** The store, but the statement matching `pattern` after `skip` others that did throws, once. */
function failingOn(store: Store, pattern: RegExp, skip = 0): IndexStore {
  let left = skip;
  let armed = true;
  return {
    query: store.query.bind(store),
    transaction: <T>(fn: (tx: Tx) => Promise<T>) =>
      store.transaction((tx) =>
        fn({
          ...tx,
          run: async (sql, params) => {
            if (armed && pattern.test(sql) && left-- === 0) {
              armed = false;
              throw new Error('crash');
            }
            return tx.run(sql, params);
          },
        }),
      ),
  };
}

describe('search index, a prefix with more words than the cap', () => {
  let store: Store;
  beforeAll(async () => {
    store = await Store.open(join(tmpDir(), 'search-cap.duckdb'));
    await migrate(store);
    // capword000 … capword299; the first 50 in three turns each, the rest in one.
    const texts = Array.from(
      { length: 300 },
      (_, i) => `capword${String(i).padStart(3, '0')}`,
    ).flatMap((w, i) => Array.from({ length: i < 50 ? 3 : 1 }, () => `say ${w}`));
    await store.transaction(async (tx) => {
      for (const [i, text] of texts.entries())
        await tx.run(
          `INSERT INTO turns (event_id, call_id, customer_id, turn, speaker, text, asr_confidence, ts, seq)
           VALUES (?, ?, 'c', 1, 'bot', ?, 0.9, '2024-05-01T00:00:00Z'::TIMESTAMPTZ, nextval('turn_seq'))`,
          [`e${i}`, `c${i}`, text],
        );
    });
    await new SearchIndexer(store).run();
  });
  afterAll(() => store.close());

  it('expands to the 256 most frequent, ties by term', async () => {
    const page = await searchTranscripts(store, admin, { text: 'capw', limit: 100 });
    expect(page.total).toBe(50 * 3 + 206);
    // capword200 … capword299: the cap does not bind, every one is found.
    const all = await searchTranscripts(store, admin, { text: 'capword2', limit: 100 });
    expect(all.total).toBe(100);
    const both = await searchTranscripts(store, admin, { text: 'capw say', limit: 1 });
    expect(both.total).toBe(356);
    const dropped = await searchTranscripts(store, admin, { text: 'capword299' });
    expect(dropped.total).toBe(1);
  });
});
