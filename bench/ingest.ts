/**
 * Ingestion benchmark: events through decode → enrichment → DuckDB commits.
 *
 *   npx tsx bench/ingest.ts embedded [--events 2000000]
 *   npx tsx bench/ingest.ts replay   [--events 10000000]   (peak memory)
 *   npx tsx bench/ingest.ts kafka    [--seconds 60]        (needs KAFKA_BROKERS)
 *   npx tsx bench/ingest.ts latency  [--rate 25000 --seconds 30]
 *   npx tsx bench/ingest.ts client   [--seconds 20]   (kafkajs alone: is the client the bottleneck?)
 *   npx tsx bench/ingest.ts flink    [--events 1000000 --rate 10000 --seconds 30]
 *       (Dialwise's Kafka worker and the Apache Flink peer, bench/peers/flink, one after the
 *        other on the same broker and events; needs KAFKA_BROKERS, Java 17 and Maven)
 *   npx tsx bench/ingest.ts baseline --ref R [--events 1000000 --rounds 2]
 *       (this checkout against commit R's, embedded and through Kafka, in the same run; needs KAFKA_BROKERS)
 *   npx tsx bench/ingest.ts customers [--customers 1000000 --bound 200000 --light --heap 2048]
 *       (RSS against distinct customers: bounded, then unbounded as the peer, both with a heap limit in MiB)
 *
 * Prints a JSON result and writes it to bench/results/ingest-<mode>.json.
 */
import { systemClock } from '../src/core/clock.js';
import { DuckDbSink, consumeBus, topicsOf } from '../src/pipelines/index.js';
import { fork } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os, { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { openPipeline, openStore, packageRoot } from '../src/app/index.js';
import { KafkaBus } from '../src/core/bus/kafka.js';
import { MemoryBus } from '../src/core/bus/memory.js';
import { loadConfig } from '../src/core/config.js';
import { createLogger } from '../src/core/log.js';
import { CallSimulator } from '../src/datasets/simulator.js';
import { versusBaseline } from './lib/ingest-baseline.js';
import { versusFlink } from './lib/ingest-peer.js';

const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: {
    events: { type: 'string' },
    seconds: { type: 'string' },
    rate: { type: 'string' },
    customers: { type: 'string' },
    bound: { type: 'string' },
    heap: { type: 'string' },
    light: { type: 'boolean' },
    ref: { type: 'string' },
    rounds: { type: 'string' },
  },
});
const mode = positionals[0] ?? 'embedded';
const logger = createLogger('warn');
let peakRss = 0;
// RSS every 5 s as well as the peak: a plateau under sustained overload shows memory is bounded.
const rssTimeline: number[] = [];
let ticks = 0;
const sampler = setInterval(() => {
  const rss = process.memoryUsage().rss;
  peakRss = Math.max(peakRss, rss);
  if (ticks++ % 50 === 0) rssTimeline.push(Math.round(rss / 2 ** 20));
}, 100);
sampler.unref();

function env(extra: Record<string, string> = {}) {
  return loadConfig({
    env: {
      ...process.env,
      DIALWISE_DATA_DIR: mkdtempSync(join(tmpdir(), 'dialwise-bench-')),
      DIALWISE_LOG_LEVEL: 'warn',
      ...extra,
    },
  });
}

/** Simulated traffic as JSON lines, generated ahead so generation is not measured. */
function* simulatedEvents(seed: number, customers: number): Generator<string> {
  const sim = new CallSimulator(seed, customers);
  const start = Date.now() - 86_400_000;
  for (let i = 0; ; i++)
    for (const e of sim.nextCall(new Date(start + i * 50))) yield JSON.stringify(e);
}

/** The next n items; unlike a for-of with break, leaves the generator open. */
function take(gen: Generator<string>, n: number): string[] {
  const out: string[] = [];
  while (out.length < n) out.push(gen.next().value as string);
  return out;
}

async function embedded(total: number, pregenerate: boolean) {
  const config = env();
  const store = await openStore(config, logger);
  const commitMs: number[] = [];
  const { pipeline, enricher } = await openPipeline(config, new DuckDbSink(store), logger, {
    clock: systemClock,
    hooks: { onCommit: (_, ms) => void commitMs.push(ms) },
  });
  const bus = new MemoryBus(config.batchSize);
  await consumeBus({ bus, pipeline, prefix: 'bench', groupId: 'bench' });
  const gen = simulatedEvents(7, 50_000);
  const chunk = 20_000;
  const pre = pregenerate ? take(gen, total) : [];
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  for (let i = 0; i < total; i += chunk) {
    const values = pregenerate ? pre.slice(i, i + chunk) : take(gen, Math.min(chunk, total - i));
    await bus.publish(
      'bench.calls',
      values.map((value) => ({ key: '', value })),
    );
  }
  await bus.idle();
  await pipeline.flush();
  const seconds = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  const [counts] = await store.query<{ calls: number; turns: number }>(
    'SELECT (SELECT count(*)::INTEGER FROM calls) AS calls, (SELECT count(*)::INTEGER FROM turns) AS turns',
  );
  await pipeline.stop();
  await store.close();
  return {
    events: total,
    seconds: round(seconds),
    eventsPerSec: Math.round(total / seconds),
    profiles: enricher.profiles.size,
    ...counts,
    pregenerated: pregenerate,
    // CPU of this process (JavaScript and DuckDB threads) per second of the run:
    // 2 means both cores were busy with ingest.
    coresUsed: round((cpu.user + cpu.system) / 1e6 / seconds),
    commits: commitMs.length,
    commitMs: percentiles(commitMs),
  };
}

async function kafka(seconds: number, rate: number | undefined) {
  const brokers = process.env.KAFKA_BROKERS;
  if (!brokers) throw new Error('set KAFKA_BROKERS');
  const prefix = `bench-${Date.now()}`;
  const config = env({
    KAFKA_BROKERS: brokers,
    DIALWISE_TOPIC_PREFIX: prefix,
    DIALWISE_KAFKA_GROUP: `${prefix}-g`,
  });
  const bus = new KafkaBus({
    brokers: brokers.split(','),
    clientId: 'bench',
    partitions: config.kafkaPartitions,
  });
  await bus.ensureTopics(topicsOf(prefix));
  const store = await openStore(config, logger);
  const latencies: number[] = [];
  let applied = 0;
  const { pipeline } = await openPipeline(config, new DuckDbSink(store), logger, {
    clock: systemClock,
    hooks: {
      onApplied(l, c) {
        applied += c.accepted + c.duplicates + c.dead;
        if (rate) for (const ms of l) latencies.push(ms);
      },
    },
  });
  const sub = await consumeBus({ bus, pipeline, prefix, groupId: config.kafkaGroup });
  // The load comes from another process, as a dialer would send it.
  const producer = fork(join(import.meta.dirname, 'kafka-producer.ts'), [], {
    execArgv: ['--import', 'tsx'],
    env: { ...process.env, PREFIX: prefix, SECONDS: String(seconds), RATE: String(rate ?? 0) },
  });
  const produced = new Promise<number>((r) =>
    producer.on('message', (m: { produced: number }) => r(m.produced)),
  );
  // Measure the sustained rate over the run, after a warm-up of 5 s.
  await sleep(5_000);
  const a0 = applied;
  const t0 = performance.now();
  await sleep((seconds - 5) * 1000);
  const sustained = (applied - a0) / ((performance.now() - t0) / 1000);
  const total = await produced;
  while (applied < total) await sleep(50);
  await pipeline.flush();
  await sub.stop();
  await pipeline.stop();
  await bus.close();
  await store.close();
  return {
    seconds,
    targetRate: rate ?? 'max',
    produced: total,
    sustainedEventsPerSec: Math.round(sustained),
    kafkajs: JSON.parse(
      readFileSync(join(packageRoot(), 'node_modules/kafkajs/package.json'), 'utf8'),
    ).version,
    ...(rate ? { latencyMs: percentiles(latencies) } : {}),
  };
}

/** Produces for `seconds`, then times a bare kafkajs consumer (no pipeline) reading it all. */
async function client(seconds: number) {
  const brokers = process.env.KAFKA_BROKERS;
  if (!brokers) throw new Error('set KAFKA_BROKERS');
  const prefix = `bench-client-${Date.now()}`;
  const bus = new KafkaBus({ brokers: brokers.split(','), clientId: 'bench', partitions: 4 });
  await bus.ensureTopics(topicsOf(prefix));
  const producer = fork(join(import.meta.dirname, 'kafka-producer.ts'), [], {
    execArgv: ['--import', 'tsx'],
    env: { ...process.env, PREFIX: prefix, SECONDS: String(seconds), RATE: '0' },
  });
  const produced = await new Promise<number>((r) =>
    producer.on('message', (m: { produced: number }) => r(m.produced)),
  );
  let consumed = 0;
  let done!: () => void;
  const all = new Promise<void>((r) => (done = r));
  const t0 = performance.now();
  const sub = await bus.subscribe({
    groupId: `${prefix}-g`,
    topics: topicsOf(prefix),
    onBatch: async (records) => {
      consumed += records.length;
      if (consumed >= produced) done();
    },
  });
  await all;
  const secs = (performance.now() - t0) / 1000;
  await sub.stop();
  await bus.close();
  return {
    produced,
    consumeSeconds: round(secs),
    kafkajsConsumePerSec: Math.round(produced / secs),
  };
}

type Sample = { customers: number; rssMiB: number; heapMiB: number; inMemory: number };

/** One run of bench/lib/customers-run.ts in a process of its own, its heap capped at `heapMiB`. */
function customersRun(env: Record<string, string>, heapMiB: number) {
  const child = fork(join(import.meta.dirname, 'lib', 'customers-run.ts'), [], {
    execArgv: ['--import', 'tsx', `--max-old-space-size=${heapMiB}`],
    env: { ...process.env, ...env },
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  const samples: Sample[] = [];
  let result: object | undefined;
  child.on('message', (m: { sample?: Sample; result?: object }) => {
    if (m.sample) samples.push(m.sample);
    result ??= m.result;
  });
  return new Promise<object>((resolve) =>
    child.on('exit', (code, signal) => {
      const peak = (k: 'rssMiB' | 'heapMiB') => Math.max(0, ...samples.map((x) => x[k]));
      resolve({
        ...(result ?? { diedAtCustomers: samples.at(-1)?.customers, exit: code ?? signal }),
        peakRssMiB: peak('rssMiB'),
        peakHeapMiB: peak('heapMiB'),
        samples,
      });
    }),
  );
}

/**
 * RSS against distinct customers: the platform's bound on profiles in
 * memory, then the same traffic with every profile kept (the peer), both
 * under the same heap limit.
 */
async function customers(count: number, bound: number, light: boolean, heapMiB: number) {
  const run = (profiles: number) =>
    customersRun(
      {
        CUSTOMERS: String(count),
        PROFILES_IN_MEMORY: String(profiles),
        LIGHT: light ? '1' : '0',
      },
      heapMiB,
    );
  return {
    customers: count,
    traffic: light ? 'one CRM update per customer' : 'one simulated call per customer',
    heapLimitMiB: heapMiB,
    bounded: await run(bound),
    unbounded: await run(100_000_000),
  };
}

function percentiles(values: number[]) {
  const sorted = [...values].sort((x, y) => x - y);
  const pct = (p: number) =>
    sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
  return { p50: pct(50), p95: pct(95), p99: pct(99), max: sorted.at(-1) };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const round = (x: number) => Math.round(x * 100) / 100;

const n = (v: string | undefined, d: number) => (v === undefined ? d : Number(v));
const result =
  mode === 'embedded'
    ? await embedded(n(values.events, 2_000_000), true)
    : mode === 'flink'
      ? await versusFlink(
          n(values.events, 1_000_000),
          n(values.rate, 10_000),
          n(values.seconds, 30),
        )
      : mode === 'baseline'
        ? await versusBaseline(
            values.ref ?? 'origin/main',
            n(values.events, 1_000_000),
            n(values.rounds, 2),
          )
        : mode === 'replay'
          ? await embedded(n(values.events, 10_000_000), false)
          : mode === 'kafka'
            ? await kafka(n(values.seconds, 60), undefined)
            : mode === 'latency'
              ? await kafka(n(values.seconds, 30), n(values.rate, 25_000))
              : mode === 'client'
                ? await client(n(values.seconds, 20))
                : mode === 'customers'
                  ? await customers(
                      n(values.customers, 1_000_000),
                      n(values.bound, 200_000),
                      values.light === true,
                      n(values.heap, 2_048),
                    )
                  : (() => {
                      throw new Error(`unknown mode ${mode}`);
                    })();
const out = {
  mode,
  ...result,
  // This process's memory; the customers mode's runs report their own.
  ...(mode !== 'customers' &&
    mode !== 'flink' &&
    mode !== 'baseline' && {
      peakRssMiB: Math.round(peakRss / 2 ** 20),
      rssEvery5sMiB: rssTimeline,
      heapUsedAtEndMiB: Math.round(process.memoryUsage().heapUsed / 2 ** 20),
    }),
  node: process.version,
  cores: os.cpus().length,
  // Other load on the machine when the run ended: figures from a busy machine are low.
  loadAverage1m: round(os.loadavg()[0]!),
  at: new Date().toISOString(),
};
console.log(JSON.stringify(out, null, 2));
mkdirSync(join(import.meta.dirname, 'results'), { recursive: true });
writeFileSync(
  join(
    import.meta.dirname,
    'results',
    mode === 'customers'
      ? `ingest-customers-${n(values.customers, 1_000_000)}${values.light ? '-light' : ''}.json`
      : mode === 'flink'
        ? 'ingest-vs-flink.json'
        : mode === 'baseline'
          ? 'ingest-vs-baseline.json'
          : `ingest-${mode}.json`,
  ),
  JSON.stringify(out, null, 2) + '\n',
);
process.exit(0);
