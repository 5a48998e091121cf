/**
 * Sets of turn offsets within one segment, as the query combines them: a
 * sorted list while few, a bitset over the segment's range once a list would
 * take more memory than the bits (about one turn in 32).
 */
import { decodePostings, orPostingsInto } from './postings-codec.js';

export type OffsetSet =
  { kind: 'list'; offsets: Int32Array } | { kind: 'bits'; bits: Uint8Array; size: number };

export interface Posting {
  n: number;
  bytes: Uint8Array;
}

export const EMPTY: OffsetSet = { kind: 'list', offsets: new Int32Array(0) };

/** Bytes of a bitset over `range` offsets, whole 32-bit words so it can be ANDed word by word. */
const bitsetBytes = (range: number): number => Math.ceil(range / 32) * 4;

const words = (bits: Uint8Array): Uint32Array =>
  new Uint32Array(bits.buffer, bits.byteOffset, bits.byteLength >>> 2);

function popcount(bits: Uint8Array): number {
  const w = words(bits);
  let count = 0;
  for (let i = 0; i < w.length; i++) {
    let v = w[i]!;
    if (v === 0) continue;
    v -= (v >>> 1) & 0x55555555;
    v = (v & 0x33333333) + ((v >>> 2) & 0x33333333);
    count += Math.imul((v + (v >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24;
  }
  return count;
}

/** The union of a key's postings in a segment of `range` offsets (its expansions, a list's parts). */
export function unionOf(postings: readonly Posting[], range: number): OffsetSet {
  let n = 0;
  for (const p of postings) n += p.n;
  if (n * 32 >= range) {
    const bits = new Uint8Array(bitsetBytes(range));
    for (const p of postings) orPostingsInto(bits, p.bytes);
    return { kind: 'bits', bits, size: popcount(bits) };
  }
  if (postings.length === 1)
    return { kind: 'list', offsets: decodePostings(postings[0]!.bytes, n) };
  const all = new Int32Array(n);
  let at = 0;
  for (const p of postings) {
    all.set(decodePostings(p.bytes, p.n), at);
    at += p.n;
  }
  all.sort();
  let k = 0;
  for (let i = 0; i < n; i++) if (i === 0 || all[i] !== all[k - 1]) all[k++] = all[i]!;
  return { kind: 'list', offsets: all.subarray(0, k) };
}

export const sizeOf = (s: OffsetSet): number => (s.kind === 'list' ? s.offsets.length : s.size);

const has = (bits: Uint8Array, o: number): boolean => (bits[o >>> 3]! & (1 << (o & 7))) !== 0;

export function intersect(a: OffsetSet, b: OffsetSet): OffsetSet {
  if (a.kind === 'bits' && b.kind === 'bits') {
    const bits = new Uint8Array(a.bits.length);
    const out = words(bits);
    const x = words(a.bits);
    const y = words(b.bits);
    for (let i = 0; i < out.length; i++) out[i] = x[i]! & y[i]!;
    return { kind: 'bits', bits, size: popcount(bits) };
  }
  if (a.kind === 'list' && b.kind === 'list') return intersectLists(a.offsets, b.offsets);
  const list = a.kind === 'list' ? a.offsets : (b as { offsets: Int32Array }).offsets;
  const bits = a.kind === 'bits' ? a.bits : (b as { bits: Uint8Array }).bits;
  const out = new Int32Array(list.length);
  let k = 0;
  for (const o of list) if (has(bits, o)) out[k++] = o;
  return { kind: 'list', offsets: out.subarray(0, k) };
}

/** Galloping when one list is much shorter, a plain merge otherwise. */
function intersectLists(a: Int32Array, b: Int32Array): OffsetSet {
  const [small, large] = a.length <= b.length ? [a, b] : [b, a];
  const out = new Int32Array(small.length);
  let k = 0;
  let j = 0;
  if (small.length * 16 < large.length) {
    for (const x of small) {
      let step = 1;
      let hi = j;
      while (hi < large.length && large[hi]! < x) {
        j = hi + 1;
        hi += step;
        step *= 2;
      }
      hi = Math.min(hi, large.length);
      while (j < hi) {
        const mid = (j + hi) >>> 1;
        if (large[mid]! < x) j = mid + 1;
        else hi = mid;
      }
      if (j < large.length && large[j] === x) out[k++] = x;
    }
  } else {
    for (const x of small) {
      while (j < large.length && large[j]! < x) j++;
      if (j < large.length && large[j] === x) out[k++] = x;
    }
  }
  return { kind: 'list', offsets: out.subarray(0, k) };
}

/** Up to `max` offsets below `below`, largest first. */
export function topBelow(s: OffsetSet, below: number, max: number): number[] {
  const out: number[] = [];
  if (s.kind === 'list') {
    for (let i = s.offsets.length - 1; i >= 0 && out.length < max; i--)
      if (s.offsets[i]! < below) out.push(s.offsets[i]!);
    return out;
  }
  const w = words(s.bits);
  for (let o = Math.min(below, s.bits.length * 8) - 1; o >= 0 && out.length < max;) {
    if (w[o >>> 5] === 0) {
      o = (o & ~31) - 1;
      continue;
    }
    if (has(s.bits, o)) out.push(o);
    o--;
  }
  return out;
}

/** Every offset, ascending. */
export function offsetsOf(s: OffsetSet): Int32Array {
  if (s.kind === 'list') return s.offsets;
  const out = new Int32Array(s.size);
  let k = 0;
  for (let i = 0; i < s.bits.length; i++) {
    let b = s.bits[i]!;
    while (b !== 0) {
      out[k++] = i * 8 + 31 - Math.clz32(b & -b);
      b &= b - 1;
    }
  }
  return out;
}
