import { retentionOnFile } from '../app/index.js';
import { systemClock } from '../core/clock.js';
import type { Config } from '../core/config.js';
import { DialwiseError } from '../core/errors.js';
import type { Logger } from '../core/log.js';
import { adminApi } from './admin-api.js';

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
  const path = `/admin/retention/run${dryRun ? '?dry_run=true' : ''}`;
  return (
    (await adminApi(config, 'POST', path)) ??
    retentionOnFile(config, logger, systemClock, { dryRun })
  );
}
