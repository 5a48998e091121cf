import { retentionOnFile } from '../app/index.js';
import { systemClock } from '../core/clock.js';
import type { Config } from '../core/config.js';
import { DialwiseError } from '../core/errors.js';
import type { Logger } from '../core/log.js';
import { running } from './keys-command.js';

/**
 * `dialwise retention run [--dry-run]`: through the running platform's admin
 * API when one is up on this data folder (it holds the DuckDB file), else
 * on the file.
 */
export async function retentionCommand(
  config: Config,
  logger: Logger,
  sub: string | undefined,
  dryRun: boolean,
): Promise<unknown> {
  if (sub !== 'run')
    throw new DialwiseError('BAD_REQUEST', 'usage: dialwise retention run [--dry-run]');
  const run = await running(config);
  if (!run) return retentionOnFile(config, logger, systemClock, { dryRun });
  const key = config.adminKey ?? run.adminKey;
  if (!key)
    throw new DialwiseError(
      'UNAUTHENTICATED',
      'the platform is running with a configured admin key: set DIALWISE_ADMIN_KEY',
    );
  const res = await fetch(`${run.url}/admin/retention/run${dryRun ? '?dry_run=true' : ''}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}` },
  });
  const body = (await res.json()) as { error?: { message: string } };
  if (!res.ok) throw new DialwiseError('BAD_REQUEST', body.error?.message ?? res.statusText);
  return body;
}
