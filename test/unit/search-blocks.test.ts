import { describe, expect, it } from 'vitest';
import {
  BlockWriter,
  decodeBlock,
  type BlockBatch,
} from '../../src/analytics/search/format/posting-blocks.js';
import { bucketOf, BUCKETS } from '../../src/analytics/search/format/term-buckets.js';
import { decodePostings } from '../../src/analytics/search/format/postings-codec.js';
import { hourTerm, speakerTerm } from '../../src/analytics/search/format/index-terms.js';

/** term → offsets over all blocks of a batch (parts joined), checking each block's key and size. */
function listsOf(batch: BlockBatch): Record<string, number[]> {
  const out: Record<string, number[]> = {};
  batch.keys.forEach((_, i) => {
    const block = batch.bytes.subarray(i === 0 ? 0 : batch.ends[i - 1], batch.ends[i]);
    expect(block.length).toBeLessThanOrEqual(4000);
    const entries = decodeBlock(block);
    expect(entries).toHaveLength(batch.counts[i]!);
    for (const e of entries) (out[e.term] ??= []).push(...decodePostings(e.bytes, e.n));
  });
  return out;
}

describe('blocks', () => {
  it('round-trip terms of any script with their postings', () => {
    const lists: Record<string, number[]> = {
      refund: [1, 5, 9],
      退款: [0],
      müller: [3, 100_000],
      '𠀀𠀁': [4],
      [hourTerm(7)]: [2],
    };
    const w = new BlockWriter();
    for (const [term, offsets] of Object.entries(lists)) w.add('k', term, Int32Array.from(offsets));
    const batch = w.done();
    expect(batch.keys).toEqual(['k']);
    expect(listsOf(batch)).toEqual(lists);
  });

  it('fill a bucket with as many blocks of at most 4000 bytes as it needs, cutting long lists', () => {
    const sparse = Array.from({ length: 30_000 }, (_, i) => i * 37);
    const dense = Array.from({ length: 200_000 }, (_, i) => i);
    const small = Object.fromEntries(
      Array.from({ length: 500 }, (_, i) => [`w${i}`, [i, i + 9_000]]),
    );
    const w = new BlockWriter();
    w.add('a', 'sparse', Int32Array.from(sparse));
    w.add('a', 'dense', Int32Array.from(dense));
    for (const [term, offsets] of Object.entries(small)) w.add('b', term, Int32Array.from(offsets));
    const batch = w.done();
    expect(batch.keys.filter((k) => k === 'a').length).toBeGreaterThan(10);
    expect(batch.keys.filter((k) => k === 'b').length).toBeGreaterThan(1);
    expect(listsOf(batch)).toEqual({ sparse, dense, ...small });
  });
});

describe('bucketOf', () => {
  it('puts every word a prefix can expand to in the prefix’s own block', () => {
    for (const word of ['refund', 'refunds', 'refunded', 'reform', 'ref'])
      expect(bucketOf(word)).toBe(bucketOf('ref'));
    expect(bucketOf('𠀀𠀁x')).toBe(bucketOf('𠀀𠀁xyz'.slice(0, 5)));
  });

  it('gives each speaker a bucket, and each day’s hours one', () => {
    expect(bucketOf(speakerTerm('bot'))).not.toBe(bucketOf(speakerTerm('customer')));
    const day = 20_000 * 24;
    expect(bucketOf(hourTerm(day))).toBe(bucketOf(hourTerm(day + 23)));
    expect(bucketOf(hourTerm(day + 24))).not.toBe(bucketOf(hourTerm(day + 23)));
    expect(bucketOf(hourTerm(day - 1)) < bucketOf(hourTerm(day))).toBe(true);
  });

  it('spreads other terms over fixed-width numbered buckets', () => {
    const letter = (i: number) => String.fromCharCode(97 + (Math.floor(i) % 26));
    const words = Array.from(
      { length: 5_000 },
      (_, i) => letter(i) + letter(i / 26) + letter(i / 676),
    );
    const keys = new Set(words.map(bucketOf));
    expect(keys.size).toBeGreaterThan(BUCKETS / 4);
    for (const k of keys) expect(k).toMatch(/^\d{5}$/);
    // CJK terms are placed whole: bigrams sharing a first character part ways.
    const cjk = new Set(['退款', '退货', '退出', '退休', '退还'].map(bucketOf));
    expect(cjk.size).toBeGreaterThan(1);
  });
});
