import { INTENT_TAXONOMY } from '../../models/intent-taxonomy.js';
import type { TextRecord } from '../text-record.js';
import { OOS_LABEL } from './clinc150.js';
import { loadBanking77 } from './banking77.js';
import { loadCasinoStrategies } from './casino.js';
import { loadClinc150 } from './clinc150.js';
import { loadCped } from './cped.js';
import { loadCrosswoz } from './crosswoz.js';
import { loadGoEmotionsEkman } from './goemotions.js';
import { loadTelesales } from './telesales.js';

export { OOS_LABEL } from './clinc150.js';

/** Labels that mean "none of the others": CLINC150's and the telesales taxonomy's fallback. */
export const OOS_LABELS: readonly string[] = [OOS_LABEL, INTENT_TAXONOMY.fallback];
export { datasetsDir } from './paths.js';
export { OPT_OUT_LABELS, TELESALES_DIR } from './telesales.js';
export { asrNoise, withAsrNoise } from './asr-noise.js';

/** Named dataset splits, `name:split`, usable wherever a JSONL path is (e.g. `--data banking77:train`). */
export const TEXT_DATASETS: Record<string, Record<string, () => Promise<TextRecord[]>>> = {
  telesales: {
    train: () => loadTelesales('train'),
    test: () => loadTelesales('test'),
    noisy: () => loadTelesales('noisy'),
    optout: () => loadTelesales('optout'),
    optoutval: () => loadTelesales('optoutval'),
    optouttest: () => loadTelesales('optouttest'),
  },
  banking77: { train: () => loadBanking77('train'), test: () => loadBanking77('test') },
  clinc150: {
    train: () => loadClinc150('train'),
    val: () => loadClinc150('val'),
    test: () => loadClinc150('test'),
  },
  crosswoz: { val: () => loadCrosswoz('val'), test: () => loadCrosswoz('test') },
  goemotions: {
    train: () => loadGoEmotionsEkman('train'),
    dev: () => loadGoEmotionsEkman('dev'),
    test: () => loadGoEmotionsEkman('test'),
  },
  cped: { valid: () => loadCped('valid'), test: () => loadCped('test') },
  casino: {
    train: () => loadCasinoStrategies('train'),
    valid: () => loadCasinoStrategies('valid'),
    test: () => loadCasinoStrategies('test'),
  },
};

const SPEC = /^([a-z0-9]+):([a-z]+)$/;

export const isDatasetSpec = (s: string): boolean => SPEC.test(s);

export async function loadTextDataset(spec: string): Promise<TextRecord[]> {
  const [, name = '', split = ''] = SPEC.exec(spec) ?? [];
  const splits = TEXT_DATASETS[name];
  if (!splits) throw new Error(`unknown dataset "${name}"; known: ${Object.keys(TEXT_DATASETS)}`);
  const load = splits[split];
  if (!load) throw new Error(`dataset ${name} has splits ${Object.keys(splits)}, not "${split}"`);
  return load();
}
