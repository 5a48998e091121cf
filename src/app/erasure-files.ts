import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Config } from '../core/config.js';
import type { Store } from '../core/store/store.js';
import { readCorrections } from '../training/index.js';
import { writeHotWords } from './hotword-list.js';

/** Every `*.jsonl` under `dir` (corrections exported for a retrain, kept beside a model). */
function jsonlFiles(dir: string, depth = 0): string[] {
  if (!existsSync(dir) || depth > 6) return [];
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return jsonlFiles(path, depth + 1);
    return name.endsWith('.jsonl') ? [path] : [];
  });
}

/** Whether a JSONL line is a correction record of one of these calls. */
function ofCalls(line: string, calls: ReadonlySet<string>): boolean {
  try {
    const record = JSON.parse(line) as { provenance?: { call_id?: unknown } };
    return typeof record.provenance?.call_id === 'string' && calls.has(record.provenance.call_id);
  } catch {
    return false;
  }
}

/**
 * The files the platform wrote that may hold the customer's words: the
 * corrections exported for each retrain (`<data dir>/retrain`) and kept
 * with each trained model (the registry), one record per corrected turn
 * naming its call. Their records of the customer's calls are removed; the
 * recogniser's hot words are written anew from the corrections left.
 * Returns the records removed per file, and whether the hot words were rewritten.
 */
export async function eraseFromFiles(
  config: Config,
  store: Store,
  calls: readonly string[],
): Promise<{ files: Record<string, number>; hotWords: boolean }> {
  const theirs = new Set(calls);
  const removed: Record<string, number> = {};
  if (theirs.size === 0) return { files: removed, hotWords: false };
  const registry = config.registryDir ?? join(config.dataDir, 'registry');
  const dirs = [join(config.dataDir, 'retrain'), registry];
  for (const file of dirs.flatMap((d) => jsonlFiles(d))) {
    const lines = readFileSync(file, 'utf8').split('\n');
    const kept = lines.filter((l) => !ofCalls(l, theirs));
    if (kept.length === lines.length) continue;
    writeFileSync(file, kept.join('\n'));
    removed[file] = lines.length - kept.length;
  }
  const hotWords =
    Object.keys(removed).length > 0 && existsSync(join(config.dataDir, 'hotwords.txt'));
  if (hotWords) writeHotWords(config, (await readCorrections(store, 'erasure')).records);
  return { files: removed, hotWords };
}
