import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { readJsonl, readTextRecords, type TextRecord } from '../text-record.js';
import { withAsrNoise } from './asr-noise.js';

/**
 * The telesales corpus in the repository (datasets/telesales/, described in
 * its README): customer turns of outbound sales calls, labelled with the
 * intents of config/intents.json (train-*.jsonl, three writers) or as
 * opt-outs or not (optout-train-*.jsonl). The test files were written
 * apart, before training, and are never trained or tuned on. The same
 * relative path from src/ and dist/.
 */
export const TELESALES_DIR = fileURLToPath(
  new URL('../../../datasets/telesales/', import.meta.url),
);

/**
 * Seeds of the noise: two noisy copies of each training line (chosen over
 * none, one and three by training on one writer's lines and validating on
 * another's, docs/speech.md), and another seed for the noisy test copy.
 */
const AUGMENT_SEEDS = [1, 3];
const NOISY_TEST_SEED = 2;

/** The labels of the opt-out classifier: the intent's name, and everything else. */
export const OPT_OUT_LABELS = { yes: 'opt_out', no: 'other' } as const;

const optOutLine = z.object({
  text: z.string().min(1),
  label: z.boolean(),
  speaker: z.enum(['customer', 'agent']).optional(),
});

const read = async (pattern: RegExp): Promise<string[]> =>
  (await readdir(TELESALES_DIR)).filter((f) => pattern.test(f)).sort();

async function intentLines(): Promise<TextRecord[]> {
  const files = await read(/^train-.*\.jsonl$/);
  const parts = await Promise.all(files.map((f) => readTextRecords(join(TELESALES_DIR, f))));
  return parts.flat().map((r) => ({ text: r.text, label: r.label }));
}

/** Customer turns of opt-out files as classifier records. */
async function optOutLines(files: readonly string[]): Promise<TextRecord[]> {
  const parts = await Promise.all(files.map((f) => readJsonl(join(TELESALES_DIR, f), optOutLine)));
  return parts
    .flat()
    .filter((r) => r.speaker !== 'agent')
    .map((r) => ({ text: r.text, label: r.label ? OPT_OUT_LABELS.yes : OPT_OUT_LABELS.no }));
}

/** Each line and two noisy renderings of it (a copy that repeats a line is dropped). */
function augmented(clean: readonly TextRecord[]): TextRecord[] {
  const out = [...clean];
  const seen = new Set(clean.map((r) => r.text));
  for (const noisy of AUGMENT_SEEDS.flatMap((seed) => withAsrNoise(clean, seed)))
    if (!seen.has(noisy.text)) {
      seen.add(noisy.text);
      out.push(noisy);
    }
  return out;
}

/**
 * The opt-out classifier's training data: the opt-out development sets, and
 * the intent corpus read as opt-out (`opt_out`) or not, complaints left out
 * (a complaint may or may not carry an opt-out: the intent label cannot say).
 */
async function optOutTraining(): Promise<TextRecord[]> {
  const sets = await optOutLines(await read(/^optout-train-.*\.jsonl$/));
  const corpus = (await intentLines())
    .filter((r) => r.label !== 'complaint')
    .map((r) => ({
      text: r.text,
      label: r.label === 'opt_out' ? OPT_OUT_LABELS.yes : OPT_OUT_LABELS.no,
    }));
  return augmented([...sets, ...corpus]);
}

export type TelesalesSplit = 'train' | 'test' | 'noisy' | 'optout' | 'optoutval' | 'optouttest';

/**
 * `train`: the intent training lines with two noisy renderings of each;
 * `test`: the intent test split as written; `noisy`: it through the ASR
 * noise with its own seed; `optout`: the opt-out classifier's training
 * data; `optoutval`: the set its threshold was chosen on; `optouttest`: the
 * first opt-out test set, as classifier records (the retrain's frozen set).
 */
export async function loadTelesales(split: TelesalesSplit): Promise<TextRecord[]> {
  if (split === 'train') return augmented(await intentLines());
  if (split === 'optout') return optOutTraining();
  if (split === 'optoutval') return optOutLines(['optout-val.jsonl']);
  if (split === 'optouttest') return optOutLines(['optout-test.jsonl']);
  const test = (await readTextRecords(join(TELESALES_DIR, 'test.jsonl'))).map((r) => ({
    text: r.text,
    label: r.label,
  }));
  return split === 'test' ? test : withAsrNoise(test, NOISY_TEST_SEED);
}
