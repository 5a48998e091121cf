/** Config files (dialing rules, retention, compliance rules): read and validated alike. */
import { readFileSync } from 'node:fs';
import type { z } from 'zod';
import { DialwiseError } from './errors.js';

/** Validates a config value with its schema, every problem listed with its path. */
export function parseConfig<S extends z.ZodType>(
  schema: S,
  raw: unknown,
  source: string,
): z.output<S> {
  const r = schema.safeParse(raw);
  if (r.success) return r.data;
  const problems = r.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
  throw new DialwiseError('CONFIG_INVALID', `invalid ${source}:\n  - ${problems.join('\n  - ')}`);
}

/** A JSON config file's content; a missing or malformed file names itself (and what it is). */
export function readConfigJson(path: string, what?: string): unknown {
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new DialwiseError(
      'CONFIG_INVALID',
      `cannot read ${what ? `${what} ` : ''}${path}: ${(err as Error).message}`,
      {
        cause: err,
      },
    );
  }
}
