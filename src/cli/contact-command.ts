import { readFileSync } from 'node:fs';
import { consentExportOnFile, dncImportOnFile } from '../app/index.js';
import { MAX_DNC_PER_REQUEST } from '../api/index.js';
import { systemClock } from '../core/clock.js';
import type { Config } from '../core/config.js';
import { DialwiseError } from '../core/errors.js';
import type { Logger } from '../core/log.js';
import { adminApi } from './admin-api.js';

/** `dialwise consent export --customer ID`: the ledger and its proof, for an auditor. */
export async function consentCommand(
  config: Config,
  logger: Logger,
  sub: string | undefined,
  customer: string | undefined,
): Promise<unknown> {
  if (sub !== 'export' || !customer)
    throw new DialwiseError('BAD_REQUEST', 'usage: dialwise consent export --customer ID');
  const path = `/consent/export?customer_id=${encodeURIComponent(customer)}`;
  return (
    (await adminApi(config, 'GET', path)) ??
    consentExportOnFile(config, logger, systemClock, customer)
  );
}

/**
 * The phones of a register file: one per line, or the first column of a
 * CSV; lines without a digit (a header, a blank) are skipped.
 */
export function registerPhones(text: string): string[] {
  return text
    .split(/\r?\n/)
    .map((line) => line.split(',')[0]!.trim().replace(/^"|"$/g, ''))
    .filter((cell) => /\d/.test(cell));
}

/** `dialwise dnc import FILE --source NAME --date YYYY-MM-DD`, in batches the API takes. */
export async function dncCommand(
  config: Config,
  logger: Logger,
  args: { sub?: string | undefined; file?: string | undefined; source?: string; date?: string },
): Promise<{ imported: number; already: number; invalid: number }> {
  const { sub, file, source, date } = args;
  if (sub !== 'import' || !file || !source || !date)
    throw new DialwiseError(
      'BAD_REQUEST',
      'usage: dialwise dnc import FILE --source NAME --date YYYY-MM-DD',
    );
  const phones = registerPhones(readFileSync(file, 'utf8'));
  const total = { imported: 0, already: 0, invalid: 0 };
  for (let from = 0; from < phones.length; from += MAX_DNC_PER_REQUEST) {
    const list = {
      source,
      listed_on: date,
      phones: phones.slice(from, from + MAX_DNC_PER_REQUEST),
    };
    const r = ((await adminApi(config, 'POST', '/dnc/import', list)) ??
      (await dncImportOnFile(config, logger, systemClock, list))) as {
      imported: number;
      already: number;
      invalid: number[];
    };
    total.imported += r.imported;
    total.already += r.already;
    total.invalid += r.invalid.length;
  }
  return total;
}
