import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Clock } from '../core/clock.js';
import type { Config } from '../core/config.js';
import type { Logger } from '../core/log.js';
import type { Store } from '../core/store/store.js';
import { toJsonl } from '../datasets/text-record.js';
import {
  loadRetrainPlan,
  parseSchedule,
  readCorrections,
  startSchedule,
  type RetrainPlan,
} from '../training/index.js';
import { configFile, packageRoot } from './setup.js';
import type { Part } from './upkeep.js';

export const retrainPlanOf = (config: Config): RetrainPlan =>
  loadRetrainPlan(configFile(config.retrainConfigFile, 'retrain.json'));

/**
 * The weekly schedule inside `dialwise start`: at each cron time the
 * platform exports the corrections from its own store and runs
 * `dialwise retrain` as a child process (training would otherwise take the
 * pipeline's CPU); the pipeline picks up a promoted champion by itself.
 */
export function retrainSchedule(
  config: Config,
  store: Store,
  logger: Logger,
  clock: Clock,
): Part | undefined {
  const { schedule } = retrainPlanOf(config);
  if (!schedule) return undefined;
  const job = startSchedule({
    schedule: parseSchedule(schedule),
    clock,
    logger,
    job: (at) => retrainInChild(config, store, logger, at),
  });
  return { stop: async () => job.stop() };
}

async function retrainInChild(config: Config, store: Store, logger: Logger, at: Date) {
  const { records } = await readCorrections(store, 'retrain schedule');
  const dir = join(config.dataDir, 'retrain');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `corrections-${at.toISOString().replace(/[:.]/g, '-')}.jsonl`);
  writeFileSync(file, toJsonl(records));
  const main = join(packageRoot(), 'dist', 'cli', 'main.js');
  const child = spawn(process.execPath, [main, 'retrain', '--corrections', file], {
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const code = await new Promise<number | null>((r) => child.on('exit', r));
  logger.log(code === 0 ? 'info' : 'error', 'scheduled retrain finished', { code });
}
