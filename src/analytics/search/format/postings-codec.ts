/**
 * The bytes of one term's postings in one segment: the sorted offsets of its
 * turns from the segment's first seq, in one of two forms. Sparse lists are
 * LEB128 varints of the gaps; dense ones (speakers, hours, the commonest
 * words) a bitmap, which the query ORs and ANDs without decoding a number per
 * turn. A bitmap is taken up to half again the gaps' size: at one turn in
 * eight to twelve both take about a byte a turn, and decoding the gaps of a
 * few million turns was most of a common query's time. Offsets stay below 2^28 (segments are capped
 * far below that), so a varint takes at most four bytes.
 */

const GAPS = 0;
const BITMAP = 1;

export const varintSize = (v: number): number =>
  v < 0x80 ? 1 : v < 0x4000 ? 2 : v < 0x200000 ? 3 : 4;

function writeVarint(out: Uint8Array, at: number, v: number): number {
  while (v >= 0x80) {
    out[at++] = (v & 0x7f) | 0x80;
    v >>>= 7;
  }
  out[at++] = v;
  return at;
}

/** Bytes of the two forms of `offsets` (ascending, distinct, not empty). */
function sizes(offsets: ArrayLike<number>): { gaps: number; bitmap: number; firstByte: number } {
  const n = offsets.length;
  let gaps = 1;
  let prev = -1;
  for (let i = 0; i < n; i++) {
    gaps += varintSize(offsets[i]! - prev);
    prev = offsets[i]!;
  }
  // Whole 32-bit words from a word boundary: the query ORs them a word at a time.
  const firstByte = (offsets[0]! >>> 5) << 2;
  const words = (offsets[n - 1]! >>> 5) - (offsets[0]! >>> 5) + 1;
  return { gaps, bitmap: 1 + varintSize(firstByte) + 4 * words, firstByte };
}

/** How much bigger than the gaps a bitmap may be and still be taken. */
const BITMAP_ALLOWANCE = 1.5;

const bitmapWins = (s: { gaps: number; bitmap: number }): boolean =>
  s.bitmap <= s.gaps * BITMAP_ALLOWANCE;

export function encodedSize(offsets: ArrayLike<number>): number {
  const s = sizes(offsets);
  return bitmapWins(s) ? s.bitmap : s.gaps;
}

/** Encodes lists one after another into one growing buffer. */
export class PostingsWriter {
  private buf: Uint8Array;
  private at = 0;

  constructor(capacity = 1 << 16) {
    this.buf = new Uint8Array(capacity);
  }

  /** Appends the encoding of `offsets` (ascending, distinct, not empty); returns where it ends. */
  write(offsets: ArrayLike<number>): number {
    const n = offsets.length;
    const form = sizes(offsets);
    const { bitmap, firstByte } = form;
    const size = bitmapWins(form) ? bitmap : form.gaps;
    if (this.at + size > this.buf.length) {
      const grown = new Uint8Array(Math.max(this.buf.length * 2, this.at + size));
      grown.set(this.buf.subarray(0, this.at));
      this.buf = grown;
    }
    const out = this.buf;
    if (bitmapWins(form)) {
      out[this.at] = BITMAP;
      const base = writeVarint(out, this.at + 1, firstByte) - firstByte;
      out.fill(0, base + firstByte, this.at + size);
      for (let i = 0; i < n; i++) {
        const o = offsets[i]!;
        out[base + (o >>> 3)]! |= 1 << (o & 7);
      }
    } else {
      out[this.at] = GAPS;
      let at = this.at + 1;
      let prev = -1;
      for (let i = 0; i < n; i++) {
        at = writeVarint(out, at, offsets[i]! - prev);
        prev = offsets[i]!;
      }
    }
    return (this.at += size);
  }

  /** Everything written since the start or the last `clear`. */
  bytes(): Uint8Array {
    return this.buf.subarray(0, this.at);
  }

  clear(): void {
    this.at = 0;
  }
}

/** The offsets as a sorted array; `n` is the count stored beside the bytes. */
export function decodePostings(bytes: Uint8Array, n: number): Int32Array {
  const out = new Int32Array(n);
  let k = 0;
  if (bytes[0] === BITMAP) {
    const { value: firstByte, next } = readVarint(bytes, 1);
    for (let i = next; i < bytes.length; i++) {
      let b = bytes[i]!;
      const base = (firstByte + i - next) << 3;
      while (b !== 0) {
        out[k++] = base + 31 - Math.clz32(b & -b);
        b &= b - 1;
      }
    }
    return out;
  }
  let prev = -1;
  for (let i = 1; i < bytes.length;) {
    let b = bytes[i++]!;
    let v = b & 0x7f;
    for (let shift = 7; b & 0x80; shift += 7) {
      b = bytes[i++]!;
      v |= (b & 0x7f) << shift;
    }
    prev += v;
    out[k++] = prev;
  }
  return out;
}

/** Where a bitmap's words are copied when its bytes do not start on a word boundary. */
let scratch = new Uint32Array(1024);

/**
 * Sets the offsets' bits in `bits`, a bitset over the segment's range (bit o
 * of byte o >> 3, whole words).
 */
export function orPostingsInto(bits: Uint8Array, bytes: Uint8Array): void {
  if (bytes[0] === BITMAP) {
    const { value: firstByte, next } = readVarint(bytes, 1);
    const words = (bytes.length - next) >>> 2;
    if (firstByte % 4 !== 0 || words * 4 !== bytes.length - next) {
      for (let i = next; i < bytes.length; i++) bits[firstByte + i - next]! |= bytes[i]!;
      return;
    }
    let source: Uint32Array;
    if ((bytes.byteOffset + next) % 4 === 0)
      source = new Uint32Array(bytes.buffer, bytes.byteOffset + next, words);
    else {
      if (scratch.length < words) scratch = new Uint32Array(words * 2);
      new Uint8Array(scratch.buffer, 0, words * 4).set(bytes.subarray(next, next + words * 4));
      source = scratch;
    }
    const target = new Uint32Array(bits.buffer, bits.byteOffset + firstByte, words);
    for (let w = 0; w < words; w++) target[w]! |= source[w]!;
    return;
  }
  let prev = -1;
  for (let i = 1; i < bytes.length;) {
    let b = bytes[i++]!;
    let v = b & 0x7f;
    for (let shift = 7; b & 0x80; shift += 7) {
      b = bytes[i++]!;
      v |= (b & 0x7f) << shift;
    }
    prev += v;
    bits[prev >>> 3]! |= 1 << (prev & 7);
  }
}

function readVarint(bytes: Uint8Array, at: number): { value: number; next: number } {
  let v = 0;
  let shift = 0;
  let b: number;
  do {
    b = bytes[at++]!;
    v |= (b & 0x7f) << shift;
    shift += 7;
  } while (b & 0x80);
  return { value: v, next: at };
}
