// Types for the two pure-JavaScript codec packages that ship none (see core/bus/codecs.ts).
declare module 'lz4js' {
  /** The contents of an LZ4 frame. */
  export function decompress(src: Uint8Array, maxSize?: number): Uint8Array;
  /** Compresses src[sIndex, sIndex+sLength) as one LZ4 block into dst; 0 when it does not pay. */
  export function compressBlock(
    src: Uint8Array,
    dst: Uint8Array,
    sIndex: number,
    sLength: number,
    hashTable: Uint32Array,
  ): number;
  export function compressBound(n: number): number;
}
declare module 'lz4js/xxh32.js' {
  export function hash(seed: number, src: Uint8Array, index: number, length: number): number;
}
declare module 'snappyjs' {
  /** Raw snappy (no framing). */
  export function compress<T extends Uint8Array | ArrayBuffer>(input: T): T;
  export function uncompress<T extends Uint8Array | ArrayBuffer>(input: T, maxLength?: number): T;
}
