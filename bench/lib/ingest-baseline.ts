/**
 * `bench/ingest.ts baseline --ref R`: this checkout's ingest against the
 * checkout of commit R (a git worktree sharing this one's node_modules), in
 * the same run on the same machine, rounds alternating so a drift of the
 * machine falls on both:
 *
 * - embedded: `bench/ingest.ts embedded` (in-process bus, pregenerated events);
 * - Kafka: one backlog of EVENTS (1% broken, 1% repeats), read whole by each
 *   side's Kafka worker (bench/lib/ingest-peer-dialwise.ts, keyword NLU);
 * - latency: each side reading while the producer sends at half the rate it
 *   sustained on the backlog (event-to-state p99, issue 19: ≤ 100 ms).
 *
 * Both checkouts run this checkout's bench/ (the same harness over each one's
 * src/): the worktree's bench/ is replaced by a copy.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KafkaBus } from '../../src/core/bus/kafka.js';
import { loadConfig } from '../../src/core/config.js';
import { topicsOf } from '../../src/pipelines/index.js';
import { backlog, dialwise, paced, perEvent } from './ingest-peer.js';

const REPO = join(import.meta.dirname, '..', '..');
const LATENCY_SECONDS = 20;

const git = (...args: string[]) =>
  execFileSync('git', ['-C', REPO, ...args], { encoding: 'utf8' }).trim();

/** A worktree of `ref` with this checkout's node_modules and bench/. */
function checkout(ref: string): { root: string; commit: string; remove: () => void } {
  const root = join(mkdtempSync(join(tmpdir(), 'dialwise-baseline-')), 'tree');
  git('worktree', 'add', '--detach', root, ref);
  symlinkSync(join(REPO, 'node_modules'), join(root, 'node_modules'));
  rmSync(join(root, 'bench'), { recursive: true, force: true });
  cpSync(join(REPO, 'bench'), join(root, 'bench'), { recursive: true });
  return {
    root,
    commit: git('rev-parse', ref),
    remove: () => git('worktree', 'remove', '--force', root),
  };
}

interface Embedded {
  eventsPerSec: number;
  coresUsed: number;
  peakRssMiB: number;
  rssEvery5sMiB: number[];
}

/** `bench/ingest.ts embedded` in `root`, as a process of its own. */
function embedded(root: string, events: number) {
  const r = spawnSync(
    process.execPath,
    ['--import', 'tsx', join(root, 'bench', 'ingest.ts'), 'embedded', '--events', String(events)],
    { cwd: root, encoding: 'utf8', maxBuffer: 64 * 2 ** 20 },
  );
  if (r.status !== 0) throw new Error(`embedded in ${root} exited ${r.status}: ${r.stderr}`);
  const e = JSON.parse(r.stdout.slice(r.stdout.indexOf('{'))) as Embedded;
  return {
    eventsPerSec: e.eventsPerSec,
    cpuUsPerEvent: Math.round((e.coresUsed * 1e7) / e.eventsPerSec) / 10,
    peakRssMiB: e.peakRssMiB,
  };
}

async function topics(brokers: string, prefixes: string[]) {
  const bus = new KafkaBus({
    brokers: brokers.split(','),
    clientId: 'bench',
    partitions: loadConfig({ env: {} }).kafkaPartitions,
  });
  for (const p of prefixes) await bus.ensureTopics(topicsOf(p));
  await bus.close();
}

type Side = 'baseline' | 'current';

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** Events/s, CPU per event and RSS of one side's Kafka worker on the backlog, then its latency. */
async function kafkaSide(brokers: string, root: string, prefix: string, produced: number) {
  const r = await dialwise(brokers, prefix, produced, root);
  return { ...r, cpuUsPerEvent: perEvent(r) };
}

async function latency(brokers: string, root: string, prefix: string, rate: number) {
  const count = rate * LATENCY_SECONDS;
  const taking = dialwise(brokers, prefix, count, root);
  await new Promise((r) => setTimeout(r, 20_000)); // started and idle first
  await paced(brokers, prefix, count, rate);
  return { rate, ...(await taking).latencyMs };
}

export async function versusBaseline(ref: string, events: number, rounds: number) {
  const brokers = process.env.KAFKA_BROKERS;
  if (!brokers) throw new Error('set KAFKA_BROKERS');
  // Uncommitted changes of this checkout's code run too (results written by runs do not count).
  const dirty = git('status', '--porcelain', '--', 'src', 'bench', ':!bench/results') !== '';
  const base = checkout(ref);
  try {
    const sides = { baseline: base.root, current: REPO };
    const run = `baseline-${Date.now()}`;
    await topics(brokers, [`${run}-t`, ...Object.keys(sides).map((s) => `${run}-l-${s}`)]);
    const produced = backlog(brokers, `${run}-t`, events);
    type KafkaRun = Awaited<ReturnType<typeof kafkaSide>>;
    const emb: Record<Side, ReturnType<typeof embedded>[]> = { baseline: [], current: [] };
    const kaf: Record<Side, KafkaRun[]> = { baseline: [], current: [] };
    for (let i = 0; i < rounds; i++)
      for (const [name, root] of Object.entries(sides) as [Side, string][]) {
        emb[name].push(embedded(root, events));
        kaf[name].push(await kafkaSide(brokers, root, `${run}-t`, produced));
      }
    const summary = (name: Side) => ({
      embeddedEventsPerSec: median(emb[name].map((r) => r.eventsPerSec)),
      embeddedCpuUsPerEvent: median(emb[name].map((r) => r.cpuUsPerEvent)),
      kafkaEventsPerSec: median(kaf[name].map((r) => r.eventsPerSec)),
      kafkaCpuUsPerEvent: median(kaf[name].map((r) => r.cpuUsPerEvent)),
      kafkaPeakRssMiB: Math.max(...kaf[name].map((r) => r.peakRssMiB)),
      embeddedRuns: emb[name],
      kafkaRuns: kaf[name].map(({ latencyMs, ...r }) => r),
    });
    const baseline = summary('baseline');
    const current = summary('current');
    const half = (s: typeof baseline) => Math.round(s.kafkaEventsPerSec / 2);
    const latencies = {
      baseline: await latency(brokers, base.root, `${run}-l-baseline`, half(baseline)),
      current: await latency(brokers, REPO, `${run}-l-current`, half(current)),
    };
    const ratio = (k: 'embeddedEventsPerSec' | 'kafkaEventsPerSec') =>
      Math.round((current[k] / baseline[k]) * 100) / 100;
    return {
      ref,
      baselineCommit: base.commit,
      currentCommit: git('rev-parse', 'HEAD'),
      currentDirty: dirty,
      events: produced,
      rounds,
      // Issue 19: ≥ 2 each.
      embeddedRatio: ratio('embeddedEventsPerSec'),
      kafkaRatio: ratio('kafkaEventsPerSec'),
      latencyAtHalfRateMs: latencies,
      baseline,
      current,
    };
  } finally {
    base.remove();
  }
}
