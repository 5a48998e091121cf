/**
 * Dialwise's side of `bench/ingest.ts flink`, in a process of its own so its
 * CPU and RSS are its own: the Kafka worker's pipeline (decode → enrichment
 * → DuckDB commits in a file) reads PREFIX's topics from the start with a
 * fresh group until EXPECT records are applied and committed. Prints one
 * JSON line: the same figures the Flink job prints (events/s from the first
 * record to the last commit, event-to-state latency from each record's Kafka
 * timestamp) plus its CPU time and peak RSS.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openPipeline, openStore } from '../../src/app/index.js';
import { KafkaBus } from '../../src/core/bus/kafka.js';
import { systemClock } from '../../src/core/clock.js';
import { loadConfig } from '../../src/core/config.js';
import { createLogger } from '../../src/core/log.js';
import { consumeBus, DuckDbSink } from '../../src/pipelines/index.js';

const prefix = process.env.PREFIX!;
const expect = Number(process.env.EXPECT);
const brokers = process.env.KAFKA_BROKERS!;
const dataDir = mkdtempSync(join(tmpdir(), 'dialwise-bench-peer-'));
const config = loadConfig({
  env: {
    ...process.env,
    DIALWISE_DATA_DIR: dataDir,
    DIALWISE_LOG_LEVEL: 'warn',
    DIALWISE_TOPIC_PREFIX: prefix,
    DIALWISE_KAFKA_GROUP: `${prefix}-dialwise-${Date.now()}`,
  },
});
const logger = createLogger('warn');
let peakRss = 0;
// RSS every 5 s too: a plateau while a backlog (the most overload there is) is read shows memory is bounded.
const rssEvery5sMiB: number[] = [];
let ticks = 0;
const sampler = setInterval(() => {
  const rss = process.memoryUsage().rss;
  peakRss = Math.max(peakRss, rss);
  if (ticks++ % 50 === 0) rssEvery5sMiB.push(Math.round(rss / 2 ** 20));
}, 100);
const store = await openStore(config, logger);
const latencies: number[] = [];
let applied = 0;
let dead = 0;
let duplicates = 0;
let started: { t: number; cpu: NodeJS.CpuUsage } | undefined;
const { pipeline } = await openPipeline(config, new DuckDbSink(store), logger, {
  clock: systemClock,
  hooks: {
    onApplied(l, c) {
      started ??= { t: performance.now(), cpu: process.cpuUsage() };
      applied += c.accepted + c.duplicates + c.dead;
      dead += c.dead;
      duplicates += c.duplicates;
      for (const ms of l) latencies.push(ms);
    },
  },
});
const bus = new KafkaBus({
  brokers: brokers.split(','),
  clientId: 'bench-peer',
  partitions: config.kafkaPartitions,
});
const sub = await consumeBus({ bus, pipeline, prefix, groupId: config.kafkaGroup });
while (applied < expect) await new Promise((r) => setTimeout(r, 20));
await pipeline.flush();
const seconds = (performance.now() - started!.t) / 1000;
const cpu = process.cpuUsage(started!.cpu);
clearInterval(sampler);
latencies.sort((a, b) => a - b);
const pct = (p: number) =>
  latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))];
console.log(
  JSON.stringify({
    events: applied,
    seconds: Math.round(seconds * 100) / 100,
    eventsPerSec: Math.round(applied / seconds),
    deadLetters: dead,
    duplicates,
    latencyMs: { p50: pct(0.5), p99: pct(0.99) },
    cpuSeconds: Math.round(((cpu.user + cpu.system) / 1e6) * 100) / 100,
    peakRssMiB: Math.round(peakRss / 2 ** 20),
    rssEvery5sMiB,
  }),
);
await sub.stop();
await pipeline.stop();
await bus.close();
await store.close();
rmSync(dataDir, { recursive: true, force: true });
process.exit(0);
