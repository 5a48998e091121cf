import { describe, expect, it } from 'vitest';
import {
  BlockWriter,
  decodeBlock,
  type BlockBatch,
} from '../../src/analytics/search/format/posting-blocks.js';
import { bucketOf } from '../../src/analytics/search/format/term-buckets.js';
import {
  mergeBlocks,
  pickMerge,
  type BlockRow,
  type SegmentInfo,
} from '../../src/analytics/search/segment-merge.js';
import { decodePostings } from '../../src/analytics/search/format/postings-codec.js';
import { SegmentBuilder } from '../../src/analytics/search/segment-builder.js';
import { hourTerm, speakerTerm } from '../../src/analytics/search/format/index-terms.js';
import { fold } from '../../src/core/text-tokens.js';

/** term → offsets, from a segment's blocks; each term must sit in its bucket's block. */
function listsOf(batch: BlockBatch): Record<string, number[]> {
  const out: Record<string, number[]> = {};
  batch.keys.forEach((key, i) => {
    const entries = decodeBlock(
      batch.bytes.subarray(i === 0 ? 0 : batch.ends[i - 1], batch.ends[i]),
    );
    expect(entries).toHaveLength(batch.counts[i]!);
    for (const e of entries) {
      expect(bucketOf(e.term)).toBe(key);
      out[e.term] = [...decodePostings(e.bytes, e.n)];
    }
  });
  return out;
}

const seg = (segment: number, level: number, firstSeq: number, lastSeq: number): SegmentInfo => ({
  segment,
  level,
  firstSeq,
  lastSeq,
  turns: lastSeq - firstSeq + 1,
});

describe('SegmentBuilder', () => {
  it('posts each token once per turn, with the speaker and hour, as offsets from the first seq', () => {
    const b = new SegmentBuilder(100);
    const add = (seq: number, speaker: string, hour: number, text: string) => {
      const folded = fold(text);
      b.add(seq, speaker, hour, folded, 0, folded.length);
    };
    add(100, 'bot', 7, 'Refund refund 退款');
    add(103, 'customer', 7, '退款 please');
    add(104, 'customer', 8, 'REFUND');
    expect(listsOf(b.postings())).toEqual({
      refund: [0, 4],
      退款: [0, 3],
      // Every CJK character is a term too.
      退: [0, 3],
      款: [0, 3],
      please: [3],
      [speakerTerm('bot')]: [0],
      [speakerTerm('customer')]: [3, 4],
      [hourTerm(7)]: [0, 3],
      [hourTerm(8)]: [4],
    });
  });
});

describe('pickMerge', () => {
  const policy = { fanIn: 3, maxTurns: 1_000, maxSpan: 2_000 };
  it('takes the first run of neighbours on one level', () => {
    const segs = [
      seg(1, 1, 1, 300),
      seg(2, 0, 301, 400),
      seg(3, 0, 401, 500),
      seg(4, 0, 501, 600),
      seg(5, 0, 601, 700),
    ];
    expect(pickMerge(segs, policy)?.map((s) => s.segment)).toEqual([2, 3, 4]);
    expect(pickMerge(segs.slice(0, 3), policy)).toBeUndefined();
  });

  it('does not grow a segment past the size or span limits', () => {
    const big = [seg(1, 1, 1, 400), seg(2, 1, 401, 800), seg(3, 1, 801, 1200)];
    expect(pickMerge(big, policy)).toBeUndefined();
    const gappy = [seg(1, 0, 1, 10), seg(2, 0, 11, 20), { ...seg(3, 0, 5000, 5010) }];
    expect(pickMerge(gappy, policy)).toBeUndefined();
  });
});

describe('mergeBlocks', () => {
  it('concatenates each term’s lists in seq order, shifted to the merged first seq', () => {
    const run = [seg(7, 0, 1, 1000), seg(8, 0, 1001, 3000), seg(9, 0, 3001, 3500)];
    const block = (segment: number, lists: Record<string, number[]>): BlockRow => {
      const w = new BlockWriter();
      for (const [term, offsets] of Object.entries(lists))
        w.add('k', term, Int32Array.from(offsets));
      return { segment, key: 'k', block: w.done().bytes };
    };
    const dense = Array.from({ length: 400 }, (_, i) => i + 100);
    // Blocks come in any order, and a list may be cut into parts in several of them.
    const rows = [
      block(9, { a: [0, 499] }),
      block(7, { a: [5, 999], c: dense.slice(200) }),
      block(8, { a: dense, b: [0] }),
      block(7, { c: dense.slice(0, 200) }),
    ];
    const merged = Object.fromEntries(mergeBlocks(rows, run).map((e) => [e.term, [...e.offsets]]));
    expect(merged).toEqual({
      a: [5, 999, ...dense.map((o) => o + 1000), 3000, 3499],
      b: [1000],
      c: dense,
    });
  });
});
