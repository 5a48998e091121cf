/**
 * A WAV file of `seconds` of tones (16-bit PCM, mono, 8 kHz: a phone line's
 * audio), the pitch rising each second so that one moment differs from another.
 */
export function toneWav(seconds: number, rate = 8_000): Buffer {
  const samples = Math.round(seconds * rate);
  const out = Buffer.alloc(44 + samples * 2);
  out.write('RIFF', 0, 'ascii');
  out.writeUInt32LE(36 + samples * 2, 4);
  out.write('WAVEfmt ', 8, 'ascii');
  out.writeUInt32LE(16, 16); // fmt chunk size
  out.writeUInt16LE(1, 20); // PCM
  out.writeUInt16LE(1, 22); // mono
  out.writeUInt32LE(rate, 24);
  out.writeUInt32LE(rate * 2, 28); // byte rate
  out.writeUInt16LE(2, 32); // block align
  out.writeUInt16LE(16, 34);
  out.write('data', 36, 'ascii');
  out.writeUInt32LE(samples * 2, 40);
  for (let i = 0; i < samples; i++) {
    const hz = 300 + 50 * Math.floor(i / rate);
    out.writeInt16LE(Math.round(8_000 * Math.sin((2 * Math.PI * hz * i) / rate)), 44 + i * 2);
  }
  return out;
}
