// Types for the two pure-JavaScript codec packages that ship none (see core/bus/codecs.ts).
declare module 'lz4js' {
  /** An LZ4 frame (magic 0x184D2204) of `src`. */
  export function compress(src: Uint8Array, maxSize?: number): Uint8Array;
  /** The contents of an LZ4 frame. */
  export function decompress(src: Uint8Array, maxSize?: number): Uint8Array;
}
declare module 'snappyjs' {
  /** Raw snappy (no framing). */
  export function compress<T extends Uint8Array | ArrayBuffer>(input: T): T;
  export function uncompress<T extends Uint8Array | ArrayBuffer>(input: T, maxLength?: number): T;
}
