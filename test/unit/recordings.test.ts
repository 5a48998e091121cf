import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { audioTypeOf, turnOffsets, wavSeconds } from '../../src/analytics/recordings/index.js';
import { localBlobs, openBlob, sealBlob } from '../../src/core/blobs/index.js';
import { createFieldCipher } from '../../src/core/crypto.js';
import { toneWav } from '../helpers/wav.js';

const key = Buffer.alloc(32, 7).toString('base64');
const cipher = createFieldCipher(key);

describe('recordings: what the bytes are', () => {
  it('recognises the audio formats by their first bytes, and nothing else', () => {
    expect(audioTypeOf(toneWav(1))).toBe('audio/wav');
    expect(audioTypeOf(Buffer.from('OggS\0\x02rest'))).toBe('audio/ogg');
    expect(audioTypeOf(Buffer.from([0x1a, 0x45, 0xdf, 0xa3, 1]))).toBe('audio/webm');
    expect(audioTypeOf(Buffer.from('\0\0\0\x20ftypM4A '))).toBe('audio/mp4');
    expect(audioTypeOf(Buffer.from('ID3\x04\0'))).toBe('audio/mpeg');
    expect(audioTypeOf(Buffer.from([0xff, 0xfb, 0x90, 0x00]))).toBe('audio/mpeg');
    expect(audioTypeOf(Buffer.from('{"call_id":"x"}'))).toBeNull();
    expect(audioTypeOf(Buffer.from('RIFF\0\0\0\0AVI '))).toBeNull();
    expect(audioTypeOf(Buffer.alloc(0))).toBeNull();
  });

  it("reads a WAV's length from its header", () => {
    expect(wavSeconds(toneWav(12.5))).toBeCloseTo(12.5, 3);
    expect(wavSeconds(toneWav(3, 16_000))).toBeCloseTo(3, 3);
    expect(wavSeconds(Buffer.from('ID3\x04\0'))).toBeNull();
    // A header cut short says nothing rather than something wrong.
    expect(wavSeconds(toneWav(1).subarray(0, 30))).toBeNull();
  });
});

describe('recordings: where each turn is in the audio', () => {
  const t0 = '2026-12-07T02:00:00.000Z';
  const at = (s: number) => new Date(Date.parse(t0) + s * 1000).toISOString();

  it('counts from the start the dialer gave, else the call start, else the first turn', () => {
    const turns = [at(2), at(7.25), at(12)];
    expect(turnOffsets(turns, { recording: t0, call: at(-5) }, null)).toEqual([2, 7.25, 12]);
    expect(turnOffsets(turns, { recording: null, call: t0 }, null)).toEqual([2, 7.25, 12]);
    expect(turnOffsets(turns, { recording: null, call: null }, null)).toEqual([0, 5.25, 10]);
  });

  it('holds offsets within the recording', () => {
    expect(turnOffsets([at(-3), at(30)], { recording: t0, call: null }, 20)).toEqual([0, 20]);
    expect(turnOffsets([], { recording: t0, call: null }, 20)).toEqual([]);
  });
});

describe('recordings: sealed files', () => {
  it('opens what it sealed, for the call it was sealed for only', () => {
    const audio = toneWav(1);
    const { keyEnc, blob } = sealBlob(cipher, audio, 'call-1');
    expect(blob.includes(audio.subarray(44, 300))).toBe(false);
    expect(openBlob(cipher, keyEnc, blob, 'call-1').equals(audio)).toBe(true);
    expect(() => openBlob(cipher, keyEnc, blob, 'call-2')).toThrow(/altered or misplaced/);
    const altered = Buffer.from(blob);
    altered[altered.length - 1]! ^= 1;
    expect(() => openBlob(cipher, keyEnc, altered, 'call-1')).toThrow(/altered or misplaced/);
  });

  it('opens after the data key is rotated, once the file key is re-sealed', () => {
    const { keyEnc, blob } = sealBlob(cipher, toneWav(1), 'c');
    const next = createFieldCipher(Buffer.alloc(32, 9).toString('base64'), [key]);
    const resealed = next.encrypt(next.decrypt(keyEnc));
    expect(
      openBlob(createFieldCipher(Buffer.alloc(32, 9).toString('base64')), resealed, blob, 'c'),
    ).toHaveLength(toneWav(1).length);
  });

  it('keeps files in a local folder, whole, and refuses names that are not its own', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dialwise-blobs-'));
    const blobs = localBlobs(dir);
    await blobs.put('recordings/a.bin', Buffer.from('sealed'));
    expect(readFileSync(join(dir, 'recordings/a.bin'), 'utf8')).toBe('sealed');
    expect(readdirSync(join(dir, 'recordings'))).toEqual(['a.bin']); // no temporary left
    await expect(blobs.get('recordings/b.bin')).resolves.toBeNull();
    await blobs.delete('recordings/a.bin');
    await blobs.delete('recordings/a.bin'); // gone already: not an error
    await expect(blobs.get('recordings/a.bin')).resolves.toBeNull();
    await expect(blobs.put('../escape.bin', Buffer.from('x'))).rejects.toThrow(/not one of ours/);
    await expect(blobs.get('/etc/passwd')).rejects.toThrow(/not one of ours/);
  });
});
