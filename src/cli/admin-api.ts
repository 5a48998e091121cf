import { readFileSync } from 'node:fs';
import { runFilePath, type RunFile } from '../app/index.js';
import type { Config } from '../core/config.js';
import { DialwiseError } from '../core/errors.js';

/**
 * The platform running on this data folder, if one answers, and the admin
 * key to call it with; undefined when none runs (the command works on the
 * DuckDB file instead).
 */
export async function runningPlatform(
  config: Config,
): Promise<{ url: string; key: string } | undefined> {
  let run: RunFile;
  try {
    run = JSON.parse(readFileSync(runFilePath(config), 'utf8')) as RunFile;
    process.kill(run.pid, 0);
  } catch {
    return undefined; // no run file, or its process is gone
  }
  const res = await fetch(`${run.url}/health`, { signal: AbortSignal.timeout(5_000) }).catch(
    () => undefined,
  );
  if (!res) return undefined;
  const key = config.adminKey ?? run.adminKey;
  if (!key)
    throw new DialwiseError(
      'UNAUTHENTICATED',
      'the platform is running with a configured admin key: set DIALWISE_ADMIN_KEY',
    );
  return { url: run.url, key };
}

/**
 * Calls the admin API of the platform running on this data folder (it holds
 * the DuckDB file); undefined when none runs, so the command works on the
 * file instead.
 */
export async function adminApi(
  config: Config,
  method: 'GET' | 'POST',
  path: string,
  body?: unknown,
): Promise<unknown> {
  const run = await runningPlatform(config);
  if (!run) return undefined;
  const { key } = run;
  const res = await fetch(`${run.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    ...(body !== undefined && { body: JSON.stringify(body) }),
  });
  const out = (await res.json()) as {
    error?: { message: string };
    errors?: { message: string }[];
  };
  // REST answers { error }, GraphQL { errors }, with 200 when only some fields failed.
  const failed = out.error?.message ?? out.errors?.[0]?.message;
  if (!res.ok || failed) throw new DialwiseError('BAD_REQUEST', failed ?? res.statusText);
  return out;
}
