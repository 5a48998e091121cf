/**
 * The decision API under the seed's pressure test: the platform runs as its
 * own process (the built `dialwise start`, simulator off; run `npm run build`
 * first); this process plays the
 * voice bots, each driving POST /dialog/turn over HTTP with the customer
 * turns of simulated calls.
 *
 *   npx tsx bench/decide.ts [--calls 2000] [--seconds 60] [--think 5000] [--ingest 1000] [--burst-seconds 20] [--burst-concurrency 64] [--profile DIR] [--out decide]
 *
 * Paced mode: `calls` concurrent calls, each waiting about `think` ms (±50%)
 * between turns, as a person on the phone does (the default 5 s: the bot's
 * line, 2-3 s of speech, and the customer's answer); a finished call is
 * replaced by a new one. The first 5 s (2,000 connections opening, JIT warm-up)
 * are not measured. The paced load runs twice: first with ingest idle (the
 * pipeline takes only the calls' own events), then with other calls'
 * events posted to POST /events at `ingest` events/s beside it (issue 18's
 * isolation: client p99 with ingest running ≤ 1.5× with it idle). Burst mode: `burst-concurrency` requests always in flight,
 * no think time. Client-observed latency is measured here; server-side
 * latency is the Server-Timing the API reports (auth, body, decision).
 * Writes bench/results/<out>.json.
 */
import { writeFileSync } from 'node:fs';
import os from 'node:os';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { CallSimulator } from '../src/datasets/simulator.js';
import { startBareHttp } from './lib/bare-http.js';
import { anyHourDecisionConfig, startPlatformProcess } from './lib/platform-process.js';
import { Conn as RawConn, type Reply as RawReply } from './lib/raw-http.js';

const { values } = parseArgs({
  options: {
    calls: { type: 'string' },
    seconds: { type: 'string' },
    think: { type: 'string' },
    ingest: { type: 'string' },
    out: { type: 'string' },
    'burst-seconds': { type: 'string' },
    'burst-concurrency': { type: 'string' },
    /** Writes the platform process's CPU profile into DIR. */
    profile: { type: 'string' },
  },
});
const CALLS = Number(values.calls ?? 2000);
const SECONDS = Number(values.seconds ?? 60);
const THINK_MS = Number(values.think ?? 5000);
const INGEST_PER_S = Number(values.ingest ?? 1000);
const BURST_SECONDS = Number(values['burst-seconds'] ?? 20);
const BURST_CONCURRENCY = Number(values['burst-concurrency'] ?? 64);
const WARMUP_MS = 5_000;
const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');

// The platform as it runs in production: the compiled build (npm run build), not tsx.
const platform = await startPlatformProcess({
  name: 'decide',
  env: {
    DIALWISE_COMMIT_INTERVAL_MS: process.env.DIALWISE_COMMIT_INTERVAL_MS ?? '500',
    DIALWISE_DECISION_CONFIG: anyHourDecisionConfig(),
  },
  profile: values.profile,
});
const { port, adminKey } = platform;

/** A keep-alive connection with the admin key (bench/lib/raw-http.ts). */
class Conn extends RawConn {
  constructor() {
    super(port, adminKey);
  }
}

type Reply = Omit<RawReply, 'json'> & { json: { action?: string } | null };

const round3 = (x: number) => Math.round(x * 1000) / 1000;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Simulated calls: their customers (sent as CRM updates first) and customer utterances. */
const sim = new CallSimulator(11, 20_000);
const start = Date.now() - 86_400_000;
function* calls() {
  for (let i = 0; ; i++) {
    const events = sim.nextCall(new Date(start + i * 1000));
    const turns = events.filter((e) => e.type === 'dialog.turn' && e.speaker === 'customer');
    const first = events[0]!;
    if (turns.length === 0 || first.type !== 'call.started') continue;
    yield {
      call_id: first.call_id,
      customer_id: first.customer_id,
      campaign_id: first.campaign_id,
      product_line: first.product_line,
      turns: turns.map((t) =>
        t.type === 'dialog.turn' ? { text: t.text, prosody: t.prosody } : null,
      )!,
      crm: events.filter((e) => e.type === 'customer.updated'),
      // What the dialer reports around the bot's turns: the call placed and answered, then its end.
      opened: events.filter((e) => e.type === 'call.started' || e.type === 'call.answered'),
      ended: events.filter((e) => e.type === 'call.ended'),
    };
  }
}
const nextCall = calls();

const percentile = (xs: number[], q: number) => {
  if (xs.length === 0) return null;
  const s = [...xs].sort((a, b) => a - b);
  return Math.round(s[Math.min(s.length - 1, Math.floor(q * s.length))]! * 1000) / 1000;
};
const summary = (xs: number[]) => ({
  p50: percentile(xs, 0.5),
  p99: percentile(xs, 0.99),
  max: percentile(xs, 1),
});

interface Tally {
  /** Latencies count from here on: the first seconds open 2,000 connections and warm the JIT. */
  measureFrom: number;
  client: number[];
  server: number[];
  errors: number;
  decisions: number;
  firstErrors: string[];
}
const tally = (warmupMs = 0): Tally => ({
  measureFrom: performance.now() + warmupMs,
  client: [],
  server: [],
  errors: 0,
  decisions: 0,
  firstErrors: [],
});

async function turn(conn: Conn, t: Tally, c: ReturnType<typeof nextCall.next>['value'], i: number) {
  const turnInput = c!.turns[i]!;
  const t0 = performance.now();
  try {
    const r = (await conn.post('/dialog/turn', {
      call_id: c!.call_id,
      customer_id: c!.customer_id,
      campaign_id: c!.campaign_id,
      product_line: c!.product_line,
      text: turnInput.text,
      asr_confidence: 0.9,
      ...(turnInput.prosody && { prosody: turnInput.prosody }),
    })) as Reply;
    const measured = t0 >= t.measureFrom;
    if (measured) t.client.push(performance.now() - t0);
    if (r.status !== 200) {
      t.errors++;
      if (t.firstErrors.length < 5) t.firstErrors.push(`${r.status} ${JSON.stringify(r.json)}`);
      return 'end';
    }
    if (measured) t.server.push(r.serverMs);
    t.decisions++;
    return r.json?.action ?? 'end';
  } catch (err) {
    t.errors++;
    if (t.firstErrors.length < 5) t.firstErrors.push(String(err));
    return 'end';
  }
}

/**
 * The dialer's call events (placed, answered, ended), batched onto one
 * connection every 100 ms as a dialer integration would send them: on the
 * embedded bus POST /events answers after its commit, which a bot's turn
 * must not wait for.
 */
let reported: unknown[] = [];
const report = (events: unknown[]) => void reported.push(...events);
async function reporter(until: () => boolean) {
  const conn = new Conn();
  while (!until() || reported.length) {
    const batch = reported;
    reported = [];
    if (batch.length) await conn.post('/events', batch);
    else await sleep(100);
  }
  conn.close();
}

/** One bot's line: calls one after another, a human pause between turns. */
async function bot(t: Tally, until: number) {
  const conn = new Conn();
  await sleep(Math.random() * THINK_MS); // calls do not all start at once
  while (performance.now() < until) {
    const c = nextCall.next().value!;
    report(c.opened);
    for (let i = 0; i < c.turns.length && performance.now() < until; i++) {
      const action = await turn(conn, t, c, i);
      if (action !== 'say') break;
      await sleep(THINK_MS * (0.5 + Math.random()));
    }
    report(c.ended);
  }
  conn.close();
}

async function burstWorker(t: Tally, until: number, conn: RawConn = new Conn()) {
  while (performance.now() < until) {
    const c = nextCall.next().value;
    for (let i = 0; i < c!.turns.length && performance.now() < until; i++)
      if ((await turn(conn, t, c, i)) !== 'say') break;
  }
  conn.close();
}

/**
 * Other calls' events (their own customers) at `perSec`: a batch every 100 ms,
 * over 8 connections, since POST /events answers only after its commit.
 */
const others = new CallSimulator(23, 50_000);
let otherCalls = 0;
async function feeder(perSec: number, until: () => boolean): Promise<number> {
  const conns = Array.from({ length: 8 }, () => new Conn());
  const idle = [...conns];
  const posts = new Set<Promise<void>>();
  let sent = 0;
  const pending: unknown[] = [];
  for (let tick = performance.now(); !until(); tick += 100) {
    while (pending.length < perSec / 10)
      pending.push(...others.nextCall(new Date(start + (otherCalls++ % 86_400) * 1000)));
    const conn = idle.pop();
    if (conn) {
      const batch = pending.splice(0, perSec / 10);
      const post = conn.post('/events', batch).then((r) => {
        if (r.status < 300) sent += batch.length;
        idle.push(conn);
        posts.delete(post);
      });
      posts.add(post);
    }
    await sleep(Math.max(0, tick + 100 - performance.now()));
  }
  await Promise.all(posts);
  for (const c of conns) c.close();
  return sent;
}
/** `CALLS` bots for `SECONDS`, with other calls' events at `ingestPerSec` beside them. */
async function pacedPhase(ingestPerSec: number) {
  const paced = tally(WARMUP_MS);
  const clientLoop = monitorEventLoopDelay({ resolution: 1 });
  clientLoop.enable();
  const t0 = performance.now();
  let pacing = true;
  const reporting = reporter(() => !pacing);
  const feeding = ingestPerSec > 0 ? feeder(ingestPerSec, () => !pacing) : Promise.resolve(0);
  await Promise.all(Array.from({ length: CALLS }, () => bot(paced, t0 + SECONDS * 1000)));
  pacing = false;
  const [, fed] = await Promise.all([reporting, feeding]);
  clientLoop.disable();
  const seconds = (performance.now() - t0) / 1000;
  return {
    concurrentCalls: CALLS,
    thinkMs: THINK_MS,
    ingestEventsPerSec: Math.round(fed / seconds),
    seconds: Math.round(seconds),
    decisions: paced.decisions,
    decisionsPerSec: Math.round(paced.decisions / seconds),
    errors: paced.errors,
    clientMs: summary(paced.client),
    serverMs: summary(paced.server),
    server: { ...serverRss(), ...(await serverMetrics()) },
    // The load generator's own event-loop delay: part of what the client-observed figures hold.
    clientEventLoopDelayMs: {
      p99: Math.round(clientLoop.percentile(99) / 1e4) / 100,
      max: Math.round(clientLoop.max / 1e4) / 100,
    },
    firstErrors: paced.firstErrors,
  };
}

const serverMetrics = () => platform.metrics();
const serverCpuSeconds = () => platform.cpuSeconds();
const serverRss = () => platform.rss();

try {
  // The customers' CRM records first, so decisions see industries and tiers.
  const crm = [];
  for (let i = 0; i < 3000; i++) crm.push(...nextCall.next().value!.crm);
  const loader = new Conn();
  for (let i = 0; i < crm.length; i += 2000) await loader.post('/events', crm.slice(i, i + 2000));
  loader.close();

  const idle = await pacedPhase(0);
  const ingesting = await pacedPhase(INGEST_PER_S);

  const burst = tally();
  const cpu0 = { server: serverCpuSeconds(), client: process.cpuUsage() };
  let t0 = performance.now();
  await Promise.all(
    Array.from({ length: BURST_CONCURRENCY }, () => burstWorker(burst, t0 + BURST_SECONDS * 1000)),
  );
  const burstSeconds = (performance.now() - t0) / 1000;
  const clientCpu = process.cpuUsage(cpu0.client);
  // CPU per decision on each side: with both on one machine, cores ÷ their sum bounds the rate.
  const cpuMsPerDecision = {
    server: round3(((serverCpuSeconds() - cpu0.server) * 1000) / burst.decisions),
    loadGenerator: round3((clientCpu.user + clientCpu.system) / 1000 / burst.decisions),
  };

  // The same burst against bare node:http answering a reply of a decision's size.
  const bare = await startBareHttp(700);
  const floor = tally();
  const bareCpu0 = bare.cpuSeconds();
  t0 = performance.now();
  await Promise.all(
    Array.from({ length: BURST_CONCURRENCY }, () =>
      burstWorker(floor, t0 + BURST_SECONDS * 1000, new RawConn(bare.port, null)),
    ),
  );
  const bareCpuMs = round3(((bare.cpuSeconds() - bareCpu0) * 1000) / floor.decisions);
  bare.stop();

  const result = {
    paced: idle,
    pacedWithIngest: ingesting,
    // Issue 18's isolation target: at most 1.5.
    isolation: {
      ingestEventsPerSec: ingesting.ingestEventsPerSec,
      clientP99Ratio:
        idle.clientMs.p99 && ingesting.clientMs.p99
          ? round3(ingesting.clientMs.p99 / idle.clientMs.p99)
          : null,
      serverP99Ratio:
        idle.serverMs.p99 && ingesting.serverMs.p99
          ? round3(ingesting.serverMs.p99 / idle.serverMs.p99)
          : null,
    },
    burst: {
      concurrency: BURST_CONCURRENCY,
      seconds: Math.round(burstSeconds),
      decisions: burst.decisions,
      decisionsPerSec: Math.round(burst.decisions / burstSeconds),
      errors: burst.errors,
      clientMs: summary(burst.client),
      serverMs: summary(burst.server),
      server: serverRss(),
      cpuMsPerDecision,
      firstErrors: burst.firstErrors,
    },
    // Issue 18's cost target: the server's CPU per decision at most 5× this floor's per request.
    bareHttp: {
      requests: floor.decisions,
      cpuMsPerRequest: bareCpuMs,
      costRatio: round3(cpuMsPerDecision.server / bareCpuMs),
    },
    node: process.version,
    cores: os.cpus().length,
    loadAverage1m: Math.round(os.loadavg()[0]! * 100) / 100,
    at: new Date().toISOString(),
  };
  writeFileSync(
    join(ROOT, 'bench', 'results', `${values.out ?? 'decide'}.json`),
    JSON.stringify(result, null, 2) + '\n',
  );
  console.log(JSON.stringify(result, null, 2));
} finally {
  await platform.stop();
}
