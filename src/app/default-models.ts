import { join } from 'node:path';
import type { Clock } from '../core/clock.js';
import type { Config } from '../core/config.js';
import type { Logger } from '../core/log.js';
import { createMlflowClient } from '../models/mlflow-client.js';
import { retrain } from '../training/index.js';
import { retrainPlanOf } from './scheduled-retrain.js';
import { pinnedModelDirs, registryOf } from './setup.js';

/** What a fresh platform trains for itself: the telesales intent and opt-out classifiers. */
const DEFAULT_KINDS = ['intent', 'optout'] as const;
type DefaultKind = (typeof DEFAULT_KINDS)[number];

const pinnedDir = (config: Config, name: DefaultKind): string | undefined =>
  pinnedModelDirs(config)[name];

/**
 * The platform's default models: at first start, for each of the default
 * kinds with no folder pinned and no champion in the registry, the model of
 * config/retrain.json (the telesales corpus in datasets/telesales) is
 * trained in process by the same job as the weekly retrain, registered and
 * made champion. Deterministic (fixed seeds), about 20 s on 2 cores for
 * both; a restart finds the champions and trains nothing. A failure leaves
 * the rules serving, logged.
 */
export async function ensureDefaultModels(
  config: Config,
  logger: Logger,
  clock: Clock,
): Promise<void> {
  if (config.defaultModels !== 'train') return;
  const registry = registryOf(config);
  const missing: DefaultKind[] = [];
  for (const name of DEFAULT_KINDS)
    if (!pinnedDir(config, name) && (await registry.aliases(name)).champion === undefined)
      missing.push(name);
  if (missing.length === 0) return;
  const plan = retrainPlanOf(config);
  logger.log('info', 'no telesales models yet: training the default ones', { models: missing });
  try {
    const summary = await retrain(plan, missing, {
      registry,
      mlflow: config.mlflowTrackingUri ? createMlflowClient(config.mlflowTrackingUri) : undefined,
      corrections: [],
      workDir: join(config.dataDir, 'retrain', 'default-models'),
      progress: { step() {} },
      clock,
    });
    for (const m of summary.models)
      logger.log('info', `default ${m.name} model trained`, {
        version: m.version,
        champion: m.promoted,
        seconds: m.seconds,
        [`frozen_${m.challenger.metric}`]: m.challenger.value,
      });
  } catch (err) {
    // A platform without its corpus (or with a broken one) still starts, on the rules.
    logger.log('error', 'cannot train the default models; the keyword rules serve', {
      err: String(err),
    });
  }
}

/**
 * A default model as the platform serves it, as `dialwise start` picks it:
 * the pinned folder, else the registry's champion (trained first when there
 * is none and DIALWISE_DEFAULT_MODELS=train), else the rules (`dir` null).
 */
export async function servedTextModel(
  config: Config,
  logger: Logger,
  clock: Clock,
  name: DefaultKind,
): Promise<{ source: string; dir: string | null }> {
  const pinned = pinnedDir(config, name);
  if (pinned) return { source: `dir:${pinned}`, dir: pinned };
  await ensureDefaultModels(config, logger, clock);
  const registry = registryOf(config);
  const champion = (await registry.aliases(name)).champion;
  return champion === undefined
    ? { source: 'baseline', dir: null }
    : { source: `v${champion}`, dir: registry.dir(name, champion) };
}
