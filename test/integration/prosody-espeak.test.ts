// Prosody on real synthetic speech: espeak-ng (Debian package) speaks known
// sentences at known rates (-s, words per minute) and pitches (-p, 0..99);
// the measured speaking rate and F0 must follow the settings.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { fuseEmotion } from '../../src/models/emotion-fusion.js';
import { compareWithBaseline } from '../../src/models/prosody/baseline.js';
import { extractProsody, type ProsodyFeatures } from '../../src/models/prosody/features.js';
import { butterworth4, resample } from '../../src/models/prosody/filters.js';
import type { MonoAudio } from '../../src/models/prosody/wav.js';
import { HAS_ESPEAK, speak as speakIn, VOICE, type Lang } from '../helpers/espeak.js';

const REQUIRED = process.env.DIALWISE_REQUIRE_SERVICES === '1';
const MISSING = 'espeak-ng not found on PATH: apt-get install -y espeak-ng';
// Like requireService: skipped with a reason here, a failure where services are required.
if (!HAS_ESPEAK && REQUIRED) throw new Error(`${MISSING} (DIALWISE_REQUIRE_SERVICES=1)`);
if (!HAS_ESPEAK) console.warn(`[prosody-espeak.test] skipped: ${MISSING}`);

/** Long sentences with a known syllable count: one syllable per Han character. */
const SENTENCE: Record<Lang, { text: string; syllables: number }> = {
  en: {
    // Hel-lo I am call-ing a-bout your in-sur-ance pol-i-cy re-new-al this month (20),
    // do you have a few min-utes to talk a-bout the new op-tions (15).
    text: 'Hello, I am calling about your insurance policy renewal this month. Do you have a few minutes to talk about the new options?',
    syllables: 35,
  },
  zh: {
    text: '您好，我是保险公司的客服，想跟您确认一下保单续费的事情，请问您现在方便吗？',
    syllables: 33,
  },
};
/** A caller's turns: different sentences, as in a real call. */
const TURNS: Record<Lang, string[]> = {
  en: [
    'Yes, I got your message about the policy last week.',
    'I am not sure I need another plan right now.',
    'What exactly is different from the one I have?',
    'Okay, and how much would that cost me each month?',
    'Look, I really do not have time for this today.',
  ],
  zh: [
    '我上周收到你们的短信了。',
    '我现在不太确定需要新的保险。',
    '这个和我现在的有什么不一样？',
    '那每个月要多少钱？',
    '我今天真的没有时间。',
  ],
};
const RATES = [100, 170, 260, 350];
const PITCHES = [10, 50, 90];

const dir = HAS_ESPEAK ? mkdtempSync(join(tmpdir(), 'dialwise-espeak-')) : '';
afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const speak = (lang: Lang, text: string, wpm: number, pitch: number): MonoAudio =>
  speakIn(dir, lang, text, wpm, pitch);

/** Telephone audio: 300–3400 Hz, 8 kHz. */
function telephone(a: MonoAudio): MonoAudio {
  const band = butterworth4(a.samples, 'high', 300, a.sampleRate);
  return { samples: resample(band, a.sampleRate, 8000), sampleRate: 8000 };
}

/** Spearman rank correlation of measured values against their (increasing) settings. */
function spearman(values: number[]): number {
  const order = values.map((v, i) => [v, i] as const).sort((a, b) => a[0] - b[0]);
  const rank = new Array<number>(values.length);
  order.forEach(([, i], r) => (rank[i] = r));
  const m = values.length;
  const d2 = rank.reduce((s, r, i) => s + (r - i) ** 2, 0);
  return 1 - (6 * d2) / (m * (m * m - 1));
}

const strictlyIncreasing = (v: number[]) =>
  v.every((x, i) => i === 0 || x > (v[i - 1] ?? Infinity));

describe.skipIf(!HAS_ESPEAK).each<Lang>(['en', 'zh'])('espeak-ng speech (%s)', (lang) => {
  it('is spoken in the intended language', () => {
    // A marker like "(en)" in the phoneme output means espeak switched language for a word.
    for (const text of [SENTENCE[lang].text, ...TURNS[lang]]) {
      const phonemes = execFileSync('espeak-ng', ['-v', VOICE[lang], '-q', '-x', text]).toString();
      expect(phonemes.trim().length).toBeGreaterThan(0);
      expect(phonemes).not.toMatch(/\([a-z]{2,3}\)/);
    }
  });

  const atRates = () => RATES.map((s) => speak(lang, SENTENCE[lang].text, s, 50));

  it('measures a speaking rate that rises with -s, in proportion', () => {
    const audio = atRates();
    for (const [band, clips] of [
      ['22 kHz', audio],
      ['8 kHz telephone', audio.map(telephone)],
    ] as const) {
      const f = clips.map((a) => extractProsody(a));
      const rates = f.map((x) => x.speakingRate);
      console.log(
        `[${lang} ${band}] -s ${RATES.join('/')} → ${rates.map((r) => r.toFixed(2)).join('/')} syllables/s; nuclei ${f.map((x) => x.nuclei).join('/')} of ${SENTENCE[lang].syllables}`,
      );
      expect(strictlyIncreasing(rates)).toBe(true);
      expect(spearman(rates)).toBe(1);
      // The counter itself: nuclei within 12% of the true syllable count at every
      // rate (measured: at most 3 off, the fastest English losing merged syllables).
      for (const x of f) {
        expect(Math.abs(x.nuclei / SENTENCE[lang].syllables - 1)).toBeLessThanOrEqual(0.12);
      }
      // Proportionality: 350/100 wpm is 3.5x, but espeak-ng's articulation does not
      // follow -s exactly (speech time shrinks 3.3x for the English sentence, 3.9x for
      // the Mandarin one) and the counter merges 2–3 syllables at the top. Measured
      // ratios: 2.95–3.0 (en), 3.55–3.7 (zh), 22 kHz and 8 kHz; so ±25% around 3.5.
      const ratio = (rates.at(-1) ?? 0) / (rates[0] ?? 1);
      expect(ratio).toBeGreaterThan(3.5 * 0.75);
      expect(ratio).toBeLessThan(3.5 * 1.25);
    }
  });

  it('measures a median F0 that rises with -p', () => {
    const audio = PITCHES.map((p) => speak(lang, SENTENCE[lang].text, 170, p));
    for (const [band, clips] of [
      ['22 kHz', audio],
      ['8 kHz telephone', audio.map(telephone)],
    ] as const) {
      const f0 = clips.map((a) => extractProsody(a).f0MedianHz ?? 0);
      console.log(
        `[${lang} ${band}] -p ${PITCHES.join('/')} → F0 ${f0.map((x) => x.toFixed(1)).join('/')} Hz`,
      );
      expect(strictlyIncreasing(f0)).toBe(true);
      // Each step of 40 in -p is several semitones (measured 5–8), far above frame noise.
      for (let i = 1; i < f0.length; i++) {
        expect(12 * Math.log2((f0[i] ?? 0) / (f0[i - 1] ?? 1))).toBeGreaterThan(3);
      }
      // espeak-ng's default voices are male: inside the search range, nowhere near its 50 Hz floor.
      expect(f0[0]).toBeGreaterThan(55);
      expect(f0.at(-1)).toBeLessThan(250);
    }
  });

  it('sees rising impatience when a caller speeds up and goes higher, not when steady', () => {
    const calm = TURNS[lang].map((t) => extractProsody(speak(lang, t, 150, 40)));
    const baseline = calm.slice(0, 3);
    const hurried: ProsodyFeatures[] = TURNS[lang]
      .slice(3)
      .map((t) => extractProsody(speak(lang, t, 300, 80)));
    for (const steady of calm.slice(3)) {
      const c = compareWithBaseline(steady, baseline);
      expect(c.ready).toBe(true);
      expect(c.ready && c.impatience).toBeLessThan(0.15);
      expect(
        fuseEmotion({ label: 'neutral', valence: 0 }, c.ready ? c.impatience : null).label,
      ).toBe('neutral');
    }
    for (const hot of hurried) {
      const c = compareWithBaseline(hot, baseline);
      if (!c.ready) throw new Error(`no baseline: ${c.reason}`);
      console.log(
        `[${lang}] hurried turn: rate +${(c.deltas.rate * 100).toFixed(0)}%, pitch +${c.deltas.pitch?.toFixed(1)} st → impatience ${c.impatience.toFixed(2)}`,
      );
      expect(c.cues.rate).toBeGreaterThan(0.5);
      expect(c.cues.pitch).toBe(1);
      expect(c.impatience).toBeGreaterThan(0.55);
      const fused = fuseEmotion({ label: 'neutral', valence: 0 }, c.impatience);
      expect(fused.label).toBe('impatient');
      expect(fused.valence).toBeLessThanOrEqual(-0.2);
    }
  });
});
