import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import type { TextRecord } from '../text-record.js';
import { datasetPath } from './paths.js';

const lineSchema = z.object({ text: z.string(), intent_labels: z.array(z.string()) });

/**
 * CrossWOZ user turns (Zhu et al. 2020). A turn carries several dialog acts
 * (e.g. General-greet + Inform-餐馆 + Request-餐馆); the label is the sorted
 * set joined with "+", so accuracy is exact match of the whole act set.
 * Turns with no act (16 in val, 23 in test) are left out. Only val and test
 * are in the snapshot (train.json is missing), so models train on val.
 */
export async function loadCrosswoz(split: 'val' | 'test'): Promise<TextRecord[]> {
  const raw = await readFile(datasetPath('crosswoz', `user_utterances_${split}.jsonl`), 'utf8');
  return raw
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => lineSchema.parse(JSON.parse(l)))
    .filter((r) => r.intent_labels.length > 0)
    .map((r) => ({ text: r.text, label: [...new Set(r.intent_labels)].sort().join('+') }));
}
