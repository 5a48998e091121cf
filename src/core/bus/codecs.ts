import * as zlib from 'node:zlib';
import { promisify } from 'node:util';
import { decompress as zstdDecompressJs } from 'fzstd';
// kafkajs is CommonJS, and these two are not among the names Node can import from it.
import kafkajs from 'kafkajs';
import { compressBlock, compressBound, decompress as lz4Decompress } from 'lz4js';
import { hash as xxh32 } from 'lz4js/xxh32.js';
import { compress as snappyCompress, uncompress as snappyUncompress } from 'snappyjs';
import { DialwiseError } from '../errors.js';

/**
 * Kafka's compression codecs for kafkajs, which reads only gzip by itself:
 * producers in Java, Go or on librdkafka commonly write snappy, lz4 or zstd,
 * and one such batch would stop the consumer. Pure JavaScript (snappyjs,
 * lz4js, fzstd) so nothing native has to build; zstd is written through
 * node:zlib where the runtime has it (Node ≥ 22.15).
 */
export const KAFKA_CODECS = ['none', 'gzip', 'snappy', 'lz4', 'zstd'] as const;
export type KafkaCodec = (typeof KAFKA_CODECS)[number];

interface Encoder {
  buffer: Buffer;
}

// Java's client frames snappy the way xerial's snappy-java streams do: a
// magic header, then blocks each prefixed by its big-endian length.
const XERIAL_MAGIC = Buffer.from([0x82, 0x53, 0x4e, 0x41, 0x50, 0x50, 0x59, 0x00]);
const XERIAL_HEADER = 16;

const toBuffer = (a: Uint8Array | ArrayBuffer): Buffer =>
  a instanceof ArrayBuffer ? Buffer.from(a) : Buffer.from(a.buffer, a.byteOffset, a.byteLength);

function snappyRead(buffer: Buffer): Buffer {
  if (buffer.length < XERIAL_HEADER || !buffer.subarray(0, 8).equals(XERIAL_MAGIC))
    return toBuffer(snappyUncompress(buffer));
  const blocks: Buffer[] = [];
  for (let at = XERIAL_HEADER; at < buffer.length;) {
    const size = buffer.readUInt32BE(at);
    blocks.push(toBuffer(snappyUncompress(buffer.subarray(at + 4, at + 4 + size))));
    at += 4 + size;
  }
  return Buffer.concat(blocks);
}

function snappyWrite(plain: Buffer): Buffer {
  const block = toBuffer(snappyCompress(plain));
  const header = Buffer.alloc(XERIAL_HEADER);
  XERIAL_MAGIC.copy(header);
  header.writeUInt32BE(1, 8); // version
  header.writeUInt32BE(1, 12); // oldest compatible version
  const size = Buffer.alloc(4);
  size.writeUInt32BE(block.length);
  return Buffer.concat([header, size, block]);
}

/**
 * An LZ4 frame as Kafka's Java client writes and its broker accepts: blocks
 * of at most 64 KB compressed independently (flag set), no checksums but the
 * header's. (lz4js's own frames chain their blocks, which Kafka refuses.)
 */
function lz4Write(plain: Buffer): Buffer {
  const BLOCK = 64 * 1024;
  const header = Buffer.from([0x04, 0x22, 0x4d, 0x18, 0x60, 0x40, 0]);
  header[6] = (xxh32(0, header, 4, 2) >>> 8) & 0xff;
  const parts: Buffer[] = [header];
  const out = Buffer.alloc(compressBound(BLOCK));
  for (let at = 0; at < plain.length; at += BLOCK) {
    const block = plain.subarray(at, at + BLOCK);
    const size = compressBlock(block, out, 0, block.length, new Uint32Array(1 << 16));
    const stored = size > 0 && size < block.length;
    const prefix = Buffer.alloc(4);
    prefix.writeUInt32LE(stored ? size : (0x80000000 | block.length) >>> 0);
    parts.push(prefix, Buffer.from(stored ? out.subarray(0, size) : block));
  }
  parts.push(Buffer.alloc(4)); // end mark
  return Buffer.concat(parts);
}

type ZlibZstd = {
  zstdCompress?: (b: Buffer, cb: (e: Error | null, r: Buffer) => void) => void;
  zstdDecompress?: (b: Buffer, cb: (e: Error | null, r: Buffer) => void) => void;
};
const z = zlib as unknown as ZlibZstd;
const zstdWrite = z.zstdCompress ? promisify(z.zstdCompress) : undefined;
const zstdRead = z.zstdDecompress
  ? promisify(z.zstdDecompress)
  : async (b: Buffer) => toBuffer(zstdDecompressJs(b));

/** Whether this runtime can write `codec` (every codec can be read). */
export const canProduce = (codec: KafkaCodec): boolean => codec !== 'zstd' || !!zstdWrite;

let registered = false;

const { CompressionCodecs, CompressionTypes } = kafkajs;

/** Teaches kafkajs every codec Kafka has; idempotent. */
export function registerCodecs(): void {
  if (registered) return;
  registered = true;
  const codecs = CompressionCodecs as Record<number, () => unknown>;
  codecs[CompressionTypes.Snappy] = () => ({
    compress: async (e: Encoder) => snappyWrite(e.buffer),
    decompress: async (b: Buffer) => snappyRead(b),
  });
  codecs[CompressionTypes.LZ4] = () => ({
    compress: async (e: Encoder) => lz4Write(e.buffer),
    decompress: async (b: Buffer) => toBuffer(lz4Decompress(b)),
  });
  codecs[CompressionTypes.ZSTD] = () => ({
    compress: async (e: Encoder) => {
      if (!zstdWrite)
        throw new DialwiseError('CONFIG_INVALID', 'writing zstd needs Node.js 22.15 or later');
      return zstdWrite(e.buffer);
    },
    decompress: (b: Buffer) => zstdRead(b),
  });
}

/** kafkajs's number for a codec. */
export const compressionType = (codec: KafkaCodec): kafkajs.CompressionTypes =>
  ({
    none: CompressionTypes.None,
    gzip: CompressionTypes.GZIP,
    snappy: CompressionTypes.Snappy,
    lz4: CompressionTypes.LZ4,
    zstd: CompressionTypes.ZSTD,
  })[codec];
