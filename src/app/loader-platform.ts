import { systemClock, type Clock } from '../core/clock.js';
import type { Config } from '../core/config.js';
import { Health } from '../core/health.js';
import type { Logger } from '../core/log.js';
import { DuckDbSink, startLoader, createPipelineMetrics } from '../pipelines/index.js';
import { startApiService } from './api-service.js';
import { storedProfile } from './enrichment.js';
import { loaderSubmit } from './ingest.js';
import { DncRegister } from '../analytics/records/index.js';
import { fieldCipher, kafkaBusOf, openStore } from './setup.js';
import { tellOperator } from './upkeep.js';

export interface LoaderPlatform {
  url: string;
  adminKey: string;
  adminKeyGenerated: boolean;
  stop(): Promise<void>;
}

/**
 * `dialwise loader`, the analytics side of a scaled-out deployment: the one
 * process that owns the DuckDB file, loads the workers' facts and serves the
 * API and dashboard.
 */
export async function startLoaderPlatform(
  config: Config,
  logger: Logger,
  clock: Clock = systemClock,
): Promise<LoaderPlatform> {
  const health = new Health(() => clock.now());
  const bus = kafkaBusOf(config, health, 'loader', clock);
  const store = await openStore(config, logger);
  const cipher = fieldCipher(config, logger);
  const sink = new DuckDbSink(store, { dedupeByEventId: true, clock, cipher });
  const subscription = await startLoader({
    bus,
    sink,
    prefix: config.topicPrefix,
    groupId: `${config.kafkaGroup}-loader`,
    logger,
  });
  const metrics = createPipelineMetrics();
  const api = await startApiService(config, {
    store,
    sink,
    submit: loaderSubmit({ bus, prefix: config.topicPrefix, sink, cipher, clock }),
    busKind: bus.kind,
    metrics: metrics.registry,
    health,
    dnc: await DncRegister.open(store, cipher),
    // The loader serves no models: its workers do.
    served: () => ({}),
    profile: (id) => storedProfile(sink, cipher, id),
    logger,
    clock,
  });
  const watch = tellOperator(config, logger, health, () => api.url, clock, metrics);
  return {
    url: api.url,
    adminKey: api.adminKey,
    adminKeyGenerated: api.adminKeyGenerated,
    async stop() {
      await watch.stop();
      await api.stop();
      await subscription.stop();
      await bus.close();
      await store.close();
    },
  };
}
