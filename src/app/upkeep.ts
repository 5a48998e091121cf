import type { KafkaBus } from '../core/bus/kafka.js';
import { everyInTurn, type Clock } from '../core/clock.js';
import type { Config } from '../core/config.js';
import type { Health } from '../core/health.js';
import type { Logger } from '../core/log.js';
import type { Store } from '../core/store/store.js';
import { type AlertRunner, watchHealth } from '../analytics/alerts/index.js';
import { refreshRollup } from '../analytics/kpis/index.js';
import type { SearchIndexer } from '../analytics/search/index.js';
import type { Commits } from '../api/index.js';
import {
  type PipelineMetrics,
  type Pipeline,
  type DuckDbSink,
  topicsOf,
} from '../pipelines/index.js';
import { parseSchedule, startSchedule } from '../training/index.js';

/**
 * The periodic work of a process, each a part with its own timer that the
 * composition root starts and stops. A round never overlaps the previous
 * one: each waits for the last to finish.
 */
export interface Part {
  stop(): Promise<void>;
}

/** Deviation alerts, evaluated where the DuckDB file is, on the live data. */
export const alertRounds = (alerts: AlertRunner, config: Config, logger: Logger, clock: Clock) =>
  everyInTurn(
    clock,
    config.alertIntervalMs,
    async () => {
      // The runner reads the time from the clock it was built with (the same one).
      const r = await alerts.run();
      if (r.fired + r.resolved) logger.log('info', 'alerts', { ...r });
    },
    (err) => logger.log('error', 'alert evaluation failed', { err: String(err) }),
  );

/**
 * The daily digest to Slack on its schedule (DIALWISE_SLACK_DIGEST, UTC):
 * only with a Slack webhook, and not when the setting is "off".
 */
export function dailyDigest(
  alerts: AlertRunner,
  config: Config,
  logger: Logger,
  clock: Clock,
): Part | undefined {
  if (!config.slackWebhookUrl || config.slackDigest === 'off') return undefined;
  const job = startSchedule({
    schedule: parseSchedule(config.slackDigest),
    clock,
    logger,
    name: 'Slack digest',
    job: () =>
      alerts
        .digest()
        .catch((err: unknown) => logger.log('error', 'Slack digest failed', { err: String(err) })),
  });
  return { stop: async () => job.stop() };
}

/**
 * Once a second: the KPI roll-up and the transcript index catch up with
 * what was stored (queries are exact meanwhile: they read what is not yet
 * rolled up or indexed from the calls and turns), then live subscriptions
 * hear of anything new.
 */
export async function storeUpkeep({
  store,
  sink,
  indexer,
  commits,
  logger,
  clock,
}: {
  store: Store;
  sink: DuckDbSink;
  /** The process's one indexer: an erasure's purge runs in turn with its runs. */
  indexer: SearchIndexer;
  commits: Commits;
  logger: Logger;
  clock: Clock;
}): Promise<Part> {
  let seen = await sink.takenIn();
  return everyInTurn(
    clock,
    1_000,
    async () => {
      await refreshRollup(store).catch((err) =>
        logger.log('error', 'KPI roll-up failed', { err: String(err) }),
      );
      await indexer
        .run()
        .catch((err) => logger.log('error', 'transcript indexing failed', { err: String(err) }));
      const n = await sink.takenIn();
      if (n === seen) return;
      seen = n;
      commits.publish('committed');
    },
    () => undefined,
  );
}

/** Kafka mode: how far the pipeline is behind each partition's end, as a gauge. */
export const consumerLag = (
  bus: KafkaBus,
  pipeline: Pipeline,
  metrics: PipelineMetrics,
  prefix: string,
  clock: Clock,
): Part =>
  everyInTurn(
    clock,
    5_000,
    async () => {
      for (const topic of topicsOf(prefix))
        for (const { partition, end } of await bus.endOffsets(topic)) {
          const next = pipeline.position(topic, partition);
          metrics.consumerLag.set({ source: topic, partition }, Number(end - next));
        }
    },
    () => undefined,
  );

/**
 * Failing components reach the operator: the log and the gauge at once
 * (where metrics are served), Slack once the failure outlasts its grace.
 */
export function tellOperator(
  config: Config,
  logger: Logger,
  health: Health,
  where: () => string,
  clock: Clock,
  metrics?: PipelineMetrics,
): Part {
  const watch = watchHealth(health, {
    slackWebhookUrl: config.slackWebhookUrl,
    graceMs: config.healthAlertGraceMs,
    logger,
    dashboardUrl: where,
    clock,
    ...(metrics && {
      gauge: (component: string, up: boolean) => metrics.componentUp.set({ component }, up ? 1 : 0),
    }),
  });
  return { stop: async () => watch.stop() };
}
