import type { Config } from '../core/config.js';
import { DialwiseError } from '../core/errors.js';
import { running } from './keys-command.js';

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
  const run = await running(config);
  if (!run) return undefined;
  const key = config.adminKey ?? run.adminKey;
  if (!key)
    throw new DialwiseError(
      'UNAUTHENTICATED',
      'the platform is running with a configured admin key: set DIALWISE_ADMIN_KEY',
    );
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
