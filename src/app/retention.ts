import { join } from 'node:path';
import {
  loadRetentionConfig,
  runRetention,
  type RetentionConfig,
  type RetentionReport,
} from '../analytics/retention/index.js';
import type { Clock } from '../core/clock.js';
import type { Config } from '../core/config.js';
import type { Logger } from '../core/log.js';
import type { Store } from '../core/store/store.js';
import { parseSchedule, startSchedule } from '../training/index.js';
import type { FieldCipher } from '../core/crypto.js';
import { expirePersonal } from './personal-expiry.js';
import type { Recordings } from '../analytics/recordings/index.js';
import { configFile, openStore } from './setup.js';

const DAY = 86_400_000;
import type { Part } from './upkeep.js';

export const retentionConfigOf = (config: Config): RetentionConfig =>
  loadRetentionConfig(configFile(config.retentionConfigFile, 'retention.json'));

const archiveDirOf = (config: Config, settings: RetentionConfig): string | undefined =>
  settings.archive ? join(config.dataDir, 'archive') : undefined;

/** One run on the DuckDB file itself, when no platform holds it (`dialwise retention run`). */
export async function retentionOnFile(
  config: Config,
  logger: Logger,
  clock: Clock,
  opts: { dryRun?: boolean } = {},
): Promise<RetentionReport> {
  const settings = retentionConfigOf(config);
  const archiveDir = archiveDirOf(config, settings);
  const store = await openStore(config, logger);
  try {
    const report = await runRetention(store, settings, {
      nowMs: clock.now(),
      ...(opts.dryRun && { dryRun: true }),
      ...(archiveDir && { archiveDir }),
    });
    logger.log('info', report.dryRun ? 'retention dry run' : 'retention', summary(report));
    return report;
  } finally {
    await store.close();
  }
}

export interface RetentionJob extends Part {
  /** One run now (the admin API's and the CLI's); runs never overlap. */
  run(opts?: {
    dryRun?: boolean;
  }): Promise<RetentionReport & { personalCleared: number; recordingsRemoved: number }>;
}

/**
 * Retention where the DuckDB file is: at each cron time of
 * config/retention.json (UTC), every row past its kind's period goes; what
 * went is logged per kind and table. The settings are read and the schedule
 * checked at start, so a bad file stops the process there.
 */
export function retentionJob(
  config: Config,
  store: Store,
  logger: Logger,
  clock: Clock,
  pipeline?: {
    submit: Parameters<typeof expirePersonal>[0]['submit'];
    cipher: FieldCipher;
    recordings: Recordings;
  },
): RetentionJob {
  const settings = retentionConfigOf(config);
  const archiveDir = archiveDirOf(config, settings);
  let running = Promise.resolve() as Promise<unknown>;
  const run = (
    opts: { dryRun?: boolean } = {},
  ): Promise<RetentionReport & { personalCleared: number; recordingsRemoved: number }> => {
    const next = running.then(async () => {
      const nowMs = clock.now();
      const report = await runRetention(store, settings, {
        nowMs,
        ...(opts.dryRun && { dryRun: true }),
        ...(archiveDir && { archiveDir }),
      });
      const cleared =
        pipeline && !opts.dryRun
          ? await expirePersonal({
              store,
              ...pipeline,
              cutoffIso: new Date(nowMs - settings.days.personal * DAY).toISOString(),
              nowIso: new Date(nowMs).toISOString(),
            })
          : 0;
      const recordings =
        pipeline && !opts.dryRun
          ? await pipeline.recordings.expire(new Date(nowMs - settings.days.recordings * DAY))
          : 0;
      const out = { ...report, personalCleared: cleared, recordingsRemoved: recordings };
      logger.log('info', report.dryRun ? 'retention dry run' : 'retention', {
        ...summary(report),
        personalCleared: cleared,
        recordingsRemoved: recordings,
      });
      return out;
    });
    running = next.catch(() => undefined);
    return next;
  };
  const job = startSchedule({
    schedule: parseSchedule(settings.schedule),
    clock,
    logger,
    name: 'retention',
    job: async () => void (await run()),
  });
  return {
    run,
    async stop() {
      job.stop();
      await running;
    },
  };
}

/** Counts only: table → rows removed, the index's segments, the archives' number. */
function summary(report: RetentionReport): Record<string, unknown> {
  const removed = Object.fromEntries(
    report.kinds.flatMap((k) => Object.entries(k.removed)).filter(([, n]) => n > 0),
  );
  const handled = report.kinds.filter((k) => k.handledBy).map((k) => `${k.kind}: ${k.handledBy}`);
  return {
    removed,
    index: report.index,
    archived: report.archived.length,
    checkpoint: report.checkpoint,
    elsewhere: handled,
  };
}
