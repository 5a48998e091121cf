import { describe, expect, it } from 'vitest';
import { DialwiseError } from '../../src/core/errors.js';
import { decodeWav, encodeWav } from '../../src/models/prosody/wav.js';
import { noise, sine } from './prosody-signals.js';

const HALF_LSB = 0.5 / 32768;

/** A WAV assembled chunk by chunk, so each test can break exactly one thing. */
function riff(chunks: [string, Uint8Array][], type = 'WAVE', magic = 'RIFF'): Uint8Array {
  const body = chunks.reduce((n, [, c]) => n + 8 + c.length + (c.length % 2), 4);
  const out = new Uint8Array(8 + body);
  const v = new DataView(out.buffer);
  const put = (at: number, s: string) =>
    [...s].forEach((ch, i) => v.setUint8(at + i, ch.charCodeAt(0)));
  put(0, magic);
  v.setUint32(4, body, true);
  put(8, type);
  let at = 12;
  for (const [id, c] of chunks) {
    put(at, id);
    v.setUint32(at + 4, c.length, true);
    out.set(c, at + 8);
    at += 8 + c.length + (c.length % 2);
  }
  return out;
}

function fmt(o: { format?: number; channels?: number; rate?: number; bits?: number } = {}) {
  const { format = 1, channels = 1, rate = 16000, bits = 16 } = o;
  const c = new Uint8Array(16);
  const v = new DataView(c.buffer);
  v.setUint16(0, format, true);
  v.setUint16(2, channels, true);
  v.setUint32(4, rate, true);
  v.setUint32(8, (rate * channels * bits) / 8, true);
  v.setUint16(12, (channels * bits) / 8, true);
  v.setUint16(14, bits, true);
  return c;
}

function pcm(values: number[]): Uint8Array {
  const c = new Uint8Array(values.length * 2);
  const v = new DataView(c.buffer);
  values.forEach((s, i) => v.setInt16(i * 2, s, true));
  return c;
}

function expectBad(bytes: Uint8Array, message: RegExp): void {
  let caught: unknown;
  try {
    decodeWav(bytes);
  } catch (e) {
    caught = e;
  }
  expect(caught).toBeInstanceOf(DialwiseError);
  expect((caught as DialwiseError).code).toBe('BAD_REQUEST');
  expect((caught as DialwiseError).message).toMatch(message);
}

describe('decodeWav', () => {
  it.each([8000, 16000, 22050, 44100])('round-trips mono 16-bit PCM at %i Hz', (rate) => {
    const x = noise(rate / 10, rate, 0.9);
    const back = decodeWav(encodeWav([x], rate));
    expect(back.sampleRate).toBe(rate);
    expect(back.channels).toBe(1);
    expect(back.samples).toHaveLength(x.length);
    const worst = x.reduce((m, v, i) => Math.max(m, Math.abs(v - (back.samples[i] ?? 0))), 0);
    expect(worst).toBeLessThanOrEqual(HALF_LSB);
  });

  it('averages channels into mono', () => {
    const left = sine(300, 0.05, 8000, 0.5);
    const right = left.map((v) => -v / 2);
    const back = decodeWav(encodeWav([left, right], 8000));
    expect(back.channels).toBe(2);
    back.samples.forEach((s, i) =>
      expect(s).toBeCloseTo(((left[i] ?? 0) + (right[i] ?? 0)) / 2, 4),
    );
  });

  it('reads exact sample values, little-endian and signed', () => {
    const back = decodeWav(
      riff([
        ['fmt ', fmt()],
        ['data', pcm([0, 16384, -32768, 32767])],
      ]),
    );
    expect([...back.samples]).toEqual([0, 0.5, -1, 32767 / 32768]);
  });

  it('skips other chunks, honouring the pad byte after odd sizes', () => {
    const list = new Uint8Array([1, 2, 3]); // odd: padded to 4 in the file
    const back = decodeWav(
      riff([
        ['LIST', list],
        ['fmt ', fmt()],
        ['data', pcm([100, -100])],
      ]),
    );
    expect([...back.samples].map((s) => Math.round(s * 32768))).toEqual([100, -100]);
  });

  it('accepts WAVE_FORMAT_EXTENSIBLE whose sub-format is PCM', () => {
    const ext = new Uint8Array(40);
    ext.set(fmt({ format: 0xfffe, channels: 2 }));
    const v = new DataView(ext.buffer);
    v.setUint16(16, 22, true);
    v.setUint16(24, 1, true); // KSDATAFORMAT_SUBTYPE_PCM starts with 0x0001
    const back = decodeWav(
      riff([
        ['fmt ', ext],
        ['data', pcm([1000, 3000])],
      ]),
    );
    expect(back.channels).toBe(2);
    expect(Math.round((back.samples[0] ?? 0) * 32768)).toBe(2000);
  });

  it('reads to the end when a streaming writer left a placeholder data size', () => {
    const bytes = riff([
      ['fmt ', fmt()],
      ['data', pcm([5, 6, 7])],
    ]);
    new DataView(bytes.buffer).setUint32(40, 0x7ffff000, true); // as espeak-ng --stdout writes
    expect(decodeWav(bytes).samples).toHaveLength(3);
  });

  it.each<[string, () => Uint8Array, RegExp]>([
    ['empty input', () => new Uint8Array(0), /too short/],
    ['an Ogg file', () => riff([], 'WAVE', 'OggS'), /not RIFF/],
    ['a RIFF that is not WAVE', () => riff([['fmt ', fmt()]], 'AVI '), /not WAVE/],
    ['big-endian RIFX', () => riff([], 'WAVE', 'RIFX'), /RIFX files are not supported/],
    [
      'IEEE float samples',
      () =>
        riff([
          ['fmt ', fmt({ format: 3, bits: 32 })],
          ['data', new Uint8Array(8)],
        ]),
      /format code 3 is not PCM/,
    ],
    [
      '8-bit PCM',
      () =>
        riff([
          ['fmt ', fmt({ bits: 8 })],
          ['data', new Uint8Array(8)],
        ]),
      /8-bit/,
    ],
    [
      '24-bit PCM',
      () =>
        riff([
          ['fmt ', fmt({ bits: 24 })],
          ['data', new Uint8Array(6)],
        ]),
      /24-bit/,
    ],
    [
      'a short fmt chunk',
      () =>
        riff([
          ['fmt ', new Uint8Array(12)],
          ['data', pcm([1])],
        ]),
      /fmt chunk is 12 bytes/,
    ],
    [
      'data before fmt',
      () =>
        riff([
          ['data', pcm([1])],
          ['fmt ', fmt()],
        ]),
      /before the fmt/,
    ],
    ['no data chunk', () => riff([['fmt ', fmt()]]), /no data chunk/],
    ['no fmt chunk', () => riff([['LIST', new Uint8Array(4)]]), /no fmt chunk/],
    [
      'a partial stereo frame',
      () =>
        riff([
          ['fmt ', fmt({ channels: 2 })],
          ['data', pcm([1, 2, 3])],
        ]),
      /not a whole number of 4-byte frames/,
    ],
  ])('rejects %s with a clear BAD_REQUEST', (_name, make, message) => {
    expectBad(make(), message);
  });

  it('rejects a file cut off inside the data chunk, saying how much is missing', () => {
    const whole = encodeWav([sine(200, 0.1, 8000)], 8000);
    expectBad(
      whole.subarray(0, whole.length - 100),
      /truncated: data chunk declares 1600 bytes, 1500 present/,
    );
  });

  it('rejects a file cut off inside the fmt chunk', () => {
    const whole = encodeWav([sine(200, 0.1, 8000)], 8000);
    expectBad(whole.subarray(0, 30), /truncated: "fmt " chunk/);
  });
});
