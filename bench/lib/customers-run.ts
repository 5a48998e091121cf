/**
 * One run of `bench/ingest.ts customers`, in a process of its own so its
 * RSS is its own: CUSTOMERS distinct customers through decode → enrichment
 * → DuckDB commits (a file store, as deployed), PROFILES_IN_MEMORY of them
 * at most in memory. Traffic is one simulated call per customer, or with
 * LIGHT=1 one CRM update each. Sends a sample of its memory every 5 s and
 * its result at the end to the parent (which started it with a heap limit:
 * a run that outgrows it dies, and its samples say where).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openPipeline, openStore } from '../../src/app/index.js';
import { systemClock } from '../../src/core/clock.js';
import { MemoryBus } from '../../src/core/bus/memory.js';
import { loadConfig } from '../../src/core/config.js';
import { createLogger } from '../../src/core/log.js';
import { CallSimulator } from '../../src/datasets/simulator.js';
import { consumeBus, DuckDbSink } from '../../src/pipelines/index.js';

const customers = Number(process.env.CUSTOMERS);
const light = process.env.LIGHT === '1';
const dataDir = mkdtempSync(join(tmpdir(), 'dialwise-bench-customers-'));
const config = loadConfig({
  env: {
    ...process.env,
    DIALWISE_DATA_DIR: dataDir,
    DIALWISE_LOG_LEVEL: 'warn',
    DIALWISE_PROFILES_IN_MEMORY: process.env.PROFILES_IN_MEMORY,
  },
});
const logger = createLogger('warn');
const store = await openStore(config, logger);
let applied = 0;
const { pipeline, enricher } = await openPipeline(config, new DuckDbSink(store), logger, {
  clock: systemClock,
  hooks: { onApplied: (_, c) => void (applied += c.accepted) },
});
const bus = new MemoryBus(config.batchSize);
await consumeBus({ bus, pipeline, prefix: 'bench', groupId: 'bench' });

const sim = new CallSimulator(11, 1_000);
const start = Date.now() - 86_400_000;
/** Customer i's events: one call, or one CRM update. */
const eventsOf = (i: number): object[] => {
  const customer_id = `c${i}`;
  const at = new Date(start + (i % 1_000_000) * 50);
  if (!light) return sim.nextCall(at).map((e) => ({ ...e, customer_id }));
  const fields = { region: ['east', 'south', 'north'][i % 3], customer_tier: 'b' };
  return [
    {
      event_id: `bench-update-${i}`,
      schema_version: 1,
      customer_id,
      ts: at.toISOString(),
      type: 'customer.updated',
      fields,
    },
  ];
};

let events = 0;
let fed = 0;
const sample = () => {
  const { rss, heapUsed } = process.memoryUsage();
  process.send!({
    sample: {
      // Customers applied so far (those published wait in the bus's bounded backlog).
      customers: events && Math.round((fed * applied) / events),
      rssMiB: Math.round(rss / 2 ** 20),
      // The JavaScript heap, garbage not yet collected included.
      heapMiB: Math.round(heapUsed / 2 ** 20),
      inMemory: enricher.profiles.size,
    },
  });
};
const sampler = setInterval(sample, 5_000);
const cpu0 = process.cpuUsage();
const t0 = performance.now();
const CHUNK = 2_000;
while (fed < customers) {
  const values: { key: string; value: string }[] = [];
  for (const end = Math.min(customers, fed + CHUNK); fed < end; fed++)
    for (const e of eventsOf(fed)) values.push({ key: '', value: JSON.stringify(e) });
  events += values.length;
  await bus.publish('bench.calls', values);
}
await bus.idle();
await pipeline.flush();
const seconds = (performance.now() - t0) / 1000;
const cpu = process.cpuUsage(cpu0);
clearInterval(sampler);
sample();
const [stored] = await store.query<{ n: number }>('SELECT count(*)::INTEGER AS n FROM profiles');
// Where DuckDB's memory is at the end, by kind (its buffer memory is capped by DIALWISE_DUCKDB_MEMORY).
const duckdbMiB = Object.fromEntries(
  (
    await store.query<{ tag: string; bytes: bigint }>(
      'SELECT tag, memory_usage_bytes AS bytes FROM duckdb_memory() WHERE memory_usage_bytes > 0',
    )
  ).map((r) => [r.tag, Math.round(Number(r.bytes) / 2 ** 20)]),
);
await pipeline.stop();
await store.close();
rmSync(dataDir, { recursive: true, force: true });
process.send!({
  result: {
    profilesInMemory: config.profilesInMemory,
    storedProfiles: stored!.n,
    events,
    seconds: Math.round(seconds),
    eventsPerSec: Math.round(events / seconds),
    coresUsed: Math.round(((cpu.user + cpu.system) / 1e6 / seconds) * 100) / 100,
    inMemoryAtEnd: enricher.profiles.size,
    duckdbMiB,
  },
});
process.exit(0);
