/**
 * Takes deleted turns (an erasure, retention) out of the transcript index.
 * A segment counts the turns it was built from; one whose range now holds
 * fewer is rewritten from its own blocks without the missing turns' offsets,
 * so a word said only in them leaves the index altogether (the words are
 * stored in the blocks in the clear). A segment with no turn left is dropped.
 */
import { BlockWriter } from './format/index.js';
import {
  addSegment,
  dropOrphans,
  dropSegments,
  newSegmentId,
  readBlocks,
  segments,
  writeBlocks,
  type IndexStore,
} from './index-store.js';
import { mergeBlocks, type SegmentInfo } from './segment-merge.js';

export interface PurgeRun {
  /** Segments rewritten or dropped. */
  segments: number;
  /** Deleted turns taken out. */
  turns: number;
}

/** The segments some of whose turns were deleted, with how many are left. */
async function stale(store: IndexStore): Promise<(SegmentInfo & { live: number })[]> {
  const live = await store.query<{ segment: number; live: number }>(
    `SELECT s.segment, count(t.seq)::INTEGER AS live FROM search_segments s
     LEFT JOIN turns t ON t.seq BETWEEN s.first_seq AND s.last_seq
     GROUP BY s.segment, s.turns HAVING count(t.seq) < s.turns`,
  );
  const left = new Map(live.map((r) => [r.segment, r.live]));
  return (await segments(store))
    .filter((s) => left.has(s.segment))
    .map((s) => ({ ...s, live: left.get(s.segment)! }));
}

/** Rewrites one segment with only the offsets of turns still stored; false if it raced a merge. */
async function rewrite(store: IndexStore, seg: SegmentInfo): Promise<boolean> {
  const seqs = await store.query<{ seq: bigint }>(
    'SELECT seq FROM turns WHERE seq BETWEEN ? AND ?',
    [BigInt(seg.firstSeq), BigInt(seg.lastSeq)],
  );
  const live = new Uint8Array(seg.lastSeq - seg.firstSeq + 1);
  for (const { seq } of seqs) live[Number(seq) - seg.firstSeq] = 1;
  const id = await store.transaction(async (tx) => {
    await dropOrphans(tx);
    return newSegmentId(tx);
  });
  if (seqs.length > 0) {
    // Every key of the segment, a bucket's blocks together (merges read in ranges too).
    const rows = await readBlocks(store, [seg.segment], '', '\uffff');
    const blocks = new BlockWriter();
    for (let i = 0; i < rows.length;) {
      let j = i;
      while (j < rows.length && rows[j]!.key === rows[i]!.key) j++;
      for (const { term, offsets } of mergeBlocks(rows.slice(i, j), [seg])) {
        const kept = offsets.filter((o) => live[o] === 1);
        if (kept.length) blocks.add(rows[i]!.key, term, kept);
      }
      i = j;
    }
    const batch = blocks.done();
    await store.transaction((tx) => writeBlocks(tx, id, batch));
  }
  return store.transaction(async (tx) => {
    const [still] = await tx.all<{ n: number }>(
      'SELECT count(*)::INTEGER AS n FROM search_segments WHERE segment = ?',
      [seg.segment],
    );
    if (still?.n !== 1) {
      await tx.run('DELETE FROM search_postings WHERE segment = ?', [id]);
      return false;
    }
    if (seqs.length > 0) {
      const { level, firstSeq, lastSeq } = seg;
      await addSegment(tx, id, { level, firstSeq, lastSeq, turns: seqs.length });
    }
    await dropSegments(tx, [seg.segment]);
    return true;
  });
}

/**
 * Rewrites every segment that lost turns. Must not run beside an indexer
 * run on the same file (both write blocks under ids no segment row names
 * yet): `SearchIndexer.purge` runs it in turn with the indexer's runs.
 */
export async function purgeDeletedTurns(store: IndexStore): Promise<PurgeRun> {
  const run: PurgeRun = { segments: 0, turns: 0 };
  for (const seg of await stale(store)) {
    if (!(await rewrite(store, seg))) continue;
    run.segments += 1;
    run.turns += seg.turns - seg.live;
  }
  return run;
}
