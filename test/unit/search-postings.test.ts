import { describe, expect, it } from 'vitest';
import {
  decodePostings,
  orPostingsInto,
  PostingsWriter,
} from '../../src/analytics/search/format/postings-codec.js';
import { seeded } from '../../src/core/rng.js';

/** One list's encoding on its own. */
function encodePostings(offsets: ArrayLike<number>): Uint8Array {
  const w = new PostingsWriter(16);
  w.write(offsets);
  return w.bytes();
}

const roundTrip = (offsets: number[]) => [
  ...decodePostings(encodePostings(offsets), offsets.length),
];

/** `n` distinct sorted offsets below `range`. */
function randomOffsets(seed: number, n: number, range: number): number[] {
  const rng = seeded(seed);
  const set = new Set<number>();
  while (set.size < n) set.add(Math.floor(rng() * range));
  return [...set].sort((a, b) => a - b);
}

describe('postings codec', () => {
  it.each([
    ['one at zero', [0]],
    ['one far out', [268_000_000]],
    [
      'gaps of every varint length',
      [0, 1, 128, 128 + 16_384, 128 + 16_384 + 2_097_152, 200_000_000],
    ],
    ['dense run', Array.from({ length: 1000 }, (_, i) => 5000 + i)],
    ['every other', Array.from({ length: 1000 }, (_, i) => 7 + 2 * i)],
    ['sparse random', randomOffsets(1, 500, 4_000_000)],
    ['dense random', randomOffsets(2, 5_000, 20_000)],
  ])('round-trips %s', (_name, offsets) => {
    expect(roundTrip(offsets)).toEqual(offsets);
  });

  it('takes a bitmap for dense lists (up to half again the gaps), gaps for sparse ones', () => {
    const dense = Array.from({ length: 800 }, (_, i) => 1000 + i);
    expect(encodePostings(dense).length).toBeLessThanOrEqual(1 + 2 + 4 * 26);
    const sparse = randomOffsets(3, 100, 1_000_000);
    expect(encodePostings(sparse).length).toBeLessThan(100 * 3 + 2);
    // One turn in ten: the gaps take a byte each, the bitmap 10 bits each, and wins.
    const tenth = Array.from({ length: 3200 }, (_, i) => i * 10);
    const bytes = encodePostings(tenth);
    expect(bytes[0]).toBe(1);
    expect(bytes.length).toBeLessThanOrEqual(1.5 * (3200 + 1));
  });

  it('writes lists one after another', () => {
    const lists = [[3], randomOffsets(4, 50, 1000), Array.from({ length: 64 }, (_, i) => i)];
    const writer = new PostingsWriter();
    const ends = lists.map((l) => writer.write(l));
    const bytes = writer.bytes();
    lists.forEach((l, i) => {
      const part = bytes.subarray(i === 0 ? 0 : ends[i - 1], ends[i]);
      expect([...decodePostings(part, l.length)]).toEqual(l);
    });
  });

  it('ORs either form into a bitset', () => {
    for (const offsets of [
      randomOffsets(5, 40, 4096),
      Array.from({ length: 300 }, (_, i) => 100 + i),
    ]) {
      const bits = new Uint8Array(512);
      orPostingsInto(bits, encodePostings(offsets));
      const set: number[] = [];
      bits.forEach((b, i) => {
        for (let j = 0; j < 8; j++) if (b & (1 << j)) set.push(i * 8 + j);
      });
      expect(set).toEqual(offsets);
    }
  });
});
