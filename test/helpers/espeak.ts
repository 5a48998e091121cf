import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { decodeWav, type MonoAudio } from '../../src/models/prosody/wav.js';

export const HAS_ESPEAK = spawnSync('espeak-ng', ['--version']).status === 0;

export type Lang = 'en' | 'zh';
// Debian's plain `zh`/`cmn` voice turns Han characters into pinyin and then reads the
// pinyin letters as English words; the pinyin voice speaks them as Mandarin syllables.
export const VOICE: Record<Lang, string> = { en: 'en', zh: 'cmn-latn-pinyin' };

let n = 0;

/** `text` spoken by espeak-ng at `wpm` words per minute and pitch 0..99, as mono audio. */
export function speak(
  dir: string,
  lang: Lang,
  text: string,
  wpm: number,
  pitch: number,
): MonoAudio {
  const file = join(dir, `${n++}.wav`);
  execFileSync('espeak-ng', [
    '-v',
    VOICE[lang],
    '-s',
    `${wpm}`,
    '-p',
    `${pitch}`,
    '-w',
    file,
    text,
  ]);
  return decodeWav(readFileSync(file));
}
