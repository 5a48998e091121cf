import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Config } from '../core/config.js';

/** Where a running platform says where it listens (and its generated admin key), mode 0600. */
export const runFilePath = (config: Config): string => join(config.dataDir, 'run.json');

export interface RunFile {
  url: string;
  pid: number;
  /** Only when generated at this start; a configured key stays in the environment. */
  adminKey?: string;
}

export function writeRunFile(config: Config, run: RunFile): void {
  writeFileSync(runFilePath(config), JSON.stringify(run), { mode: 0o600 });
}

export function removeRunFile(config: Config): void {
  try {
    const run = JSON.parse(readFileSync(runFilePath(config), 'utf8')) as RunFile;
    if (run.pid === process.pid) rmSync(runFilePath(config));
  } catch {
    // Already gone.
  }
}
