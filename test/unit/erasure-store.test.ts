import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeBlock } from '../../src/analytics/search/format/index.js';
import { SearchIndexer, searchTranscripts } from '../../src/analytics/search/index.js';
import { migrate, Store } from '../../src/core/store/store.js';
import { DuckDbSink, emptyRows } from '../../src/pipelines/index.js';
import { tmpDir } from '../helpers/tmp.js';

const admin = { name: 'root', role: 'admin' };
const WORD = 'xylophonequartz';

async function withTurns(path: string) {
  const store = await Store.open(path);
  await migrate(store);
  await store.transaction(async (tx) => {
    for (let i = 0; i < 40; i++) {
      const victim = i % 7 === 3;
      await tx.run(
        `INSERT INTO turns (event_id, call_id, customer_id, turn, speaker, text, asr_confidence, ts, seq)
         VALUES (?, ?, ?, ?, 'customer', ?, 0.9, '2026-11-20T01:00:00Z', nextval('turn_seq'))`,
        [
          `e${i}`,
          `call-${i % 5}`,
          victim ? 'victim' : `c${i % 5}`,
          i,
          // Texts unlike each other, as speech is: DuckDB keeps them uncompressed.
          `${victim ? WORD : 'ordinary'} keepsake ${randomBytes(24).toString('base64')} ${i}`,
        ],
      );
    }
  });
  return store;
}

/** Every term the index's blocks hold. */
async function indexedTerms(store: Store): Promise<Set<string>> {
  const rows = await store.query<{ seqs: Uint8Array }>('SELECT seqs FROM search_postings');
  return new Set(rows.flatMap((r) => decodeBlock(r.seqs).map((e) => e.term)));
}

const inFile = (path: string, text: string) =>
  [path, `${path}.wal`].some((f) => existsSync(f) && readFileSync(f).includes(Buffer.from(text)));

describe('erasing from the transcript index', () => {
  it('rewrites the segments that lost turns: the words said only there leave the index', async () => {
    const store = await withTurns(join(tmpDir(), 'search.duckdb'));
    const indexer = new SearchIndexer(store, { segmentSeqs: 4, fanIn: 2 });
    await indexer.run({ maxTurns: 1_000 });
    expect(await indexedTerms(store)).toContain(WORD);
    const before = await searchTranscripts(store, admin, { text: 'keepsake', limit: 100 });
    await store.transaction((tx) => tx.run("DELETE FROM turns WHERE customer_id = 'victim'"));

    const purged = await indexer.purge();
    expect(purged.turns).toBe(6);
    expect(await indexedTerms(store)).not.toContain(WORD);
    expect(await indexedTerms(store)).toContain('keepsake');
    expect((await searchTranscripts(store, admin, { text: WORD })).total).toBe(0);
    const after = await searchTranscripts(store, admin, { text: 'keepsake', limit: 100 });
    expect(after.total).toBe(before.total! - 6);
    const [seg] = await store.query<{ turns: number }>(
      'SELECT sum(turns)::INTEGER AS turns FROM search_segments',
    );
    expect(seg!.turns).toBe(34);
    // Nothing left to purge; the indexer goes on from where it was.
    expect(await indexer.purge()).toEqual({ segments: 0, turns: 0 });
    expect((await indexer.run()).indexed).toBe(0);
    await store.close();
  });
});

describe('compacting the store', () => {
  it('leaves no deleted bytes in the file, and the store goes on as before', async () => {
    const path = join(tmpDir(), 'compact.duckdb');
    const store = await withTurns(path);
    const sink = new DuckDbSink(store);
    await sink.init();
    await store.transaction((tx) => tx.run("DELETE FROM turns WHERE customer_id = 'victim'"));
    // A checkpoint alone keeps a row group's deleted rows, and freed blocks are not overwritten.
    await store.close();
    expect(inFile(path, WORD)).toBe(true);

    const again = await Store.open(path);
    const sinkAgain = new DuckDbSink(again);
    await sinkAgain.init();
    await again.compact();
    expect(inFile(path, WORD)).toBe(false);
    expect(inFile(path, 'ordinary keepsake')).toBe(true);
    // Sequences go on, and the staging tables of the writer are there again.
    await sinkAgain.write({ ...emptyRows(), deadLetters: [] }, [
      { source: 's', partition: 0, next: 5n },
    ]);
    const [seq] = await again.query<{ n: bigint }>("SELECT nextval('turn_seq') AS n");
    expect(Number(seq!.n)).toBe(41);
    expect(await sinkAgain.loadPositions()).toEqual([{ source: 's', partition: 0, next: 5n }]);
    const [turns] = await again.query<{ n: number }>('SELECT count(*)::INTEGER AS n FROM turns');
    expect(turns!.n).toBe(34);
    await again.close();
  });
});
