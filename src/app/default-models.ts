import { join } from 'node:path';
import type { Clock } from '../core/clock.js';
import type { Config } from '../core/config.js';
import type { Logger } from '../core/log.js';
import { createMlflowClient } from '../models/mlflow-client.js';
import { retrain } from '../training/index.js';
import { retrainPlanOf } from './scheduled-retrain.js';
import { registryOf } from './setup.js';

/**
 * The platform's default intent model: at first start, when no folder is
 * pinned and the registry has no intent champion, the intent model of
 * config/retrain.json (the telesales corpus in datasets/telesales) is
 * trained in process by the same job as the weekly retrain, registered and
 * made champion. Deterministic (fixed seeds) and about 15 s on 2 cores; a
 * restart finds the champion and trains nothing.
 */
export async function ensureDefaultIntentModel(
  config: Config,
  logger: Logger,
  clock: Clock,
): Promise<void> {
  if (config.intentModelDir || config.defaultIntentModel !== 'train') return;
  const registry = registryOf(config);
  if ((await registry.aliases('intent')).champion !== undefined) return;
  const plan = retrainPlanOf(config);
  logger.log('info', 'no intent model yet: training the default one', {
    train: plan.intent.train,
    eval: plan.intent.eval,
  });
  let summary;
  try {
    summary = await retrain(plan, ['intent'], {
      registry,
      mlflow: config.mlflowTrackingUri ? createMlflowClient(config.mlflowTrackingUri) : undefined,
      corrections: [],
      workDir: join(config.dataDir, 'retrain', 'default-intent'),
      progress: { step() {} },
      clock,
    });
  } catch (err) {
    // A platform without its corpus (or with a broken one) still starts, on the fallback.
    logger.log('error', 'cannot train the default intent model; the keyword fallback serves', {
      err: String(err),
    });
    return;
  }
  const m = summary.models[0]!;
  logger.log('info', 'default intent model trained', {
    version: m.version,
    champion: m.promoted,
    seconds: m.seconds,
    [`frozen_${m.challenger.metric}`]: m.challenger.value,
  });
}

/**
 * The intent model the platform serves by default, as `dialwise start` would
 * pick it: the pinned folder, else the registry's champion (trained first
 * when there is none and DIALWISE_DEFAULT_INTENT_MODEL=train), else the
 * keyword fallback (`dir` null).
 */
export async function servedIntentModel(
  config: Config,
  logger: Logger,
  clock: Clock,
): Promise<{ source: string; dir: string | null }> {
  if (config.intentModelDir)
    return { source: `dir:${config.intentModelDir}`, dir: config.intentModelDir };
  await ensureDefaultIntentModel(config, logger, clock);
  const registry = registryOf(config);
  const champion = (await registry.aliases('intent')).champion;
  return champion === undefined
    ? { source: 'baseline', dir: null }
    : { source: `v${champion}`, dir: registry.dir('intent', champion) };
}
