import type { ErasureReport } from '../api/index.js';
import { eraseOnFile } from '../app/index.js';
import type { Config } from '../core/config.js';
import { DialwiseError } from '../core/errors.js';
import type { Logger } from '../core/log.js';
import { runningPlatform } from './admin-api.js';

export const CUSTOMERS_USAGE = 'usage: dialwise customers erase CUSTOMER_ID';

/**
 * `dialwise customers erase ID`: through the running platform's admin API
 * when one is up on this data folder (its pipeline holds the live profile),
 * else on the DuckDB file itself. Answers the erasure's report.
 */
export async function customersCommand(
  config: Config,
  logger: Logger,
  sub: string | undefined,
  customerId: string | undefined,
): Promise<ErasureReport> {
  if (sub !== 'erase' || !customerId) throw new DialwiseError('BAD_REQUEST', CUSTOMERS_USAGE);
  const run = await runningPlatform(config);
  if (!run) return eraseOnFile(config, logger, customerId);
  const { key } = run;
  const res = await fetch(`${run.url}/customers/${encodeURIComponent(customerId)}/erase`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}` },
  });
  const body = (await res.json()) as ErasureReport & { error?: { message: string } };
  if (!res.ok) throw new DialwiseError('BAD_REQUEST', body.error?.message ?? res.statusText);
  return body;
}
