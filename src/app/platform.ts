import type { AlertRunner } from '../analytics/alerts/index.js';
import { DncRegister } from '../analytics/records/index.js';
import type { Bus, Subscription } from '../core/bus/bus.js';
import { KafkaBus } from '../core/bus/kafka.js';
import { MemoryBus } from '../core/bus/memory.js';
import { systemClock, type Clock } from '../core/clock.js';
import type { Config } from '../core/config.js';
import { Health } from '../core/health.js';
import { createLogger, type Logger } from '../core/log.js';
import type { Store } from '../core/store/store.js';
import type { CallSimulator } from '../datasets/simulator.js';
import type { DecisionEngine } from '../decision/index.js';
import {
  DuckDbSink,
  type Enricher,
  createPipelineMetrics,
  type PipelineMetrics,
  type Pipeline,
  type PipelineHooks,
  consumeBus,
  derivedTopic,
} from '../pipelines/index.js';
import { startApiService } from './api-service.js';
import { decisionOutbox } from './decision-outbox.js';
import { startDecisions } from './decision-service.js';
import { busPositions, openPipeline, storedProfile, type ModelWatch } from './enrichment.js';
import { platformSubmit, withDeadline } from './ingest.js';
import { retrainSchedule } from './scheduled-retrain.js';
import { startGeneration } from './generation.js';
import {
  decisionCompliance,
  decisionConfigDir,
  createBus,
  fieldCipher,
  openStore,
} from './setup.js';
import { simulatorFeed, type SimulateOptions } from './simulator-feed.js';
import { consumerLag, tellOperator, type Part } from './upkeep.js';

export interface PlatformOptions {
  simulate?: SimulateOptions;
  logger?: Logger;
  /** Where every part takes its time from; the wall clock unless a simulation says otherwise. */
  clock?: Clock;
  /** false: no weekly retrain (a simulated week would otherwise cross its schedule). */
  retrain?: boolean;
}

export interface Platform {
  url: string;
  adminKey: string;
  /** Whether adminKey was generated at this start (else it came from DIALWISE_ADMIN_KEY). */
  adminKeyGenerated: boolean;
  /** What is failing now (GET /health). */
  health: Health;
  store: Store;
  bus: Bus;
  enricher: Enricher;
  pipeline: Pipeline;
  /** Which model versions are served; switches when a champion is promoted. */
  models: ModelWatch;
  /** The live decision layer behind /dialog/turn and /dialer/next. */
  decisions: DecisionEngine;
  /** Deviation alert rules and alerts (evaluated every alertIntervalMs). */
  alerts: AlertRunner;
  simulator: CallSimulator | undefined;
  /** Resolves once every simulated event published so far is applied and committed. */
  waitForIdle(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Pipeline hooks of the embedded platform: decisions observe the events,
 * metrics the commits; on Kafka, enriched turns and profile snapshots go out
 * as derived streams keyed by customer_id, and offsets are committed after
 * each store commit.
 */
function platformHooks(
  config: Config,
  bus: Bus,
  metrics: PipelineMetrics,
  late: {
    decisions?: ReturnType<typeof startDecisions>;
    subscription?: Subscription;
    processed: number;
  },
): PipelineHooks {
  const keyed = (r: { customer_id: string }) => ({ key: r.customer_id, value: JSON.stringify(r) });
  return {
    onEvents: (events) => late.decisions?.observe(events),
    onCallbacks: (counts) => metrics.hooks.onCallbacks?.(counts),
    onApplied(latencies, c) {
      late.processed += c.accepted + c.duplicates + c.dead;
      metrics.hooks.onApplied?.(latencies, c);
    },
    async beforeCommit(rows) {
      if (bus.kind !== 'kafka') return;
      await bus.publish(derivedTopic(config.topicPrefix, 'turn.enriched'), rows.turns.map(keyed));
      // An erased customer's snapshots end in a tombstone (compaction then drops them).
      await (bus as KafkaBus).publish(derivedTopic(config.topicPrefix, 'profile.updated'), [
        ...rows.erasures.map((e) => ({ key: e.customer_id, value: null })),
        ...rows.profiles.map(keyed),
      ]);
    },
    async onCommit(positions, ms) {
      metrics.hooks.onCommit?.(positions, ms);
      if (bus.kind === 'kafka' && late.subscription)
        await late.subscription.commit(busPositions(positions));
    },
  };
}

/** The ingest side: store, bus, pipeline with its hooks, subscribed to the event topics. */
async function startStreams(config: Config, logger: Logger, clock: Clock) {
  const store = await openStore(config, logger);
  const metrics = createPipelineMetrics();
  const health = new Health(() => clock.now());
  const bus = createBus(config, health, clock);
  const late: Parameters<typeof platformHooks>[3] = { processed: 0 };
  const cipher = fieldCipher(config, logger);
  const sink = new DuckDbSink(store, { clock, cipher });
  const { pipeline, enricher, models } = await openPipeline(config, sink, logger, {
    clock,
    hooks: platformHooks(config, bus, metrics, late),
    health,
  });
  if (bus instanceof KafkaBus) {
    await bus.ensureTopics([derivedTopic(config.topicPrefix, 'turn.enriched')]);
    await bus.ensureTopics([derivedTopic(config.topicPrefix, 'profile.updated')], {
      compact: true,
    });
  }
  late.subscription = await consumeBus({
    bus,
    pipeline,
    prefix: config.topicPrefix,
    groupId: config.kafkaGroup,
  });
  return { store, cipher, metrics, health, bus, late, sink, pipeline, enricher, models };
}

/** The decision layer over the live pipeline, its events back through the outbox, what it learned restored. */
async function startDecisionLayer(
  config: Config,
  streams: Awaited<ReturnType<typeof startStreams>>,
  logger: Logger,
  clock: Clock,
) {
  const { bus, pipeline, store, enricher, late } = streams;
  const dnc = await DncRegister.open(store, streams.cipher);
  const outbox = decisionOutbox({
    bus,
    pipeline,
    prefix: config.topicPrefix,
    logger,
    clock,
    // Called once a batch is taken, long after the decision layer below exists.
    onSent: (events) => decisions.sent(events),
  });
  const compliance = decisionCompliance(config);
  const generation = await startGeneration(config, {
    store,
    checkBotLine: compliance.checkBotLine,
    clock,
    logger,
    metrics: streams.metrics.registry,
    decisionConfigDir: decisionConfigDir(config),
  });
  const decisions = startDecisions(config, {
    store,
    enricher,
    dnc,
    models: () => enricher.served,
    ...compliance,
    generation,
    emit: outbox.emit,
    ensure: (ids) => pipeline.ensure(ids),
    logger,
    clock,
    cipher: streams.cipher,
  });
  late.decisions = decisions;
  // What the last process decided but had not handed to the pipeline yet (the pipeline drops repeats).
  if (decisions.unsent.length) outbox.emit(decisions.unsent);
  const learned = await decisions.restore();
  if (learned.calls || learned.rewards || learned.answers)
    logger.log('info', 'decision layer restored', { ...learned, resent: decisions.unsent.length });
  return { outbox, decisions, dnc };
}

/** `dialwise start`: store, bus, pipeline, decision layer, API, alerts and simulator in one process. */
export async function startPlatform(config: Config, opts: PlatformOptions = {}): Promise<Platform> {
  const logger = opts.logger ?? createLogger(config.logLevel);
  const clock = opts.clock ?? systemClock;
  const streams = await startStreams(config, logger, clock);
  const { store, sink, metrics, health, bus, late, pipeline, enricher, models } = streams;
  const { outbox, decisions, dnc } = await startDecisionLayer(config, streams, logger, clock);
  const api = await startApiService(config, {
    store,
    sink,
    health,
    submit: platformSubmit({
      config,
      bus,
      pipeline,
      health,
      clock,
      onAccepted: (events) => decisions.engine.noteAccepted(events),
    }),
    busKind: bus.kind,
    metrics: metrics.registry,
    // Read from the store if out of memory, not brought in: a read changes nothing.
    profile: async (id) =>
      enricher.profile(id, clock.now()) ?? storedProfile(sink, streams.cipher, id),
    decisions: decisions.engine,
    readyFor: (id) => pipeline.ensure([id]),
    dnc,
    served: () => models.sources(),
    turnModels: () => enricher.served.turn,
    logger,
    clock,
  });
  const parts: Part[] = [tellOperator(config, logger, health, () => api.url, clock, metrics)];
  if (bus instanceof KafkaBus)
    parts.push(consumerLag(bus, pipeline, metrics, config.topicPrefix, clock));
  const retrain = opts.retrain !== false && retrainSchedule(config, store, logger, clock);
  if (retrain) parts.push(retrain);
  const feed =
    opts.simulate &&
    simulatorFeed(opts.simulate, { bus, prefix: config.topicPrefix, logger, clock });

  return {
    health,
    store,
    bus,
    enricher,
    pipeline,
    models,
    url: api.url,
    adminKey: api.adminKey,
    adminKeyGenerated: api.adminKeyGenerated,
    decisions: decisions.engine,
    alerts: api.alerts,
    simulator: feed?.simulator,
    async waitForIdle() {
      await feed?.settled();
      if (bus instanceof MemoryBus) await bus.idle();
      // Waiting on work, not on time: a real timer even when the clock is virtual.
      while (late.processed < (feed?.published() ?? 0)) await new Promise((r) => setTimeout(r, 20));
      await pipeline.flush();
    },
    async stop() {
      // The final commit gets what is left of the shutdown deadline; a store
      // that keeps failing cannot keep the process from ending.
      const until = clock.now() + config.shutdownTimeoutMs;
      const left = () => Math.max(0, until - clock.now());
      feed?.stop();
      for (const part of parts) await part.stop();
      if (feed) await withDeadline(feed.settled(), left(), clock).catch(() => undefined);
      await api.stop();
      // No more events from the bus for the decision layer to observe once it is closed.
      await late.subscription?.stop().catch(() => undefined);
      await withDeadline(decisions.close(), left(), clock).catch(() => undefined);
      outbox.flush();
      await pipeline.stop(left());
      models.close();
      await bus.close().catch(() => undefined);
      await store.close();
    },
  };
}
