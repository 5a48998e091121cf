import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createApi } from '../api/server.js';
import { createApiKey, newApiKey } from '../api/auth.js';
import type { Bus, Subscription } from '../core/bus/bus.js';
import { KafkaBus } from '../core/bus/kafka.js';
import { MemoryBus } from '../core/bus/memory.js';
import type { Config } from '../core/config.js';
import { createFieldCipher } from '../core/crypto.js';
import { createLogger, type Logger } from '../core/log.js';
import { migrate, Store } from '../core/store/store.js';
import { CallSimulator } from '../datasets/simulator.js';
import { createIngestor, type Ingestor } from '../pipelines/ingest.js';
import { startPipeline } from '../pipelines/runner.js';
import { publishEvents } from '../pipelines/topics.js';

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
  store: Store;
  bus: Bus;
  ingestor: Ingestor;
  simulator: CallSimulator | undefined;
  /** Resolves once every simulated event published so far has been ingested. */
  waitForIdle(): Promise<void>;
  stop(): Promise<void>;
}

const packageRoot = (): string => {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) dir = dirname(dir);
  return dir;
};

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

export function createBus(config: Config): Bus {
  return config.kafkaBrokers
    ? new KafkaBus({
        brokers: config.kafkaBrokers.split(','),
        clientId: 'dialwise',
        partitions: config.kafkaPartitions,
      })
    : new MemoryBus(config.batchSize);
}

/** The composition root: builds store, bus, pipeline, API and simulator from config. */
export async function startPlatform(config: Config, opts: PlatformOptions = {}): Promise<Platform> {
  const logger = opts.logger ?? createLogger(config.logLevel);
  const store = await Store.open(resolve(config.dataDir, 'dialwise.duckdb'));
  const applied = await migrate(store);
  if (applied.length) logger.log('info', 'migrations applied', { versions: applied });
  const ingestor = createIngestor(store, createFieldCipher(dataKey(config, logger)));
  const bus = createBus(config);
  const pipeline: Subscription = await startPipeline({
    bus,
    ingestor,
    prefix: config.topicPrefix,
    groupId: config.kafkaGroup,
  });
  // A fresh admin key per start unless one is configured: none is ever baked in.
  const adminKey = await createApiKey(
    store,
    'local-admin',
    'admin',
    config.adminKey ?? newApiKey(),
  );
  const api = createApi({
    store,
    bus,
    ingestor,
    topicPrefix: config.topicPrefix,
    dashboardDir: join(packageRoot(), 'dist', 'dashboard'),
  });
  const server = await api.listen(config.host, config.port);

  let published = 0;
  let simulator: CallSimulator | undefined;
  let timer: NodeJS.Timeout | undefined;
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
      timer = setInterval(() => {
        credit += rate / 10;
        const n = Math.min(Math.floor(credit), (sim.calls ?? Infinity) - placed);
        if (n <= 0) return;
        credit -= n;
        placed += n;
        running = running
          .then(() => emit(n))
          .catch((err) => logger.log('error', 'simulator publish failed', { err: String(err) }));
      }, 100);
    }
  }

  return {
    url: server.url,
    adminKey,
    store,
    bus,
    ingestor,
    simulator,
    async waitForIdle() {
      await running;
      if (bus instanceof MemoryBus) return bus.idle();
      const t = ingestor.totals;
      while (t.accepted + t.duplicates + t.deadLetters < published) {
        await new Promise((r) => setTimeout(r, 50));
      }
    },
    async stop() {
      if (timer) clearInterval(timer);
      await running.catch(() => undefined);
      await server.close();
      await pipeline.stop();
      await bus.close();
      await store.close();
    },
  };
}
