import { systemClock, type Clock } from '../core/clock.js';
import type { Config } from '../core/config.js';
import { Health } from '../core/health.js';
import type { Logger } from '../core/log.js';
import type { Store } from '../core/store/store.js';
import {
  DecisionLogWriter,
  ViolationWriter,
  type DecisionRecord,
  type DialingViolation,
} from '../decision/index.js';
import {
  createPipelineMetrics,
  DuckDbSink,
  startLoader,
  type LoggedRow,
  type LoggedTable,
} from '../pipelines/index.js';
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
 * The decision replicas' decision log and violations, stored by the loader:
 * a row shipped twice (a replica's retry) is stored once.
 */
function loggedWriters(store: Store, clock: Clock, logger: Logger) {
  const failed = (err: unknown) =>
    logger.log('error', 'logged rows not stored; the batch comes again', { err: String(err) });
  const log = new DecisionLogWriter(store, clock, failed);
  const violations = new ViolationWriter(store, clock, failed);
  const once = <R>(rows: R[], key: (r: R) => string) => [
    ...new Map(rows.map((r) => [key(r), r])).values(),
  ];
  return {
    store(table: LoggedTable, rows: LoggedRow[]): Promise<void> {
      return table === 'decisions'
        ? log.writeAgain(once(rows as DecisionRecord[], (r) => r.decision_id))
        : violations.writeAgain(once(rows as DialingViolation[], (r) => r.id));
    },
    close: () => Promise.all([log.close(), violations.close()]),
  };
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
  const logged = loggedWriters(store, clock, logger);
  const subscription = await startLoader({
    bus,
    sink,
    prefix: config.topicPrefix,
    groupId: `${config.kafkaGroup}-loader`,
    logger,
    logged: logged.store,
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
      await logged.close();
      await bus.close();
      await store.close();
    },
  };
}
