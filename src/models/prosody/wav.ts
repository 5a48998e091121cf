import { DialwiseError } from '../../core/errors.js';

/** Mono audio in -1..1, the only form the prosody code works on. */
export interface MonoAudio {
  samples: Float32Array;
  sampleRate: number;
}

export interface DecodedWav extends MonoAudio {
  /** Channels in the file; they are averaged into `samples`. */
  channels: number;
}

const PCM = 1;
const EXTENSIBLE = 0xfffe;
// Streaming writers (espeak-ng --stdout, ffmpeg to a pipe) cannot seek back
// to fill in the size, so they leave a huge placeholder: read to the end then.
const STREAMING_SIZE = 0x7fff0000;

const bad = (message: string): DialwiseError => new DialwiseError('BAD_REQUEST', `WAV: ${message}`);

const tag = (v: DataView, at: number): string =>
  String.fromCharCode(v.getUint8(at), v.getUint8(at + 1), v.getUint8(at + 2), v.getUint8(at + 3));

interface Format {
  channels: number;
  sampleRate: number;
  blockAlign: number;
}

function readFormat(v: DataView, at: number, size: number): Format {
  if (size < 16) throw bad(`fmt chunk is ${size} bytes, expected at least 16`);
  let format = v.getUint16(at, true);
  if (format === EXTENSIBLE) {
    if (size < 40) throw bad(`extensible fmt chunk is ${size} bytes, expected 40`);
    // The first two bytes of the sub-format GUID are the real format code.
    format = v.getUint16(at + 24, true);
  }
  const channels = v.getUint16(at + 2, true);
  const sampleRate = v.getUint32(at + 4, true);
  const blockAlign = v.getUint16(at + 12, true);
  const bits = v.getUint16(at + 14, true);
  if (format !== PCM) throw bad(`format code ${format} is not PCM (1); only 16-bit PCM is read`);
  if (bits !== 16) throw bad(`${bits}-bit samples; only 16-bit PCM is read`);
  if (channels < 1) throw bad('0 channels');
  if (sampleRate < 1) throw bad('sample rate 0');
  if (blockAlign !== channels * 2) {
    throw bad(`block align ${blockAlign} does not match ${channels} channels of 16 bits`);
  }
  return { channels, sampleRate, blockAlign };
}

function toMono(v: DataView, at: number, frames: number, channels: number): Float32Array {
  const out = new Float32Array(frames);
  const scale = 1 / (32768 * channels);
  for (let i = 0, p = at; i < frames; i++) {
    let sum = 0;
    for (let c = 0; c < channels; c++, p += 2) sum += v.getInt16(p, true);
    out[i] = sum * scale;
  }
  return out;
}

/**
 * Parses a RIFF/WAVE file of 16-bit PCM (plain or WAVE_FORMAT_EXTENSIBLE),
 * any channel count and sample rate, into mono. Anything else — another
 * encoding, a cut-off file, not a WAV at all — is a BAD_REQUEST with the
 * reason, because it comes from a client and retrying cannot fix it.
 */
export function decodeWav(bytes: Uint8Array): DecodedWav {
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.byteLength < 12) throw bad(`${bytes.byteLength} bytes is too short for a header`);
  const riff = tag(v, 0);
  if (riff !== 'RIFF') {
    throw bad(riff === 'RIFX' || riff === 'RF64' ? `${riff} files are not supported` : 'not RIFF');
  }
  if (tag(v, 8) !== 'WAVE') throw bad(`RIFF type is "${tag(v, 8)}", not WAVE`);
  let fmt: Format | undefined;
  for (let at = 12; at + 8 <= bytes.byteLength;) {
    const id = tag(v, at);
    const size = v.getUint32(at + 4, true);
    const body = at + 8;
    const left = bytes.byteLength - body;
    if (id === 'data') {
      if (!fmt) throw bad('data chunk comes before the fmt chunk');
      if (size > left && size < STREAMING_SIZE) {
        throw bad(`truncated: data chunk declares ${size} bytes, ${left} present`);
      }
      const usable = Math.min(size, left);
      if (size <= left && size % fmt.blockAlign !== 0) {
        throw bad(`data size ${size} is not a whole number of ${fmt.blockAlign}-byte frames`);
      }
      const frames = Math.floor(usable / fmt.blockAlign);
      return {
        samples: toMono(v, body, frames, fmt.channels),
        sampleRate: fmt.sampleRate,
        channels: fmt.channels,
      };
    }
    if (size > left) throw bad(`truncated: "${id}" chunk declares ${size} bytes, ${left} present`);
    if (id === 'fmt ') fmt = readFormat(v, body, size);
    at = body + size + (size % 2); // chunks are padded to even sizes
  }
  throw bad(fmt ? 'no data chunk (truncated?)' : 'no fmt chunk (truncated?)');
}

/**
 * Writes channels (equal length, -1..1, clipped) as a 16-bit PCM WAV. Used to
 * round-trip the parser and to hand synthetic audio to code that takes files.
 */
export function encodeWav(channels: readonly Float32Array[], sampleRate: number): Uint8Array {
  const n = channels.length;
  const frames = channels[0]?.length ?? 0;
  if (n === 0 || channels.some((c) => c.length !== frames)) {
    throw new DialwiseError('BAD_REQUEST', 'WAV: need at least one channel, all of equal length');
  }
  const dataBytes = frames * n * 2;
  const out = new Uint8Array(44 + dataBytes);
  const v = new DataView(out.buffer);
  const put = (at: number, s: string): void => {
    for (let i = 0; i < 4; i++) v.setUint8(at + i, s.charCodeAt(i));
  };
  put(0, 'RIFF');
  v.setUint32(4, 36 + dataBytes, true);
  put(8, 'WAVE');
  put(12, 'fmt ');
  v.setUint32(16, 16, true);
  v.setUint16(20, PCM, true);
  v.setUint16(22, n, true);
  v.setUint32(24, sampleRate, true);
  v.setUint32(28, sampleRate * n * 2, true);
  v.setUint16(32, n * 2, true);
  v.setUint16(34, 16, true);
  put(36, 'data');
  v.setUint32(40, dataBytes, true);
  for (let i = 0, p = 44; i < frames; i++) {
    for (const c of channels) {
      // The decoder's 1/32768 scale, inverted, so a round trip is exact to ½ LSB.
      v.setInt16(p, Math.max(-32768, Math.min(32767, Math.round((c[i] ?? 0) * 32768))), true);
      p += 2;
    }
  }
  return out;
}
