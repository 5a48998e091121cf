/**
 * What a recording is, from its first bytes (never from what the caller
 * says it is): the audio formats dialers record in and browsers play.
 */
export const AUDIO_TYPES = [
  'audio/wav',
  'audio/mpeg',
  'audio/ogg',
  'audio/webm',
  'audio/mp4',
] as const;
export type AudioType = (typeof AUDIO_TYPES)[number];

const ascii = (b: Uint8Array, at: number, s: string) =>
  b.length >= at + s.length && [...s].every((c, i) => b[at + i] === c.charCodeAt(0));

export function audioTypeOf(b: Uint8Array): AudioType | null {
  if (ascii(b, 0, 'RIFF') && ascii(b, 8, 'WAVE')) return 'audio/wav';
  if (ascii(b, 0, 'OggS')) return 'audio/ogg';
  if (b[0] === 0x1a && b[1] === 0x45 && b[2] === 0xdf && b[3] === 0xa3) return 'audio/webm';
  if (ascii(b, 4, 'ftyp')) return 'audio/mp4';
  // MP3: an ID3 tag, or an MPEG audio frame's sync word.
  if (ascii(b, 0, 'ID3') || (b[0] === 0xff && b.length > 1 && (b[1]! & 0xe0) === 0xe0))
    return 'audio/mpeg';
  return null;
}

/**
 * A WAV file's length in seconds, from its `fmt ` chunk's byte rate and its
 * `data` chunk's size; null for other formats or a header it cannot read.
 */
export function wavSeconds(b: Uint8Array): number | null {
  if (audioTypeOf(b) !== 'audio/wav') return null;
  const view = new DataView(b.buffer, b.byteOffset, b.byteLength);
  let byteRate = 0;
  for (let at = 12; at + 8 <= b.length;) {
    const size = view.getUint32(at + 4, true);
    if (ascii(b, at, 'fmt ') && at + 20 <= b.length) byteRate = view.getUint32(at + 16, true);
    if (ascii(b, at, 'data')) {
      const data = Math.min(size, b.length - at - 8);
      return byteRate > 0 ? data / byteRate : null;
    }
    at += 8 + size + (size % 2);
  }
  return null;
}
