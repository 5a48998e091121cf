/**
 * Prosody benchmark: feature extraction time per second of audio at 8 kHz and
 * 16 kHz, and the espeak-ng table (setting → measured rate and F0).
 *
 *   npx tsx bench/prosody.ts [--seconds 3]
 *
 * Speech comes from espeak-ng when it is installed (as in CI), else from a
 * synthetic voiced-burst signal (and no table). Prints a JSON result and
 * writes it to bench/results/prosody.json.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { extractProsody } from '../src/models/prosody/features.js';
import { butterworth4, resample } from '../src/models/prosody/filters.js';
import type { MonoAudio } from '../src/models/prosody/wav.js';
import { HAS_ESPEAK, speak as speakIn, type Lang } from '../test/helpers/espeak.js';

const { values } = parseArgs({ options: { seconds: { type: 'string' } } });
const budgetS = Number(values.seconds ?? 3);
const RESULTS = join(dirname(fileURLToPath(import.meta.url)), 'results');
const TEXT: Record<Lang, string> = {
  en: 'Hello, I am calling about your insurance policy renewal this month. Do you have a few minutes to talk about the new options?',
  zh: '您好，我是保险公司的客服，想跟您确认一下保单续费的事情，请问您现在方便吗？',
} as const;
const SYLLABLES = { en: 35, zh: 33 } as const;

const dir = mkdtempSync(join(tmpdir(), 'dialwise-bench-prosody-'));
const speak = (lang: Lang, wpm: number, pitch: number): MonoAudio =>
  speakIn(dir, lang, TEXT[lang], wpm, pitch);

/** 130 Hz buzz in 200 ms bursts with 100–400 ms gaps: speech-like timing without espeak. */
function synthetic(rate: number, seconds: number): MonoAudio {
  const x = new Float32Array(Math.round(rate * seconds));
  for (let i = 0; i < x.length; i++) {
    const t = i / rate;
    const cycle = t % 0.55;
    const on = cycle < 0.2 || (cycle > 0.3 && cycle < 0.45);
    let s = 0;
    for (let k = 1; k <= 10; k++) s += Math.sin(2 * Math.PI * 130 * k * t) / k;
    x[i] = on ? 0.2 * s : 0;
  }
  return { samples: x, sampleRate: rate };
}

function toRate(a: MonoAudio, rate: number): MonoAudio {
  const band = rate === 8000 ? butterworth4(a.samples, 'high', 300, a.sampleRate) : a.samples;
  return { samples: resample(band, a.sampleRate, rate), sampleRate: rate };
}

/** Per-round times; the median and the best are reported because the cores are shared. */
function time(clips: MonoAudio[]) {
  const audioS = clips.reduce((s, c) => s + c.samples.length / c.sampleRate, 0);
  for (const c of clips) extractProsody(c); // warm-up: JIT
  const rounds: number[] = [];
  const start = performance.now();
  while (performance.now() - start < budgetS * 1000 || rounds.length < 5) {
    const t0 = performance.now();
    for (const c of clips) extractProsody(c);
    rounds.push(performance.now() - t0);
  }
  rounds.sort((a, b) => a - b);
  const median = rounds[rounds.length >> 1] ?? 0;
  const perS = (ms: number) => Number((ms / audioS).toFixed(2));
  return {
    audioSeconds: Number(audioS.toFixed(2)),
    rounds: rounds.length,
    msPerAudioSecond: perS(median),
    bestMsPerAudioSecond: perS(rounds[0] ?? 0),
    realtimeFactor: Math.round((audioS * 1000) / median),
  };
}

const source: MonoAudio[] = HAS_ESPEAK
  ? [speak('en', 170, 50), speak('zh', 170, 50)]
  : [synthetic(16000, 10)];
const speed = Object.fromEntries(
  [8000, 16000].map((rate) => [`${rate / 1000}kHz`, time(source.map((a) => toRate(a, rate)))]),
);

const table: Record<string, unknown>[] = [];
if (HAS_ESPEAK) {
  for (const lang of ['en', 'zh'] as const) {
    for (const wpm of [80, 100, 140, 170, 220, 260, 300, 350, 450]) {
      const a = speak(lang, wpm, 50);
      const f = extractProsody(a);
      const t = extractProsody(toRate(a, 8000));
      table.push({
        lang,
        setting: `-s ${wpm}`,
        speakingRate: +f.speakingRate.toFixed(2),
        nuclei: `${f.nuclei}/${SYLLABLES[lang]}`,
        speakingRate8k: +t.speakingRate.toFixed(2),
        speechS: +f.speechS.toFixed(2),
        pauseRatio: +f.pauseRatio.toFixed(3),
        f0MedianHz: +(f.f0MedianHz ?? 0).toFixed(1),
      });
    }
    for (const pitch of [0, 10, 30, 50, 70, 90, 99]) {
      const a = speak(lang, 170, pitch);
      const f = extractProsody(a);
      const t = extractProsody(toRate(a, 8000));
      table.push({
        lang,
        setting: `-p ${pitch}`,
        speakingRate: +f.speakingRate.toFixed(2),
        f0MedianHz: +(f.f0MedianHz ?? 0).toFixed(1),
        f0MedianHz8k: +(t.f0MedianHz ?? 0).toFixed(1),
        f0RangeSt: +(f.f0RangeSt ?? 0).toFixed(2),
      });
    }
  }
}
rmSync(dir, { recursive: true, force: true });

const result = {
  mode: 'prosody',
  audio: HAS_ESPEAK
    ? 'espeak-ng en + cmn sentences at 170 wpm, resampled'
    : 'synthetic voiced bursts',
  speed,
  espeak: HAS_ESPEAK ? table : 'espeak-ng not installed',
  node: process.version,
  cores: cpus().length,
  at: new Date().toISOString(),
};
if (table.length > 0) console.table(table);
console.log(JSON.stringify(result, null, 2));
mkdirSync(RESULTS, { recursive: true });
writeFileSync(join(RESULTS, 'prosody.json'), `${JSON.stringify(result, null, 2)}\n`);
