/**
 * `bench/ingest.ts flink`: Dialwise's Kafka worker against the Apache Flink
 * peer (bench/peers/flink, the same job in Flink) on the same broker, the
 * same events and the same machine, one after the other, each in a process
 * of its own:
 *
 * - throughput: EVENTS simulated events produced first, then read from the
 *   start by each side until all are in its DuckDB file (events/s, CPU µs
 *   per event, peak RSS);
 * - latency: each side reading a fresh topic while the producer sends at
 *   RATE events/s for SECONDS (event-to-state p50/p99 from each record's
 *   Kafka timestamp).
 *
 * Both sides run the keyword NLU (the term table the peer reads is exported
 * from Dialwise's own code by bench/peers/export-terms.ts); the backlog
 * holds 1% broken events and 1% repeats, dead-lettered and dropped on both.
 */
import { execFileSync, fork, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KafkaBus } from '../../src/core/bus/kafka.js';
import { loadConfig } from '../../src/core/config.js';
import { topicsOf } from '../../src/pipelines/index.js';

const BENCH = join(import.meta.dirname, '..');
const REPO = join(BENCH, '..');
/** Long enough for the JVM and the Flink job to start and wait on an empty topic. */
const START_MS = 20_000;
const PARTITIONS = loadConfig({ env: {} }).kafkaPartitions;
const PEER = join(BENCH, 'peers', 'flink');

/** What each side prints when it has taken every event. */
interface SideResult {
  events: number;
  seconds: number;
  eventsPerSec: number;
  deadLetters: number;
  duplicates: number;
  latencyMs: { p50: number; p99: number };
  /** Process CPU (every thread) from the first event to the last commit. */
  cpuSeconds: number;
}

/** Peak RSS of a process, read from /proc every 100 ms (the same way for the JVM and Node). */
function watchRss(pid: number): () => number {
  let peak = 0;
  const timer = setInterval(() => {
    try {
      const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
      if (m) peak = Math.max(peak, Number(m[1]) * 1024);
    } catch {
      // exited
    }
  }, 100);
  return () => {
    clearInterval(timer);
    return Math.round(peak / 2 ** 20);
  };
}

/** Runs one side to its JSON line on stdout. */
export function runSide(
  child: ChildProcess,
  name: string,
): Promise<SideResult & { peakRssMiB: number }> {
  const peak = watchRss(child.pid!);
  let out = '';
  let err = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (err += d));
  return new Promise((resolve, reject) =>
    child.on('exit', (code) => {
      const peakRssMiB = peak();
      const line = out
        .trim()
        .split('\n')
        .filter((l) => l.startsWith('{'))
        .at(-1);
      if (code !== 0 || !line)
        return reject(
          new Error(`${name} exited ${code}:\n${out.slice(-2000)}\n${err.slice(-4000)}`),
        );
      resolve({ ...(JSON.parse(line) as SideResult), peakRssMiB });
    }),
  );
}

/** Dialwise's side; `root` is the checkout whose code runs it (this one unless a baseline's). */
export const dialwise = (brokers: string, prefix: string, expect: number, root = REPO) =>
  runSide(
    fork(join(root, 'bench', 'lib', 'ingest-peer-dialwise.ts'), [], {
      execArgv: ['--import', 'tsx'],
      env: {
        ...process.env,
        KAFKA_BROKERS: brokers,
        PREFIX: prefix,
        EXPECT: String(expect),
        // The equal job: the keyword NLU, as the peer's term table.
        DIALWISE_DEFAULT_MODELS: 'keyword',
      },
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    }),
    'dialwise',
  );

/** The peer's jar, built with Maven when missing. */
function peerJar(): string {
  const jar = join(PEER, 'target', 'dialwise-flink-peer.jar');
  if (!existsSync(jar))
    execFileSync('mvn', ['-B', '-q', '-f', join(PEER, 'pom.xml'), 'package'], { stdio: 'inherit' });
  return jar;
}

/**
 * The JVM's options for the peer, the fastest of those tried on 1M events
 * (bench/peers/flink/README.md): the parallel (throughput) collector with a
 * fixed 2 GiB heap. FLINK_JAVA_OPTS replaces them.
 */
const javaOpts = () =>
  (process.env.FLINK_JAVA_OPTS ?? '-XX:+UseParallelGC -Xms2g -Xmx2g').split(/\s+/).filter(Boolean);

const flink = (jar: string, terms: string, brokers: string, prefix: string, expect: number) => {
  const dir = mkdtempSync(join(tmpdir(), 'flink-peer-'));
  return runSide(
    spawn(
      'java',
      [
        ...javaOpts(),
        '-jar',
        jar,
        ...['--brokers', brokers, '--prefix', prefix, '--group', `${prefix}-flink-${Date.now()}`],
        ...['--duckdb', join(dir, 'peer.duckdb'), '--terms', terms, '--expect', String(expect)],
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    ),
    'flink',
  ).finally(() => rmSync(dir, { recursive: true, force: true }));
};

/** A backlog of exactly `events` (bench/peers/produce-events.ts: 1% broken, 1% repeats). */
export function backlog(brokers: string, prefix: string, events: number): number {
  const out = execFileSync(process.execPath, [
    ...['--import', 'tsx', join(BENCH, 'peers', 'produce-events.ts')],
    ...['--brokers', brokers, '--prefix', prefix, '--events', String(events)],
    ...['--invalid', '0.01', '--duplicates', '0.01'],
  ]);
  return (JSON.parse(out.toString().trim().split('\n').at(-1)!) as { events: number }).events;
}

/** Exactly `events` at `rate` events/s, from a process of its own (bench/kafka-producer.ts). */
export function paced(
  brokers: string,
  prefix: string,
  events: number,
  rate: number,
): Promise<number> {
  const child = fork(join(BENCH, 'kafka-producer.ts'), [], {
    execArgv: ['--import', 'tsx'],
    env: {
      ...process.env,
      ...{ KAFKA_BROKERS: brokers, PREFIX: prefix, RATE: String(rate) },
      ...{ EVENTS: String(events), SECONDS: '0' },
    },
  });
  return new Promise((resolve) =>
    child.on('message', (m: { produced: number }) => resolve(m.produced)),
  );
}

export const perEvent = (r: SideResult) => Math.round(((r.cpuSeconds * 1e6) / r.events) * 10) / 10;

export async function versusFlink(events: number, rate: number, seconds: number) {
  const brokers = process.env.KAFKA_BROKERS;
  if (!brokers) throw new Error('set KAFKA_BROKERS');
  const jar = peerJar();
  const terms = join(mkdtempSync(join(tmpdir(), 'terms-')), 'terms.json');
  execFileSync(process.execPath, [
    '--import',
    'tsx',
    join(BENCH, 'peers', 'export-terms.ts'),
    terms,
  ]);
  const run = `peer-${Date.now()}`;
  // Four partitions each, as the platform makes them (a producer's auto-created topic has one).
  const bus = new KafkaBus({
    brokers: brokers.split(','),
    clientId: 'bench',
    partitions: PARTITIONS,
  });
  for (const p of ['t', 'ld', 'lf']) await bus.ensureTopics(topicsOf(`${run}-${p}`));
  await bus.close();

  // Throughput: one backlog, read whole by each side in turn.
  const produced = backlog(brokers, `${run}-t`, events);
  const d = await dialwise(brokers, `${run}-t`, produced);
  const f = await flink(jar, terms, brokers, `${run}-t`, produced);

  // Latency: each side reading while the producer sends at `rate`.
  const count = rate * seconds;
  const latency = async (prefix: string, side: (p: string, n: number) => Promise<SideResult>) => {
    const taking = side(prefix, count);
    // Each side started and idle before the first event: its start-up is not a latency.
    await new Promise((r) => setTimeout(r, START_MS));
    await paced(brokers, prefix, count, rate);
    return (await taking).latencyMs;
  };
  const dl = await latency(`${run}-ld`, (p, n) => dialwise(brokers, p, n));
  const fl = await latency(`${run}-lf`, (p, n) => flink(jar, terms, brokers, p, n));

  const side = (r: SideResult & { peakRssMiB: number }, l: SideResult['latencyMs']) => ({
    eventsPerSec: r.eventsPerSec,
    cpuUsPerEvent: perEvent(r),
    peakRssMiB: r.peakRssMiB,
    latencyAtRateMs: l,
    ...{
      seconds: r.seconds,
      events: r.events,
      deadLetters: r.deadLetters,
      duplicates: r.duplicates,
    },
  });
  return {
    events: produced,
    latencyRate: rate,
    flinkJavaOptions: javaOpts().join(' '),
    dialwise: side(d, dl),
    flink: side(f, fl),
    // Dialwise's events/s ÷ Flink's (issue 19: ≥ 1.0).
    ratio: Math.round((d.eventsPerSec / f.eventsPerSec) * 100) / 100,
  };
}
