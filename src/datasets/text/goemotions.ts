import { readFile } from 'node:fs/promises';
import type { TextRecord } from '../text-record.js';
import { datasetPath } from './paths.js';

/**
 * GoEmotions (Demszky et al. 2020) relabelled to Ekman's 6 emotions plus
 * neutral. TSV: text, comma-separated label ids, comment id. About 9% of rows
 * carry several labels: `labels` keeps them all and `label` is the first;
 * training uses every label (one example each), evaluation counts a
 * prediction as right when it is any gold label, and the multi-label
 * macro-F1 the paper reports is computed from `labels` (bench/models.ts).
 */
export async function loadGoEmotionsEkman(split: 'train' | 'dev' | 'test'): Promise<TextRecord[]> {
  const dir = datasetPath('goemotions', 'ekman');
  const names = (await readFile(`${dir}/labels.txt`, 'utf8')).split('\n').map((l) => l.trim());
  const raw = await readFile(`${dir}/${split}.tsv`, 'utf8');
  return raw
    .split('\n')
    .filter((l) => l.trim())
    .map((line) => {
      const [text = '', ids = ''] = line.split('\t');
      const labels = ids.split(',').map((id) => {
        const name = names[Number(id)];
        if (!name) throw new Error(`goemotions ${split}: unknown label id ${id}`);
        return name;
      });
      return { text, label: labels[0]!, labels };
    });
}
