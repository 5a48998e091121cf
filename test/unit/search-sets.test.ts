import { describe, expect, it } from 'vitest';
import { PostingsWriter } from '../../src/analytics/search/format/postings-codec.js';
import {
  intersect,
  offsetsOf,
  sizeOf,
  topBelow,
  unionOf,
  type OffsetSet,
} from '../../src/analytics/search/format/offset-sets.js';
import { seeded } from '../../src/core/rng.js';

/** One list's encoding on its own. */
function encodePostings(offsets: ArrayLike<number>): Uint8Array {
  const w = new PostingsWriter(16);
  w.write(offsets);
  return w.bytes();
}

const RANGE = 10_000;

function randomOffsets(seed: number, n: number): number[] {
  const rng = seeded(seed);
  const set = new Set<number>();
  while (set.size < n) set.add(Math.floor(rng() * RANGE));
  return [...set].sort((a, b) => a - b);
}

const postingOf = (offsets: number[]) => ({ n: offsets.length, bytes: encodePostings(offsets) });
const setOf = (...lists: number[][]): OffsetSet => unionOf(lists.map(postingOf), RANGE);
const naiveUnion = (...lists: number[][]) => [...new Set(lists.flat())].sort((a, b) => a - b);

describe('offset sets', () => {
  // Few offsets stay a list, many become a bitset (n * 32 ≥ range).
  const small = [randomOffsets(1, 40), randomOffsets(2, 60)];
  const large = [randomOffsets(3, 2_000), randomOffsets(4, 3_000)];

  it('unions a token’s expansions as a list while few, as bits once many', () => {
    const list = setOf(...small);
    expect(list.kind).toBe('list');
    expect([...offsetsOf(list)]).toEqual(naiveUnion(...small));
    const bits = setOf(...large);
    expect(bits.kind).toBe('bits');
    expect([...offsetsOf(bits)]).toEqual(naiveUnion(...large));
    expect(sizeOf(bits)).toBe(naiveUnion(...large).length);
  });

  it('intersects every pairing of lists and bitsets', () => {
    const sets = {
      shortList: randomOffsets(5, 20),
      list: randomOffsets(6, 300),
      bits: randomOffsets(7, 1_500),
      moreBits: randomOffsets(8, 4_000),
    };
    for (const a of Object.values(sets))
      for (const b of Object.values(sets)) {
        const expected = a.filter((x) => b.includes(x));
        const got = intersect(setOf(a), setOf(b));
        expect([...offsetsOf(got)]).toEqual(expected);
        expect(sizeOf(got)).toBe(expected.length);
      }
  });

  it('gallops when one list is far shorter', () => {
    const long = Array.from({ length: 300 }, (_, i) => i * 3);
    const got = intersect(setOf([0, 2, 3, 299 * 3, 9_999]), unionOf([postingOf(long)], 1 << 20));
    expect([...offsetsOf(got)]).toEqual([0, 3, 897]);
  });

  it('lists the largest offsets below a bound, from either form', () => {
    for (const offsets of [randomOffsets(9, 200), randomOffsets(10, 2_000)]) {
      const set = setOf(offsets);
      const below = offsets[Math.floor(offsets.length / 2)]!;
      const expected = offsets
        .filter((o) => o < below)
        .reverse()
        .slice(0, 7);
      expect(topBelow(set, below, 7)).toEqual(expected);
      expect(topBelow(set, RANGE, 1)).toEqual([offsets[offsets.length - 1]]);
    }
  });
});
