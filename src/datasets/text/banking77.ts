import { readFile } from 'node:fs/promises';
import type { TextRecord } from '../text-record.js';
import { csvObjects } from './csv.js';
import { datasetPath } from './paths.js';

/** BANKING77 (Casanueva et al. 2020): 77 intents, CSV "text,category"; splits train, test. */
export async function loadBanking77(split: 'train' | 'test'): Promise<TextRecord[]> {
  const rows = csvObjects(await readFile(datasetPath('banking77', `${split}.csv`), 'utf8'));
  return rows.map((r) => ({ text: r.text ?? '', label: r.category ?? '' }));
}
