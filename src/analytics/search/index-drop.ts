/**
 * Removes turns from the search index, for retention and erasure: no term of
 * a removed turn is left in any segment. A segment all of whose turns go is
 * dropped; one that keeps some is written anew without the removed turns'
 * offsets (same seq range, fewer turns) under a new id, in the caller's
 * transaction, so the caller deletes the turns themselves in the same one.
 */
import { z } from 'zod';
import type { Tx } from '../../core/store/store.js';
import { BlockWriter, decodeBlock, decodePostings } from './format/index.js';
import {
  addSegment,
  dropSegments,
  rewrittenSegmentId,
  segments,
  writeBlocks,
} from './index-store.js';
import type { SegmentInfo } from './segment-merge.js';
import { KEY_RANGES } from './transcript-indexer.js';

export const indexDrop = z.object({
  /** Segments dropped whole. */
  dropped: z.number().int(),
  /** Segments written anew without the removed turns. */
  rewritten: z.number().int(),
  /** Of the seqs given, those that were in a segment. */
  removed: z.number().int(),
});
export type IndexDrop = z.infer<typeof indexDrop>;

/**
 * Removes the turns `seqs` (any order, duplicates allowed) from the index.
 * Seqs above the watermark are not indexed yet and are left alone: delete
 * such turns in the same transaction, and the indexer never sees them — but
 * a chunk it read before may still be written after; retention therefore
 * deletes only turns at or below the watermark (`watermark(tx)`).
 */
export async function dropFromIndex(tx: Tx, seqs: readonly number[]): Promise<IndexDrop> {
  const out: IndexDrop = { dropped: 0, rewritten: 0, removed: 0 };
  if (seqs.length === 0) return out;
  const sorted = Float64Array.from(new Set(seqs)).sort();
  for (const seg of await segments(tx)) {
    const from = lowerBound(sorted, seg.firstSeq);
    const to = lowerBound(sorted, seg.lastSeq + 1);
    if (to === from) continue;
    out.removed += to - from;
    if (to - from >= seg.turns) {
      await dropSegments(tx, [seg.segment]);
      out.dropped += 1;
    } else {
      const gone = new Set<number>();
      for (let i = from; i < to; i++) gone.add(sorted[i]! - seg.firstSeq);
      await rewrite(tx, seg, gone);
      out.rewritten += 1;
    }
  }
  return out;
}

/** The first index of `sorted` whose value is at least `v`. */
function lowerBound(sorted: Float64Array, v: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid]! < v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Writes `seg` anew without the offsets `gone`, bucket range by bucket range (bounded memory). */
async function rewrite(tx: Tx, seg: SegmentInfo, gone: Set<number>): Promise<void> {
  const id = await rewrittenSegmentId(tx);
  for (const [lo, hi] of KEY_RANGES) {
    const rows = await tx.all<{ key: string; block: Uint8Array }>(
      `SELECT term AS key, seqs AS block FROM search_postings
       WHERE segment = ? AND term >= ? AND term < ? ORDER BY term`,
      [seg.segment, lo, hi],
    );
    const blocks = new BlockWriter();
    for (const { key, block } of rows)
      for (const entry of decodeBlock(block)) {
        const kept = decodePostings(entry.bytes, entry.n).filter((o) => !gone.has(o));
        if (kept.length > 0) blocks.add(key, entry.term, kept);
      }
    await writeBlocks(tx, id, blocks.done());
  }
  await addSegment(tx, id, {
    level: seg.level,
    firstSeq: seg.firstSeq,
    lastSeq: seg.lastSeq,
    turns: seg.turns - gone.size,
  });
  await dropSegments(tx, [seg.segment]);
}
