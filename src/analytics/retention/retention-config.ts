/**
 * The retention settings (config/retention.json): a period in days per kind
 * of data, the cron schedule of the daily job (UTC), whether expired rows
 * are archived to Parquet first, and the rows deleted per transaction.
 * Validated with zod, every problem reported with its path.
 */
import { parseConfig, readConfigJson } from '../../core/config-file.js';
import { z } from 'zod';
import { KIND_NAMES, RETENTION_KINDS, type RetentionKindName } from './retention-kinds.js';

export interface RetentionConfig {
  /** 5-field cron, read in UTC. */
  schedule: string;
  /** Copy the non-personal columns of expired rows to Parquet before deleting them. */
  archive: boolean;
  /** Rows deleted per transaction at most (turns go a search segment at a time). */
  batchRows: number;
  days: Record<RetentionKindName, number>;
}

const period = (name: RetentionKindName) => {
  const { days, min } = RETENTION_KINDS[name] as {
    days: number;
    min?: { days: number; why: string };
  };
  const base = z.number().int('must be a whole number of days');
  return (min ? base.min(min.days, `at least ${min.days} days: ${min.why}`) : base.min(1)).default(
    days,
  );
};

const schema = z.strictObject({
  schedule: z.string().min(1).default('30 3 * * *'),
  archive: z.boolean().default(false),
  batchRows: z.number().int().min(100).max(1_000_000).default(50_000),
  days: z.strictObject(Object.fromEntries(KIND_NAMES.map((k) => [k, period(k)]))).prefault({}),
});

export function parseRetentionConfig(raw: unknown, source = 'retention config'): RetentionConfig {
  return parseConfig(schema, raw, source) as RetentionConfig;
}

/** Reads and validates a JSON file such as config/retention.json. */
export function loadRetentionConfig(path: string): RetentionConfig {
  return parseRetentionConfig(readConfigJson(path), path);
}

const DAY_MS = 86_400_000;

/**
 * Per kind, the time before which a row is past its period: a row exactly
 * `days` old (its time equal to the cutoff) is still kept.
 */
export function cutoffs(config: RetentionConfig, nowMs: number): Record<RetentionKindName, Date> {
  return Object.fromEntries(
    KIND_NAMES.map((k) => [k, new Date(nowMs - config.days[k] * DAY_MS)]),
  ) as Record<RetentionKindName, Date>;
}
