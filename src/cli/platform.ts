import {
  chmodSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { randomBytes } from 'node:crypto';
import { setMaxListeners } from 'node:events';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createApiKey, newApiKey } from '../api/auth.js';
import { createApi, type ApiDeps } from '../api/server.js';
import type { Bus, Subscription } from '../core/bus/bus.js';
import { KafkaBus } from '../core/bus/kafka.js';
import { MemoryBus } from '../core/bus/memory.js';
import type { Config } from '../core/config.js';
import { DialwiseError } from '../core/errors.js';
import { createFieldCipher, type FieldCipher } from '../core/crypto.js';
import { parseEvent, type DialwiseEvent } from '../core/events/index.js';
import { Health } from '../core/health.js';
import { createLogger, type Logger } from '../core/log.js';
import { migrate, Store } from '../core/store/store.js';
import { CallSimulator } from '../datasets/simulator.js';
import {
  createComplianceGuard,
  DEFAULT_COMPLIANCE_CONFIG,
  loadComplianceConfig,
  type ComplianceConfig,
} from '../models/compliance/index.js';
import { Champions, type ServedModels } from '../models/champions.js';
import type { ModelName, ModelRegistry } from '../models/registry.js';
import { loadCrmMapping, mapCrmFields } from '../pipelines/crm-mapping.js';
import { DuckDbSink, type Position, type Sink } from '../pipelines/duckdb-sink.js';
import { KafkaSink } from '../pipelines/kafka-sink.js';
import { startLoader } from '../pipelines/loader.js';
import { sealLegacyDeadLetters } from '../pipelines/dead-letters.js';
import { PROFILE_COLUMNS } from '../pipelines/duckdb-sink.js';
import { deadLetter, emptyRows, restoreProfile, type ProfileRow } from '../pipelines/rows.js';
import { Enricher } from '../pipelines/enricher.js';
import { createPipelineMetrics, type PipelineMetrics } from '../pipelines/metrics.js';
import { Pipeline, STORE, type PipelineHooks } from '../pipelines/pipeline.js';
import { consumeBus } from '../pipelines/runner.js';
import { loadTagRules } from '../pipelines/tags.js';
import { derivedTopic, publishEvents, topicsOf } from '../pipelines/topics.js';
import type { DecisionEngine } from '../decision/engine.js';
import { startDecisions } from './decisions.js';
import { AlertRunner } from '../analytics/alert-runner.js';
import { watchHealth } from '../analytics/health-alerts.js';
import { refreshRollup } from '../analytics/kpi-rollup.js';
import { MODEL_KINDS, openRegistry } from '../training/kinds.js';
import { SearchIndexer } from '../analytics/search-index.js';
import type { Commits } from '../api/graphql.js';
import { createPubSub } from 'graphql-yoga';

export interface SimulateOptions {
  /** Calls to place; unset = until stopped. */
  calls?: number;
  seed?: number;
  /** Calls per second; 0 = all at once. */
  ratePerSec?: number;
}

export interface PlatformOptions {
  simulate?: SimulateOptions;
  logger?: Logger;
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

export const packageRoot = (): string => {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) dir = dirname(dir);
  return dir;
};

const readJson = (file: string): unknown => JSON.parse(readFileSync(file, 'utf8'));

/** The local data key: from config, else a key file created once beside the data (mode 0600). */
function dataKey(config: Config, logger: Logger): string {
  if (config.dataKey) return config.dataKey;
  const file = join(config.dataDir, 'data.key');
  if (!existsSync(file)) {
    writeFileSync(file, randomBytes(32).toString('base64'), { mode: 0o600 });
    logger.log(
      'warn',
      'created a local data key; set DIALWISE_DATA_KEY from your KMS in production',
      { file },
    );
  }
  return readFileSync(file, 'utf8').trim();
}

/** Read once per settings object: the pipeline's models and the API share one compiled guard. */
const complianceConfigs = new WeakMap<Config, ComplianceConfig>();
function complianceConfig(config: Config): ComplianceConfig {
  let c = complianceConfigs.get(config);
  if (!c) {
    const file = config.complianceConfigFile;
    c = file ? loadComplianceConfig(file) : DEFAULT_COMPLIANCE_CONFIG;
    complianceConfigs.set(config, c);
  }
  return c;
}

export const registryOf = (config: Config): ModelRegistry =>
  openRegistry(config.registryDir ?? join(config.dataDir, 'registry'));

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
): Promise<{ enricher: Enricher; models: ModelWatch }> {
  const champions = new Champions(
    registryOf(config),
    MODEL_KINDS,
    { intent: config.intentModelDir, emotion: config.emotionModelDir },
    { compliance: complianceConfig(config) },
  );
  let served: ServedModels | undefined;
  await champions.refresh((m) => (served = m));
  const enricher = new Enricher({
    ...served!,
    tagRules: loadTagRules(
      readJson(config.tagRulesFile ?? join(packageRoot(), 'config', 'tags.json')),
    ),
    dedupeWindow: config.dedupeWindow,
    latenessMs: config.latenessMs,
    maxSkewMs: config.maxSkewMs,
  });
  logger.log('info', 'models', champions.sources);
  let busy = false;
  const poll = setInterval(() => {
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
  }, config.modelPollMs);
  poll.unref();
  return {
    enricher,
    models: {
      sources: () => champions.sources,
      close() {
        clearInterval(poll);
        champions.dispose();
      },
    },
  };
}

/**
 * A scaled-out worker (several per consumer group): enriches its share of
 * the partitions, publishes facts and profile snapshots, commits offsets to
 * Kafka after each publish. Holds no DuckDB file; `startLoader` writes it.
 */
export async function startWorker(
  config: Config,
  logger: Logger,
): Promise<{ stop(): Promise<void> }> {
  // A worker serves no HTTP: its failures reach the operator through the log and Slack.
  const health = new Health();
  const bus = createBus(config, health);
  if (!(bus instanceof KafkaBus))
    throw new DialwiseError('CONFIG_INVALID', 'dialwise worker needs KAFKA_BROKERS');
  const sink = new KafkaSink(bus, config.topicPrefix);
  let subscription: Subscription | undefined;
  const { pipeline, models } = await openPipeline(
    config,
    sink,
    logger,
    { onCommit: (positions) => subscription?.commit(busPositions(positions)) },
    health,
  );
  const watch = tellOperator(config, logger, health, () => `worker ${process.pid}`);
  subscription = await consumeBus({
    bus,
    pipeline,
    prefix: config.topicPrefix,
    groupId: `${config.kafkaGroup}-workers`,
    onAssigned(assignment) {
      sink.own([...new Set(Object.values(assignment).flat())]);
      pipeline.requestReload();
      logger.log('info', 'partitions assigned', {
        partitions: [...new Set(Object.values(assignment).flat())],
      });
    },
  });
  return {
    async stop() {
      watch.stop();
      // Commit (publish, then offsets) while the consumer can still commit them.
      await pipeline.stop(config.shutdownTimeoutMs);
      models.close();
      await subscription?.stop();
      await bus.close();
    },
  };
}

/** Store-backed pipeline with the configured models and tag rules, state restored. */
export async function openPipeline(
  config: Config,
  sink: Sink,
  logger: Logger,
  hooks?: PipelineHooks,
  health?: Health,
): Promise<{ pipeline: Pipeline; enricher: Enricher; models: ModelWatch }> {
  const { enricher, models } = await createEnricher(config, logger);
  const pipeline = await Pipeline.open({
    sink,
    enricher,
    cipher: fieldCipher(config, logger),
    logger,
    commitIntervalMs: config.commitIntervalMs,
    maxPending: config.maxPending,
    hooks,
    health,
  });
  return { pipeline, enricher, models };
}

/** A pipeline's positions as the bus commits them (source = topic). */
const busPositions = (positions: Position[]) =>
  positions.map((p) => ({ topic: p.source, partition: p.partition, next: p.next }));

export const storePath = (config: Config): string => resolve(config.dataDir, 'dialwise.duckdb');

/**
 * The data folder and what is in it readable by this user only (0700 and
 * 0600): the DuckDB file, its write-ahead log, the data key, the run file.
 */
function privateDataDir(config: Config): void {
  mkdirSync(config.dataDir, { recursive: true, mode: 0o700 });
  chmodSync(config.dataDir, 0o700);
  for (const e of readdirSync(config.dataDir, { withFileTypes: true }))
    if (e.isFile()) chmodSync(join(config.dataDir, e.name), 0o600);
}

/**
 * Failing components reach the operator: the log and the gauge at once
 * (where metrics are served), Slack once the failure outlasts its grace.
 */
function tellOperator(
  config: Config,
  logger: Logger,
  health: Health,
  where: () => string,
  metrics?: PipelineMetrics,
): { stop(): void } {
  return watchHealth(health, {
    slackWebhookUrl: config.slackWebhookUrl,
    graceMs: config.healthAlertGraceMs,
    logger,
    dashboardUrl: where,
    ...(metrics && {
      gauge: (component: string, up: boolean) => metrics.componentUp.set({ component }, up ? 1 : 0),
    }),
  });
}

/** Opens the DuckDB file under dataDir and applies pending migrations. */
export async function openStore(config: Config, logger: Logger): Promise<Store> {
  const store = await Store.open(storePath(config), {
    memoryLimit: config.duckdbMemoryLimit,
    checkpointThreshold: config.duckdbCheckpoint,
  });
  const applied = await migrate(store);
  if (applied.length) logger.log('info', 'migrations applied', { versions: applied });
  // DuckDB creates its files (and the folder) with the process umask: make them private.
  privateDataDir(config);
  const sealed = await sealLegacyDeadLetters(store, fieldCipher(config, logger));
  if (sealed) logger.log('info', 'dead letters redacted, originals sealed', { sealed });
  return store;
}

/** The current data key plus the previous ones, for values sealed before a rotation. */
export const fieldCipher = (config: Config, logger: Logger): FieldCipher =>
  createFieldCipher(dataKey(config, logger), config.dataKeysPrevious?.split(',') ?? []);

export function createBus(config: Config, health?: Health): Bus {
  return config.kafkaBrokers
    ? new KafkaBus({
        brokers: config.kafkaBrokers.split(','),
        clientId: 'dialwise',
        partitions: config.kafkaPartitions,
        compression: config.kafkaCompression,
        health,
      })
    : new MemoryBus(config.batchSize);
}

/** The API and dashboard on config.host:port, with a local admin key. */
async function serveApi(
  config: Config,
  store: Store,
  deps: Pick<ApiDeps, 'submit' | 'busKind' | 'metrics' | 'profile' | 'decisions' | 'health'> & {
    /** Which version of each model this process serves. */
    served(): Partial<Record<ModelName, string>>;
  },
  logger: Logger,
): Promise<{
  server: { url: string; close(): Promise<void> };
  adminKey: string;
  adminKeyGenerated: boolean;
  alerts: AlertRunner;
}> {
  const crmMapping = loadCrmMapping(
    readJson(config.crmMappingFile ?? join(packageRoot(), 'config', 'crm-mapping.json')),
  );
  // A fresh admin key per start unless one is configured: none is ever baked in.
  const adminKey = await createApiKey(store, 'local-admin', 'admin', {
    key: config.adminKey ?? newApiKey(),
  });
  let url = '';
  const alerts = new AlertRunner(store, {
    slackWebhookUrl: config.slackWebhookUrl,
    dashboardUrl: () => url,
  });
  // One listener per live subscription: the per-key limit bounds them, not Node's warning at 10.
  const target = new EventTarget();
  setMaxListeners(0, target);
  const commits: Commits = createPubSub({ eventTarget: target });
  const cipher = fieldCipher(config, logger);
  const api = createApi({
    ...deps,
    store,
    alerts,
    commits,
    models: { registry: registryOf(config), served: deps.served },
    phoneHash: (phone) => cipher.lookupHash(phone),
    costs: { botPerMinute: config.costPerMinuteBot, agentPerMinute: config.costPerMinuteAgent },
    dashboardDir: join(packageRoot(), 'dist', 'dashboard'),
    mapCrm: (raw) => mapCrmFields(crmMapping, raw),
    checkBotLine: createComplianceGuard(complianceConfig(config)).checkBotLine,
    limits: config,
    unseal: (sealed) => cipher.decrypt(sealed),
  });
  const server = await api.listen(config.host, config.port);
  url = server.url;
  writeRunFile(config, { url, pid: process.pid, ...(config.adminKey ? {} : { adminKey }) });
  // Deviation alerts are evaluated where the DuckDB file is, on the live data.
  let running = Promise.resolve();
  const timer = setInterval(() => {
    running = running
      .then(() => alerts.run())
      .then((r) => void (r.fired + r.resolved && logger.log('info', 'alerts', r)))
      .catch((err) => logger.log('error', 'alert evaluation failed', { err: String(err) }));
  }, config.alertIntervalMs);
  timer.unref();
  // Live subscriptions: once a second, if the store took in anything new, tell them.
  const taken = async () =>
    (
      await store.query<{ n: number }>(
        `SELECT (SELECT COALESCE(sum(value), 0) FROM ingest_counters)::DOUBLE
           + (SELECT count(*) FROM dead_letters)::DOUBLE AS n`,
      )
    )[0]!.n;
  let seen = await taken();
  // Once a second: the KPI roll-up and the transcript index catch up with
  // what was stored (queries are exact meanwhile: they read what is not yet
  // rolled up or indexed from the calls and turns), then live subscriptions
  // hear of anything new.
  const indexer = new SearchIndexer(store);
  let maintaining = Promise.resolve();
  const live = setInterval(() => {
    maintaining = maintaining
      .then(async () => {
        await refreshRollup(store).catch((err) =>
          logger.log('error', 'KPI roll-up failed', { err: String(err) }),
        );
        await indexer
          .run()
          .catch((err) => logger.log('error', 'transcript indexing failed', { err: String(err) }));
        const n = await taken();
        if (n === seen) return;
        seen = n;
        commits.publish('committed');
      })
      .catch(() => undefined);
  }, 1_000);
  live.unref();
  return {
    server: {
      url,
      async close() {
        clearInterval(live);
        clearInterval(timer);
        await running;
        await maintaining;
        await server.close();
        removeRunFile(config);
      },
    },
    adminKey,
    adminKeyGenerated: !config.adminKey,
    alerts,
  };
}

/** Where a running platform says where it listens (and its generated admin key), mode 0600. */
export const runFilePath = (config: Config): string => join(config.dataDir, 'run.json');

export interface RunFile {
  url: string;
  pid: number;
  /** Only when generated at this start; a configured key stays in the environment. */
  adminKey?: string;
}

function writeRunFile(config: Config, run: RunFile): void {
  writeFileSync(runFilePath(config), JSON.stringify(run), { mode: 0o600 });
}

function removeRunFile(config: Config): void {
  try {
    const run = JSON.parse(readFileSync(runFilePath(config), 'utf8')) as RunFile;
    if (run.pid === process.pid) rmSync(runFilePath(config));
  } catch {
    // Already gone.
  }
}

/**
 * The analytics side of a scaled-out deployment: the one process that owns
 * the DuckDB file, loads the workers' facts and serves the API and dashboard.
 */
export async function startLoaderPlatform(
  config: Config,
  logger: Logger,
): Promise<{ url: string; adminKey: string; adminKeyGenerated: boolean; stop(): Promise<void> }> {
  const health = new Health();
  const bus = createBus(config, health);
  if (!(bus instanceof KafkaBus))
    throw new DialwiseError('CONFIG_INVALID', 'dialwise loader needs KAFKA_BROKERS');
  const store = await openStore(config, logger);
  const cipher = fieldCipher(config, logger);
  const sink = new DuckDbSink(store, { dedupeByEventId: true });
  const subscription = await startLoader({
    bus,
    sink,
    prefix: config.topicPrefix,
    groupId: `${config.kafkaGroup}-loader`,
    logger,
  });
  const metrics = createPipelineMetrics();
  const { server, adminKey, adminKeyGenerated } = await serveApi(
    config,
    store,
    {
      async submit(valid, invalid) {
        await publishEvents(bus, config.topicPrefix, valid);
        const receivedAt = new Date().toISOString();
        if (invalid.length) {
          await sink.write(
            {
              ...emptyRows(),
              deadLetters: invalid.map((payload) =>
                deadLetter(cipher, 'http', parseReason(payload), payload, receivedAt),
              ),
            },
            [],
          );
        }
      },
      busKind: bus.kind,
      metrics: metrics.registry,
      health,
      // The loader serves no models: its workers do.
      served: () => ({}),
      async profile(id) {
        const [row] = await store.query<ProfileRow>(
          `SELECT ${PROFILE_COLUMNS} FROM profiles WHERE customer_id = ?`,
          [id],
        );
        return row && restoreProfile(row, cipher);
      },
    },
    logger,
  );
  const watch = tellOperator(config, logger, health, () => server.url, metrics);
  return {
    url: server.url,
    adminKey,
    adminKeyGenerated,
    async stop() {
      watch.stop();
      await server.close();
      await subscription.stop();
      await bus.close();
      await store.close();
    },
  };
}

const parseReason = (payload: string): string => {
  const r = parseEvent(payload);
  return r.ok ? 'rejected' : r.reason;
};

/** The composition root: builds store, bus, pipeline, API and simulator from config. */
export async function startPlatform(config: Config, opts: PlatformOptions = {}): Promise<Platform> {
  const logger = opts.logger ?? createLogger(config.logLevel);
  const store = await openStore(config, logger);
  const metrics = createPipelineMetrics();
  const health = new Health();
  const bus = createBus(config, health);
  let subscription: Subscription | undefined;
  let processed = 0;
  let decisions: ReturnType<typeof startDecisions> | undefined;
  const { pipeline, enricher, models } = await openPipeline(
    config,
    new DuckDbSink(store),
    logger,
    {
      onEvents: (events) => decisions?.engine.observe(events),
      onApplied(latencies, c) {
        processed += c.accepted + c.duplicates + c.dead;
        metrics.hooks.onApplied?.(latencies, c);
      },
      // Kafka mode: enriched turns and profile snapshots go out as derived
      // streams for other consumers, keyed by customer_id like their sources.
      async beforeCommit(rows) {
        if (bus.kind !== 'kafka') return;
        const keyed = (r: { customer_id: string }) => ({
          key: r.customer_id,
          value: JSON.stringify(r),
        });
        await bus.publish(derivedTopic(config.topicPrefix, 'turn.enriched'), rows.turns.map(keyed));
        await bus.publish(
          derivedTopic(config.topicPrefix, 'profile.updated'),
          rows.profiles.map(keyed),
        );
      },
      async onCommit(positions, ms) {
        metrics.hooks.onCommit?.(positions, ms);
        if (bus.kind === 'kafka' && subscription) {
          await subscription.commit(busPositions(positions));
        }
      },
    },
    health,
  );
  if (bus instanceof KafkaBus) {
    await bus.ensureTopics([derivedTopic(config.topicPrefix, 'turn.enriched')]);
    await bus.ensureTopics([derivedTopic(config.topicPrefix, 'profile.updated')], {
      compact: true,
    });
  }
  subscription = await consumeBus({
    bus,
    pipeline,
    prefix: config.topicPrefix,
    groupId: config.kafkaGroup,
  });

  // The decision layer's own events (turns spoken, transfers, consent
  // revoked) go the way every event goes, without holding up the decision.
  // Gathered for a few milliseconds and sent as one batch: one pipeline pass
  // (or one produce) for many decisions costs less than one each.
  let outbox: DialwiseEvent[] = [];
  const sendOutbox = () => {
    const events = outbox;
    outbox = [];
    const sent =
      bus.kind === 'kafka'
        ? publishEvents(bus, config.topicPrefix, events)
        : pipeline.process(
            events.map((e) => ({
              source: 'decisions',
              value: JSON.stringify(e),
              receivedAt: Date.now(),
            })),
          );
    sent.catch((err) => logger.log('error', 'decision events not recorded', { err: String(err) }));
  };
  const emit = (events: DialwiseEvent[]) => {
    if (outbox.length === 0) setTimeout(sendOutbox, 5);
    outbox.push(...events);
  };
  decisions = startDecisions(config, {
    store,
    enricher,
    models: () => enricher.served,
    checkBotLine: createComplianceGuard(complianceConfig(config)).checkBotLine,
    emit,
    logger,
  });
  const learned = await decisions.restore();
  if (learned.rewards || learned.answers) logger.log('info', 'decision layer restored', learned);

  // On the embedded bus the API writes through the pipeline and answers once
  // the events are committed; on Kafka an acknowledged produce is durable.
  // While commits fail nothing new is taken in (503, Retry-After), and a
  // commit that does not finish in time answers 503 too: the caller sends
  // again and the event ids drop what did get through.
  const submit = async (valid: DialwiseEvent[], invalid: string[]) => {
    const failing = health.failing(STORE);
    if (failing && bus.kind !== 'kafka')
      throw new DialwiseError('STORE_FAILED', `the store is failing: ${failing.reason}`, {
        retryAfterS: 5,
      });
    const receivedAt = Date.now();
    // A revocation binds the next dialing decision, before the pipeline has applied it.
    for (const e of valid)
      if (e.type === 'consent.changed') decisions?.engine.noteConsent(e.customer_id, e.granted);
    if (bus.kind === 'kafka') await publishEvents(bus, config.topicPrefix, valid);
    const direct = [
      ...invalid.map((value) => ({ source: 'http', value, receivedAt })),
      ...(bus.kind === 'kafka'
        ? []
        : valid.map((e) => ({ source: 'http', value: JSON.stringify(e), receivedAt }))),
    ];
    if (direct.length) {
      await pipeline.process(direct);
      await withDeadline(pipeline.flush(), config.submitTimeoutMs);
    }
  };

  const { server, adminKey, adminKeyGenerated, alerts } = await serveApi(
    config,
    store,
    {
      submit,
      busKind: bus.kind,
      metrics: metrics.registry,
      health,
      profile: (id) => enricher.profile(id, Date.now()),
      decisions: decisions.engine,
      served: () => models.sources(),
    },
    logger,
  );

  const timers: NodeJS.Timeout[] = [];
  if (bus instanceof KafkaBus) {
    const lag = setInterval(() => {
      void (async () => {
        for (const topic of topicsOf(config.topicPrefix)) {
          for (const { partition, end } of await bus.endOffsets(topic)) {
            const next = pipeline.position(topic, partition);
            metrics.consumerLag.set({ source: topic, partition }, Number(end - next));
          }
        }
      })().catch(() => undefined);
    }, 5_000);
    lag.unref();
    timers.push(lag);
  }

  let published = 0;
  let simulator: CallSimulator | undefined;
  let running: Promise<void> = Promise.resolve();
  const sim = opts.simulate;
  if (sim) {
    simulator = new CallSimulator(sim.seed ?? 1);
    const emit = async (n: number) => {
      const now = Date.now();
      const events = Array.from({ length: n }, (_, i) =>
        simulator!.nextCall(new Date(now - (n - i) * 1000)),
      ).flat();
      published += events.length;
      await publishEvents(bus, config.topicPrefix, events);
    };
    const rate = sim.ratePerSec ?? 0;
    if (rate <= 0) running = emit(sim.calls ?? 0);
    else {
      let placed = 0;
      let credit = 0;
      timers.push(
        setInterval(() => {
          credit += rate / 10;
          const n = Math.min(Math.floor(credit), (sim.calls ?? Infinity) - placed);
          if (n <= 0) return;
          credit -= n;
          placed += n;
          running = running
            .then(() => emit(n))
            .catch((err) => logger.log('error', 'simulator publish failed', { err: String(err) }));
        }, 100),
      );
    }
  }

  const watch = tellOperator(config, logger, health, () => server.url, metrics);

  return {
    url: server.url,
    adminKey,
    adminKeyGenerated,
    health,
    store,
    bus,
    enricher,
    pipeline,
    models,
    decisions: decisions.engine,
    alerts,
    simulator,
    async waitForIdle() {
      await running;
      if (bus instanceof MemoryBus) await bus.idle();
      while (processed < published) await new Promise((r) => setTimeout(r, 20));
      await pipeline.flush();
    },
    async stop() {
      // The final commit gets what is left of the shutdown deadline; a store
      // that keeps failing cannot keep the process from ending.
      const until = Date.now() + config.shutdownTimeoutMs;
      watch.stop();
      timers.forEach(clearInterval);
      await withDeadline(running, config.shutdownTimeoutMs).catch(() => undefined);
      await server.close();
      await withDeadline(decisions.close(), until - Date.now()).catch(() => undefined);
      if (outbox.length) sendOutbox();
      await subscription?.stop().catch(() => undefined);
      await pipeline.stop(Math.max(0, until - Date.now()));
      models.close();
      await bus.close().catch(() => undefined);
      await store.close();
    },
  };
}

/** `work`, or a 503 once `ms` have passed (the work itself goes on). */
function withDeadline<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () =>
        reject(
          new DialwiseError('STORE_FAILED', `not durable within ${ms} ms; send again later`, {
            retryAfterS: 5,
          }),
        ),
      Math.max(0, ms),
    );
  });
  return Promise.race([work, late]).finally(() => clearTimeout(timer));
}
