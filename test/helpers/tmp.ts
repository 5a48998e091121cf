import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const tmpDir = (prefix = 'dialwise-'): string => mkdtempSync(join(tmpdir(), prefix));
