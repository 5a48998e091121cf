import type { Subscription } from '../core/bus/bus.js';
import { systemClock, type Clock } from '../core/clock.js';
import type { Config } from '../core/config.js';
import { Health } from '../core/health.js';
import type { Logger } from '../core/log.js';
import { KafkaSink, consumeBus } from '../pipelines/index.js';
import { busPositions, openPipeline } from './enrichment.js';
import { kafkaBusOf } from './setup.js';
import { tellOperator } from './upkeep.js';

/**
 * `dialwise worker`, scaled out (several per consumer group): enriches its
 * share of the partitions, publishes facts and profile snapshots, commits
 * offsets to Kafka after each publish. Holds no DuckDB file: the loader
 * writes it.
 */
export async function startWorker(
  config: Config,
  logger: Logger,
  clock: Clock = systemClock,
): Promise<{ stop(): Promise<void> }> {
  // A worker serves no HTTP: its failures reach the operator through the log and Slack.
  const health = new Health(() => clock.now());
  const bus = kafkaBusOf(config, health, 'worker', clock);
  const sink = new KafkaSink(bus, config.topicPrefix);
  let subscription: Subscription | undefined;
  const { pipeline, models } = await openPipeline(config, sink, logger, {
    clock,
    hooks: { onCommit: (positions) => subscription?.commit(busPositions(positions)) },
    health,
  });
  const watch = tellOperator(config, logger, health, () => `worker ${process.pid}`, clock);
  subscription = await consumeBus({
    bus,
    pipeline,
    prefix: config.topicPrefix,
    groupId: `${config.kafkaGroup}-workers`,
    onAssigned(assignment) {
      const partitions = [...new Set(Object.values(assignment).flat())];
      sink.own(partitions);
      void pipeline.requestReload().catch(() => undefined);
      logger.log('info', 'partitions assigned', { partitions });
    },
  });
  return {
    async stop() {
      await watch.stop();
      // Commit (publish, then offsets) while the consumer can still commit them.
      await pipeline.stop(config.shutdownTimeoutMs);
      models.close();
      await subscription?.stop();
      await bus.close();
    },
  };
}
