import { fileURLToPath } from 'node:url';
import { join, resolve } from 'node:path';

/**
 * Public datasets are read in place, never copied into the repo: from
 * DIALWISE_DATASETS_DIR, else ../shared/datasets beside the repository
 * (this file sits three levels down in both src/ and dist/).
 */
export function datasetsDir(): string {
  const env = process.env.DIALWISE_DATASETS_DIR;
  if (env) return resolve(env);
  return resolve(fileURLToPath(new URL('../../..', import.meta.url)), '..', 'shared', 'datasets');
}

export const datasetPath = (...parts: string[]): string => join(datasetsDir(), ...parts);
