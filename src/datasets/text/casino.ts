import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import type { TextRecord } from '../text-record.js';
import { datasetPath } from './paths.js';

const dialogues = z.array(
  z.object({ annotations: z.array(z.tuple([z.string(), z.string()])).nullish() }),
);

/**
 * CaSiNo (Chawla et al., NAACL 2021): campsite negotiations; about 40% of
 * the dialogues have each utterance annotated with negotiation strategies
 * (small-talk, self-need, elicit-pref, vouch-fair, …; several per utterance).
 * A record per annotated utterance, every strategy in `labels` (as
 * GoEmotions): the persuasion moves an objection handler meets.
 */
export async function loadCasinoStrategies(
  split: 'train' | 'valid' | 'test',
): Promise<TextRecord[]> {
  const file = datasetPath('casino', `casino_${split}.json`);
  const data = dialogues.parse(JSON.parse(await readFile(file, 'utf8')));
  return data.flatMap((d) =>
    (d.annotations ?? []).map(([text, strategies]) => {
      const labels = strategies.split(',').map((s) => s.trim());
      return { text, label: labels[0]!, labels };
    }),
  );
}
