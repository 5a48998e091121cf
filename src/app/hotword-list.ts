import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Config } from '../core/config.js';
import { libraryLines, loadScripts, PRODUCT_NAMES } from '../decision/index.js';
import { DEFAULT_COMPETITORS } from '../models/keyword/index.js';
import {
  formatHotWords,
  hotWords,
  type CorrectionRecord,
  type HotWord,
} from '../training/index.js';
import { decisionConfigDir, readJson } from './setup.js';

/** Every line the script library can speak, placeholders left in. */
function scriptLines(config: Config): string[] {
  const dir = decisionConfigDir(config);
  // Already checked for compliance at start; here only the words matter.
  const library = loadScripts(readJson(join(dir, 'scripts.json')), () => []);
  return libraryLines(library).map((l) => l.text);
}

/** The hot-word list for the dialer's recogniser from products, competitors, scripts and corrections. */
export function hotWordList(config: Config, corrections: readonly CorrectionRecord[]): HotWord[] {
  return hotWords({
    products: PRODUCT_NAMES,
    competitors: DEFAULT_COMPETITORS,
    scriptLines: scriptLines(config),
    corrections: corrections.map((c) => ({
      heard: c.provenance.original_text,
      corrected: c.text,
    })),
  });
}

/** Writes `<data dir>/hotwords.txt` (word TAB weight); returns its path and size. */
export function writeHotWords(
  config: Config,
  corrections: readonly CorrectionRecord[],
): { file: string; words: number } {
  const words = hotWordList(config, corrections);
  const file = join(config.dataDir, 'hotwords.txt');
  writeFileSync(file, formatHotWords(words));
  return { file, words: words.length };
}
