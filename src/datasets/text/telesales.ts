import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readTextRecords, type TextRecord } from '../text-record.js';
import { withAsrNoise } from './asr-noise.js';

/**
 * The telesales corpus in the repository (datasets/telesales/, described in
 * its README): customer turns of outbound sales calls, labelled with the
 * intents of config/intents.json. The training lines come from two writers
 * (train-*.jsonl); the test split was written apart, before training, and is
 * never trained or tuned on. The same relative path from src/ and dist/.
 */
export const TELESALES_DIR = fileURLToPath(
  new URL('../../../datasets/telesales/', import.meta.url),
);

/**
 * Seeds of the noise: two noisy copies of each training line (chosen over
 * none, one and three by training on one writer's lines and validating on
 * the other's, docs/models.md), and another seed for the noisy test copy.
 */
const AUGMENT_SEEDS = [1, 3];
const NOISY_TEST_SEED = 2;

async function trainingLines(): Promise<TextRecord[]> {
  const files = (await readdir(TELESALES_DIR)).filter((f) => /^train-.*\.jsonl$/.test(f)).sort();
  const parts = await Promise.all(files.map((f) => readTextRecords(join(TELESALES_DIR, f))));
  return parts.flat().map((r) => ({ text: r.text, label: r.label }));
}

/**
 * `train`: every training line plus two noisy renderings of each (a copy
 * that repeats a line is dropped); `test`: the test split as written;
 * `noisy`: the test split through the ASR noise with its own seed.
 */
export async function loadTelesales(split: 'train' | 'test' | 'noisy'): Promise<TextRecord[]> {
  if (split === 'train') {
    const clean = await trainingLines();
    const out = [...clean];
    const seen = new Set(clean.map((r) => r.text));
    for (const noisy of AUGMENT_SEEDS.flatMap((seed) => withAsrNoise(clean, seed)))
      if (!seen.has(noisy.text)) {
        seen.add(noisy.text);
        out.push(noisy);
      }
    return out;
  }
  const test = (await readTextRecords(join(TELESALES_DIR, 'test.jsonl'))).map((r) => ({
    text: r.text,
    label: r.label,
  }));
  return split === 'test' ? test : withAsrNoise(test, NOISY_TEST_SEED);
}
