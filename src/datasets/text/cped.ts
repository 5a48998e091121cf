import { readFile } from 'node:fs/promises';
import type { TextRecord } from '../text-record.js';
import { csvObjects } from './csv.js';
import { datasetPath } from './paths.js';

/**
 * CPED (Chen et al. 2022), Chinese TV-series dialogue: 13 emotions per
 * utterance. The snapshot lacks train_split.csv, so models train on the
 * valid split (11k) and are tested on the test split (27k).
 */
export async function loadCped(split: 'valid' | 'test'): Promise<TextRecord[]> {
  const rows = csvObjects(await readFile(datasetPath('cped', `${split}_split.csv`), 'utf8'));
  return rows
    .filter((r) => r.Utterance && r.Emotion)
    .map((r) => ({ text: r.Utterance!, label: r.Emotion! }));
}
