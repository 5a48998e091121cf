import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpDir } from './tmp.js';

/**
 * A knowledge folder in a temporary directory: the files given, and a
 * manifest of `version` listing each campaign's files and the rest as shared.
 */
export function knowledgeFolder(
  version: string,
  files: Record<string, string>,
  campaigns: Record<string, string[]> = {},
): string {
  const dir = join(tmpDir(), 'kb');
  mkdirSync(dir);
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  const own = new Set(Object.values(campaigns).flat());
  const shared = Object.keys(files).filter((f) => !own.has(f));
  writeFileSync(join(dir, 'knowledge.json'), JSON.stringify({ version, shared, campaigns }));
  return dir;
}
