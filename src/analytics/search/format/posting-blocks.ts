/**
 * A block: the postings of some of a segment's terms, all of one bucket,
 * one search_postings row. Layout: varint entry count k, varint byte length
 * of the terms, the k terms in UTF-8 joined by \n, then k pairs (varint
 * postings count, varint encoded length), then the k encoded postings. A
 * bucket takes as many blocks as its postings need; a long list is cut into
 * parts (entries of the same term covering successive offsets).
 */
import { encodedSize, PostingsWriter, varintSize } from './postings-codec.js';
import type { Posting } from './offset-sets.js';

export interface BlockEntry extends Posting {
  term: string;
}

/** Blocks as `writeBlocks` stores them: block i is bytes[ends[i - 1] ?? 0, ends[i]). */
export interface BlockBatch {
  keys: string[];
  /** Entries per block. */
  counts: number[];
  ends: number[];
  bytes: Uint8Array;
}

/**
 * Under DuckDB's inline string limit (4 KB): larger values live in overflow
 * blocks, and a lookup would read those of every row near the one it wants.
 */
const BLOCK_BYTES = 4000;
/** Room for the block's two leading varints. */
const HEAD_BYTES = 8;

/** The list in parts that each encode to at most `budget` bytes (a single offset always fits). */
function parts(offsets: Int32Array, budget: number): Int32Array[] {
  if (offsets.length === 1 || encodedSize(offsets) <= budget) return [offsets];
  const half = offsets.length >>> 1;
  return [...parts(offsets.subarray(0, half), budget), ...parts(offsets.subarray(half), budget)];
}

export class BlockWriter {
  private out = new Uint8Array(1 << 16);
  private at = 0;
  private readonly keys: string[] = [];
  private readonly counts: number[] = [];
  private readonly ends: number[] = [];
  // The block being filled.
  private key = '';
  private terms: string[] = [];
  private sizes: number[] = [];
  private readonly postings = new PostingsWriter(BLOCK_BYTES);
  private size = HEAD_BYTES;

  /** Adds a term's offsets (ascending) to bucket `key`; a bucket's terms must come together. */
  add(key: string, term: string, offsets: Int32Array): void {
    if (key !== this.key) this.flush();
    this.key = key;
    const termBytes = Buffer.byteLength(term) + 1;
    for (const part of parts(offsets, BLOCK_BYTES - HEAD_BYTES - termBytes - 8)) {
      const bytes = encodedSize(part);
      const entry = termBytes + varintSize(part.length) + varintSize(bytes) + bytes;
      if (this.terms.length > 0 && this.size + entry > BLOCK_BYTES) this.flush();
      this.terms.push(term);
      this.sizes.push(part.length, bytes);
      this.postings.write(part);
      this.size += entry;
    }
  }

  done(): BlockBatch {
    this.flush();
    const bytes = this.out.subarray(0, this.at);
    return { keys: this.keys, counts: this.counts, ends: this.ends, bytes };
  }

  private flush(): void {
    if (this.terms.length === 0) return;
    const terms = Buffer.from(this.terms.join('\n'), 'utf8');
    const postings = this.postings.bytes();
    this.reserve(HEAD_BYTES + terms.length + this.sizes.length * 4 + postings.length);
    this.varint(this.terms.length);
    this.varint(terms.length);
    this.out.set(terms, this.at);
    this.at += terms.length;
    for (const v of this.sizes) this.varint(v);
    this.out.set(postings, this.at);
    this.at += postings.length;
    this.keys.push(this.key);
    this.counts.push(this.terms.length);
    this.ends.push(this.at);
    this.terms = [];
    this.sizes = [];
    this.postings.clear();
    this.size = HEAD_BYTES;
  }

  private reserve(size: number): void {
    if (this.at + size <= this.out.length) return;
    const grown = new Uint8Array(Math.max(this.out.length * 2, this.at + size));
    grown.set(this.out.subarray(0, this.at));
    this.out = grown;
  }

  private varint(v: number): void {
    while (v >= 0x80) {
      this.out[this.at++] = (v & 0x7f) | 0x80;
      v >>>= 7;
    }
    this.out[this.at++] = v;
  }
}

/** The block's entries; their bytes are views into `block`. */
export function decodeBlock(block: Uint8Array): BlockEntry[] {
  let at = 0;
  const varint = (): number => {
    let v = 0;
    for (let shift = 0; ; shift += 7) {
      const b = block[at++]!;
      v |= (b & 0x7f) << shift;
      if (!(b & 0x80)) return v;
    }
  };
  const k = varint();
  const termBytes = varint();
  const terms = Buffer.from(block.buffer, block.byteOffset + at, termBytes)
    .toString('utf8')
    .split('\n');
  at += termBytes;
  const sizes: [number, number][] = [];
  for (let i = 0; i < k; i++) sizes.push([varint(), varint()]);
  return sizes.map(([n, len], i) => {
    const bytes = block.subarray(at, at + len);
    at += len;
    return { term: terms[i]!, n, bytes };
  });
}
