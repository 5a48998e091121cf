/**
 * Tiered compaction of search segments: a run of `fanIn` neighbouring
 * segments of one level becomes one segment of the next level, so a query
 * reads a few dozen postings rows per term rather than one per indexer run.
 */
import { type BlockEntry, decodeBlock, decodePostings } from './format/index.js';

export interface SegmentInfo {
  segment: number;
  level: number;
  firstSeq: number;
  lastSeq: number;
  turns: number;
}

export interface MergePolicy {
  fanIn: number;
  /** A merge never makes a segment of more turns: it holds all their postings in memory. */
  maxTurns: number;
  /** Nor one spanning more seqs: the query's bitsets are as long as a segment's span. */
  maxSpan: number;
}

/** The first run of `fanIn` neighbours (by seq) of one level that the policy lets merge. */
export function pickMerge(
  segments: readonly SegmentInfo[],
  policy: MergePolicy,
): SegmentInfo[] | undefined {
  const bySeq = [...segments].sort((a, b) => a.firstSeq - b.firstSeq);
  for (let i = 0; i + policy.fanIn <= bySeq.length; i++) {
    const run = bySeq.slice(i, i + policy.fanIn);
    if (
      run.every((s) => s.level === run[0]!.level) &&
      run.reduce((n, s) => n + s.turns, 0) <= policy.maxTurns &&
      run[run.length - 1]!.lastSeq - run[0]!.firstSeq + 1 <= policy.maxSpan
    )
      return run;
  }
  return undefined;
}

/** A block of a segment being merged. */
export interface BlockRow {
  segment: number;
  key: string;
  block: Uint8Array;
}

/**
 * One bucket's terms in the merged segment, with their offsets, from that
 * bucket's blocks in the run's segments: a term's lists (parts of lists),
 * shifted to the merged segment's first seq, cover successive offsets.
 */
export function mergeBlocks(
  rows: readonly BlockRow[],
  run: readonly SegmentInfo[],
): { term: string; offsets: Int32Array }[] {
  const shift = new Map(run.map((s) => [s.segment, s.firstSeq - run[0]!.firstSeq]));
  const pieces = new Map<string, { shift: number; entry: BlockEntry }[]>();
  for (const row of rows)
    for (const entry of decodeBlock(row.block)) {
      let list = pieces.get(entry.term);
      if (!list) pieces.set(entry.term, (list = []));
      list.push({ shift: shift.get(row.segment)!, entry });
    }
  return [...pieces].map(([term, list]) => {
    const offsets = new Int32Array(list.reduce((n, p) => n + p.entry.n, 0));
    let at = 0;
    let sorted = true;
    for (const { shift, entry } of list) {
      const part = decodePostings(entry.bytes, entry.n);
      if (at > 0 && part[0]! + shift < offsets[at - 1]!) sorted = false;
      for (let k = 0; k < part.length; k++) offsets[at++] = part[k]! + shift;
    }
    // Blocks of one bucket come in no particular order.
    if (!sorted) offsets.sort();
    return { term, offsets };
  });
}
