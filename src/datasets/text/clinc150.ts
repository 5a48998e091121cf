import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import type { TextRecord } from '../text-record.js';
import { datasetPath } from './paths.js';

/** The label out-of-scope utterances get, in every dataset and model. */
export const OOS_LABEL = 'oos';

const pairs = z.array(z.tuple([z.string(), z.string()]));
const fileSchema = z.object({
  train: pairs,
  val: pairs,
  test: pairs,
  oos_train: pairs,
  oos_val: pairs,
  oos_test: pairs,
});

/**
 * CLINC150 "full" (Larson et al. 2019): 150 in-scope intents plus
 * out-of-scope queries, which come labelled `oos` and appended to their split.
 */
export async function loadClinc150(split: 'train' | 'val' | 'test'): Promise<TextRecord[]> {
  const data = fileSchema.parse(
    JSON.parse(await readFile(datasetPath('clinc150', 'data_full.json'), 'utf8')),
  );
  const inScope = data[split].map(([text, label]) => ({ text, label }));
  const oos = data[`oos_${split}`].map(([text]) => ({ text, label: OOS_LABEL }));
  return [...inScope, ...oos];
}
