import { DncRegister } from '../analytics/records/index.js';
import type { Subscription } from '../core/bus/bus.js';
import { systemClock, type Clock } from '../core/clock.js';
import type { Config } from '../core/config.js';
import { DialwiseError } from '../core/errors.js';
import { Health } from '../core/health.js';
import type { Logger } from '../core/log.js';
import {
  consumeBus,
  createPipelineMetrics,
  DuckDbSink,
  KafkaSink,
  topicsOf,
  type Enricher,
  type Pipeline,
  type PipelineMetrics,
} from '../pipelines/index.js';
import type { KafkaBus } from '../core/bus/kafka.js';
import type { FieldCipher } from '../core/crypto.js';
import type { Store } from '../core/store/store.js';
import type { DecisionEngine } from '../decision/index.js';
import { startApiService } from './api-service.js';
import { startDecisions } from './decision-service.js';
import { busPositions, openPipeline, type ModelWatch } from './enrichment.js';
import { platformSubmit, replicaSubmit } from './ingest.js';
import { ReplicaRouting } from './replica-routing.js';
import { ReplicaShared } from './replica-shared.js';
import { SessionChangelog } from './session-changelog.js';
import { startGeneration } from './generation.js';
import {
  decisionCompliance,
  decisionConfigDir,
  fieldCipher,
  kafkaBusOf,
  openStore,
} from './setup.js';
import { tellOperator } from './upkeep.js';

/** How long a takeover waits for the pipeline to read its partitions to the end they had. */
const CATCH_UP_MS = 60_000;

/**
 * Resolves once the pipeline has applied every event its partitions held
 * when asked: a decision after a takeover counts every contact already
 * sent to Kafka.
 */
async function caughtUp(
  bus: KafkaBus,
  pipeline: Pipeline,
  groupId: string,
  prefix: string,
  partitions: number[],
): Promise<void> {
  const targets: { topic: string; partition: number; end: bigint }[] = [];
  for (const topic of topicsOf(prefix)) {
    const committed = await bus.committed(groupId, topic);
    for (const { partition, end } of await bus.endOffsets(topic))
      if (partitions.includes(partition) && (committed.get(partition) ?? -1n) < end)
        targets.push({ topic, partition, end });
  }
  const until = Date.now() + CATCH_UP_MS;
  while (targets.some((t) => pipeline.position(t.topic, t.partition) < t.end)) {
    if (Date.now() > until) throw new Error(`events not applied to their end in ${CATCH_UP_MS} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** What a replica is made of, for the functions that assemble it. */
interface Parts {
  config: Config;
  store: Store;
  sink: KafkaSink;
  cipher: FieldCipher;
  bus: KafkaBus;
  pipeline: Pipeline;
  enricher: Enricher;
  models: ModelWatch;
  changelog: SessionChangelog;
  health: Health;
  logger: Logger;
  clock: Clock;
}

/** The decision layer of a replica: its live calls through the changelog, what it learned restored. */
async function replicaDecisions(x: Parts) {
  const { store, cipher, enricher, pipeline, changelog } = x;
  const dnc = await DncRegister.open(store, cipher);
  const compliance = decisionCompliance(x.config);
  const generation = await startGeneration(x.config, {
    store,
    checkBotLine: compliance.checkBotLine,
    clock: x.clock,
    logger: x.logger,
    decisionConfigDir: decisionConfigDir(x.config),
  });
  const decisions = startDecisions(x.config, {
    store,
    enricher,
    dnc,
    models: () => enricher.served,
    ...compliance,
    generation,
    emit: (events) => changelog.emit(events),
    ensure: (ids) => pipeline.ensure(ids),
    logger: x.logger,
    clock: x.clock,
    cipher,
    sessions: changelog,
    // The decision log and violations are the loader's to store.
    ship: {
      decisions: { ship: (rows) => x.sink.ship('decisions', rows) },
      violations: { ship: (rows) => x.sink.ship('dialing_violations', rows) },
    },
  });
  if (decisions.unsent.length) changelog.emit(decisions.unsent);
  await decisions.restore();
  return { ...decisions, dnc };
}

/**
 * What a rebalance does on a replica: calls of partitions gone are let go;
 * the state of those kept or gained is loaded again, the events they held
 * applied, and the live calls of those gained taken from the changelog.
 * Tried until it succeeds (decisions for those partitions wait meanwhile).
 */
function takeOverWith(deps: {
  bus: KafkaBus;
  pipeline: Pipeline;
  engine: DecisionEngine;
  changelog: SessionChangelog;
  groupId: string;
  prefix: string;
  logger: Logger;
}): (partitions: number[]) => Promise<void> {
  const { bus, pipeline, engine, changelog, logger } = deps;
  let owned = new Set<number>();
  return async (partitions) => {
    const gained = partitions.filter((p) => !owned.has(p));
    owned = new Set(partitions);
    changelog.release(engine.release((s) => !owned.has(bus.partitionOf(s.customerId))));
    for (;;) {
      try {
        await pipeline.requestReload();
        await caughtUp(bus, pipeline, deps.groupId, deps.prefix, partitions);
        const { sessions, events } = await changelog.takeOver(gained);
        engine.adopt(sessions, events);
        // What their last changes emitted may not have reached Kafka: again (the pipeline drops repeats).
        changelog.emit(events);
        const calls = sessions.length;
        logger.log('info', 'decision replica took over', { partitions, gained, calls });
        return;
      } catch (err) {
        logger.log('warn', 'decision replica: takeover failed; trying again', { err: String(err) });
        await new Promise((r) => setTimeout(r, 1_000));
      }
    }
  };
}

/**
 * Where each customer is decided, and what every replica shares (the
 * register and the keys as the others left them, read before this one serves).
 */
async function replicaRouting(x: Parts, adminKey: string, dnc: DncRegister, groupId: string) {
  const { bus, store, logger, config } = x;
  const holder: { shared?: ReplicaShared } = {};
  const routing = new ReplicaRouting({
    ...{ bus, groupId, adminKey, logger },
    durable: () => x.changelog.durable(),
    caughtUp: () => holder.shared?.caughtUp() ?? Promise.resolve(),
  });
  const shared = (holder.shared = new ReplicaShared({
    ...{ bus, prefix: config.topicPrefix, store, dnc, logger },
    shared: () => routing.shared(),
  }));
  await shared.start(config.kafkaGroup);
  return { routing, shared };
}

/** A replica's API: the decision routes over its engine, events taken in or relayed to their owner. */
function replicaApi(
  x: Parts,
  adminKey: string,
  decisions: Awaited<ReturnType<typeof replicaDecisions>>,
  routing: ReplicaRouting,
  metrics: PipelineMetrics,
) {
  const { store, cipher, bus, pipeline, enricher, health, clock, config } = x;
  const engine = decisions.engine;
  return startApiService(config, {
    store,
    sink: new DuckDbSink(store, { clock, cipher }),
    health,
    submit: replicaSubmit({
      local: platformSubmit({
        config,
        bus,
        pipeline,
        health,
        clock,
        onAccepted: (events) => engine.noteAccepted(events),
      }),
      routing,
      authorization: adminKey,
    }),
    busKind: bus.kind,
    metrics: metrics.registry,
    profile: (id) => enricher.profile(id, clock.now()),
    decisions: engine,
    replicas: routing,
    dnc: decisions.dnc,
    served: () => x.models.sources(),
    turnModels: () => enricher.served.turn,
    logger: x.logger,
    clock,
  });
}

/**
 * `dialwise decide`, a decision replica (run several behind any HTTP load
 * balancer, in place of `dialwise worker`): it enriches the partitions the
 * consumer group gives it, as a worker does, and decides for their
 * customers; their live calls go to the replicas' changelog before each
 * answer; a request for another replica's customer is relayed there. The
 * do-not-call register and the API keys are shared through Kafka
 * (ReplicaShared); its decision log and violations go to the loader. Its
 * data folder holds its own DuckDB file (its copy of the register and
 * keys) and its journal (experiments, skills, agents, script versions).
 */
export async function startDecideReplica(
  config: Config,
  logger: Logger,
  clock: Clock = systemClock,
): Promise<{ url: string; stop(): Promise<void> }> {
  const adminKey = config.adminKey;
  // Replicas read what the others sealed and call each other: one data key and one admin key for all.
  if (!adminKey || !config.dataKey)
    throw new DialwiseError(
      'CONFIG_INVALID',
      'dialwise decide: set DIALWISE_DATA_KEY and DIALWISE_ADMIN_KEY, the same on every replica (each reads the live calls the others sealed, and relays requests to them)',
    );
  const health = new Health(() => clock.now());
  const bus = kafkaBusOf(config, health, 'decide', clock);
  const prefix = config.topicPrefix;
  const groupId = `${config.kafkaGroup}-workers`;
  const store = await openStore(config, logger);
  const cipher = fieldCipher(config, logger);
  const sink = new KafkaSink(bus, prefix);
  const changelog = new SessionChangelog(bus, prefix, cipher);
  const layer: { decisions?: ReturnType<typeof startDecisions> } = {};
  let subscription: Subscription | undefined;
  const { pipeline, enricher, models } = await openPipeline(config, sink, logger, {
    clock,
    hooks: {
      onEvents: (events) => layer.decisions?.observe(events),
      onCommit: (positions) => subscription?.commit(busPositions(positions)),
    },
    health,
  });
  const x: Parts = {
    ...{ config, store, sink, cipher, bus, pipeline, enricher, models, changelog },
    ...{ health, logger, clock },
  };
  const decisions = await replicaDecisions(x);
  await changelog.follow(`${config.kafkaGroup}-decide`);
  layer.decisions = decisions;
  const engine = decisions.engine;
  const { routing, shared } = await replicaRouting(x, adminKey, decisions.dnc, groupId);
  const metrics = createPipelineMetrics();
  const api = await replicaApi(x, adminKey, decisions, routing, metrics);
  const self = config.publicUrl ?? api.url;
  routing.self = self;
  const takeOver = takeOverWith({ bus, pipeline, engine, changelog, groupId, prefix, logger });
  subscription = await consumeBus({
    bus,
    pipeline,
    prefix,
    groupId,
    advertise: self,
    onAssigned(assignment) {
      const partitions = [...new Set(Object.values(assignment).flat())];
      sink.own(partitions);
      routing.assigned(partitions, takeOver(partitions));
    },
    // Until the group has settled, no partition is decided here: two owners never decide at once.
    onRebalancing: () => routing.rebalancing(),
  });
  const watch = tellOperator(config, logger, health, () => self, clock, metrics);
  return {
    url: self,
    async stop() {
      await watch.stop();
      await api.stop();
      // Each consumer waits out its fetch (up to 5 s) as it leaves: both at once.
      await Promise.all([
        subscription?.stop().catch(() => undefined),
        changelog.stop(),
        shared.stop(),
      ]);
      await decisions.close();
      await changelog.durable().catch(() => undefined);
      await pipeline.stop(config.shutdownTimeoutMs);
      models.close();
      await bus.close().catch(() => undefined);
      await store.close();
    },
  };
}
