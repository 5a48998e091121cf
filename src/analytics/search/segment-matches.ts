/** A query's matches within one segment, from the postings read for it. */
import {
  EMPTY,
  intersect,
  type OffsetSet,
  offsetsOf,
  type Posting,
  sizeOf,
  topBelow,
  unionOf,
} from './format/index.js';

export interface SegmentPostings {
  firstSeq: number;
  /** last_seq − first_seq + 1: the offsets' range. */
  span: number;
  /** Per key (query token, then the speaker), the postings of its terms here. */
  keys: Posting[][];
  /** Of the hour terms wholly inside the time filter. */
  hours: Posting[];
  /** Of the hours the time filter cuts. */
  edges: Posting[];
}

export interface SegmentMatches {
  /** The largest matching offsets below the cursor, newest first, at most `max`. */
  definite: number[];
  /** Every matching offset, not only those in `definite`. */
  size: number;
  /** Offsets that match but for the time filter, which their timestamps must settle. */
  edge: number[];
}

const total = (postings: readonly Posting[]): number => postings.reduce((n, p) => n + p.n, 0);

/**
 * Every key must match: keys are combined rarest first (by stored counts),
 * so a rare word keeps the candidates few before the dense ones join.
 */
export function evaluateSegment(
  seg: SegmentPostings,
  timed: boolean,
  below: number,
  max: number,
): SegmentMatches {
  const none = { definite: [], size: 0, edge: [] };
  const order = [...seg.keys].sort((a, b) => total(a) - total(b));
  let acc: OffsetSet | undefined;
  for (const postings of order) {
    if (postings.length === 0) return none;
    const set = unionOf(postings, seg.span);
    acc = acc === undefined ? set : intersect(acc, set);
    if (sizeOf(acc) === 0) return none;
  }
  if (acc === undefined) return none;
  if (!timed) return { definite: topBelow(acc, below, max), size: sizeOf(acc), edge: [] };
  const inside = seg.hours.length === 0 ? EMPTY : intersect(acc, unionOf(seg.hours, seg.span));
  const cut = seg.edges.length === 0 ? EMPTY : intersect(acc, unionOf(seg.edges, seg.span));
  return {
    definite: topBelow(inside, below, max),
    size: sizeOf(inside),
    edge: [...offsetsOf(cut)].filter((o) => o < below),
  };
}
