import type { Clock } from '../core/clock.js';
import type { Config } from '../core/config.js';
import type { Health } from '../core/health.js';
import type { Logger } from '../core/log.js';
import { Champions, type ServedModels } from '../models/champions.js';
import { correctionEventProblem, servedVocabulary } from '../models/correction-labels.js';
import type { ModelName } from '../models/registry.js';
import type { FieldCipher } from '../core/crypto.js';
import {
  type DuckDbSink,
  type Position,
  type Profile,
  type Sink,
  Enricher,
  restoreProfile,
  Pipeline,
  type PipelineHooks,
  loadTagRules,
} from '../pipelines/index.js';
import { MODEL_KINDS } from '../training/index.js';
import { ensureDefaultModels } from './default-models.js';
import {
  complianceConfig,
  pinnedModelDirs,
  configFile,
  crmMappingOf,
  dialingRulesOf,
  fieldCipher,
  readJson,
  registryOf,
} from './setup.js';

/** The models a process serves, and the poll that switches to a newly promoted champion. */
export interface ModelWatch {
  sources(): Record<ModelName, string>;
  close(): void;
}

/**
 * The enricher with the models to serve (a pinned folder, else the
 * registry's champion, else the keyword baseline); every modelPollMs it
 * checks the registry and switches to a new champion between batches.
 */
async function createEnricher(
  config: Config,
  logger: Logger,
  clock: Clock,
  profilesInMemory: number | undefined,
): Promise<{ enricher: Enricher; models: ModelWatch }> {
  await ensureDefaultModels(config, logger, clock);
  const champions = new Champions(registryOf(config), MODEL_KINDS, pinnedModelDirs(config), {
    compliance: complianceConfig(config),
  });
  let served: ServedModels | undefined;
  await champions.refresh((m) => (served = m));
  const enricher = new Enricher({
    ...served!,
    tagRules: loadTagRules(readJson(configFile(config.tagRulesFile, 'tags.json'))),
    dedupeWindow: config.dedupeWindow,
    profilesInMemory,
    latenessMs: config.latenessMs,
    maxSkewMs: config.maxSkewMs,
    // The dialing rules' timing: they also rank due callbacks first, so both sides agree.
    callbacks: dialingRulesOf(config).callbacks,
    crmMapping: crmMappingOf(config),
  });
  logger.log('info', 'models', champions.sources);
  if (champions.sources.intent === 'baseline')
    logger.log('warn', 'intent: serving the keyword fallback (no trained intent model loaded)');
  let busy = false;
  const stopPoll = clock.every(config.modelPollMs, () => {
    if (busy) return;
    busy = true;
    champions
      .refresh((m) => enricher.useModels(m))
      .then((switched) => switched && logger.log('info', 'switched models', champions.sources))
      .catch((err) =>
        logger.log('error', 'cannot load the new champion; serving the models in use', {
          err: String(err),
        }),
      )
      .finally(() => (busy = false));
  });
  return {
    enricher,
    models: {
      sources: () => champions.sources,
      close() {
        stopPoll();
        champions.dispose();
      },
    },
  };
}

/** Store-backed pipeline with the configured models and tag rules, state restored. */
export async function openPipeline(
  config: Config,
  sink: Sink,
  logger: Logger,
  opts: { clock: Clock; hooks?: PipelineHooks; health?: Health },
): Promise<{ pipeline: Pipeline; enricher: Enricher; models: ModelWatch }> {
  // Profiles leave memory only where the sink can give one back (DuckDB, not a Kafka worker's changelog).
  const { enricher, models } = await createEnricher(
    config,
    logger,
    opts.clock,
    sink.loadProfilesOf ? config.profilesInMemory : undefined,
  );
  const pipeline = await Pipeline.open({
    sink,
    enricher,
    cipher: fieldCipher(config, logger),
    logger,
    commitIntervalMs: config.commitIntervalMs,
    maxPending: config.maxPending,
    hooks: opts.hooks,
    health: opts.health,
    clock: opts.clock,
    // A correction names only labels of the models served now (they switch with a champion).
    refuse: (e) => correctionEventProblem(e, servedVocabulary(enricher.served.turn)),
  });
  return { pipeline, enricher, models };
}

/** A pipeline's positions as the bus commits them (source = topic). */
export const busPositions = (positions: Position[]) =>
  positions.map((p) => ({ topic: p.source, partition: p.partition, next: p.next }));

/** A customer's profile as stored: the loader's view, or one out of the pipeline's memory. */
export async function storedProfile(
  sink: DuckDbSink,
  cipher: FieldCipher,
  customerId: string,
): Promise<Profile | undefined> {
  const [row] = await sink.loadProfilesOf([customerId]);
  return row && restoreProfile(row, cipher);
}
