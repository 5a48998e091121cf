/**
 * The decision API under the seed's pressure test: the platform runs as its
 * own process (the built `dialwise start`, simulator off; run `npm run build`
 * first); this process plays the
 * voice bots, each driving POST /dialog/turn over HTTP with the customer
 * turns of simulated calls.
 *
 *   npx tsx bench/decide.ts [--calls 2000] [--seconds 60] [--think 5000] [--burst-seconds 20] [--burst-concurrency 64] [--profile DIR]
 *
 * Paced mode: `calls` concurrent calls, each waiting about `think` ms (±50%)
 * between turns, as a person on the phone does (the default 5 s: the bot's
 * line, 2-3 s of speech, and the customer's answer); a finished call is
 * replaced by a new one. The first 5 s (2,000 connections opening, JIT warm-up)
 * are not measured. Burst mode: `burst-concurrency` requests always in flight,
 * no think time. Client-observed latency is measured here; server-side
 * latency is the Server-Timing the API reports (auth, body, decision).
 * Writes bench/results/decide.json.
 */
import { fork } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { connect, createServer, type Socket } from 'node:net';
import os, { tmpdir } from 'node:os';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { CallSimulator } from '../src/datasets/simulator.js';

const { values } = parseArgs({
  options: {
    calls: { type: 'string' },
    seconds: { type: 'string' },
    think: { type: 'string' },
    'burst-seconds': { type: 'string' },
    'burst-concurrency': { type: 'string' },
    /** Writes the platform process's CPU profile into DIR. */
    profile: { type: 'string' },
  },
});
const CALLS = Number(values.calls ?? 2000);
const SECONDS = Number(values.seconds ?? 60);
const THINK_MS = Number(values.think ?? 5000);
const BURST_SECONDS = Number(values['burst-seconds'] ?? 20);
const BURST_CONCURRENCY = Number(values['burst-concurrency'] ?? 64);
const WARMUP_MS = 5_000;
const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');

const freePort = () =>
  new Promise<number>((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });

const port = await freePort();
const adminKey = randomBytes(24).toString('base64url');
// The platform as it runs in production: the compiled build (npm run build), not tsx.
const main = join(ROOT, 'dist', 'cli', 'main.js');
if (!existsSync(main)) throw new Error(`${main} is missing: run npm run build first`);
const server = fork(main, ['start'], {
  execArgv: values.profile ? ['--cpu-prof', `--cpu-prof-dir=${values.profile}`] : [],
  env: {
    ...process.env,
    DIALWISE_PORT: String(port),
    DIALWISE_DATA_DIR: mkdtempSync(join(tmpdir(), 'dialwise-decide-')),
    DIALWISE_SIM_RATE: '0',
    DIALWISE_ADMIN_KEY: adminKey,
    DIALWISE_LOG_LEVEL: 'error',
    KAFKA_BROKERS: '',
    DIALWISE_COMMIT_INTERVAL_MS: process.env.DIALWISE_COMMIT_INTERVAL_MS ?? '500',
  },
  stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
});
/**
 * A keep-alive HTTP/1.1 connection over a raw socket, one request at a time:
 * the load generator shares 2 cores with the platform, so it writes
 * requests as bytes and reads only the status, Server-Timing and body.
 */
class Conn {
  private socket: Socket;
  private buf: Buffer = Buffer.alloc(0);
  private waiting: ((r: Reply) => void) | undefined;
  private failed: ((err: Error) => void) | undefined;

  constructor() {
    this.socket = this.open();
  }

  /** A connection the server closed while idle is opened again for the next request. */
  private open(): Socket {
    const socket = connect(port, '127.0.0.1');
    socket.setNoDelay(true);
    socket.on('data', (d: Buffer) => {
      this.buf = this.buf.length ? Buffer.concat([this.buf, d]) : d;
      this.parse();
    });
    socket.on('error', (err) => this.failed?.(err));
    socket.on('close', () => this.failed?.(new Error('connection closed')));
    return socket;
  }

  post(path: string, body: unknown): Promise<Reply> {
    if (this.socket.destroyed) {
      this.buf = Buffer.alloc(0);
      this.socket = this.open();
    }
    const data = Buffer.from(JSON.stringify(body));
    const head =
      `POST ${path} HTTP/1.1\r\nhost: 127.0.0.1\r\nauthorization: Bearer ${adminKey}\r\n` +
      `content-type: application/json\r\ncontent-length: ${data.length}\r\n\r\n`;
    return new Promise((resolve, reject) => {
      this.waiting = resolve;
      this.failed = (err) => {
        this.failed = undefined;
        reject(err);
      };
      this.socket.write(Buffer.concat([Buffer.from(head), data]));
    });
  }

  close(): void {
    this.socket.destroy();
  }

  private parse(): void {
    const end = this.buf.indexOf('\r\n\r\n');
    if (end < 0) return;
    const head = this.buf.subarray(0, end).toString('latin1');
    let body: Buffer;
    let rest: Buffer;
    if (/transfer-encoding: *chunked/i.test(head)) {
      // Chunked: size line, data, CRLF … until the zero-size chunk.
      const parts: Buffer[] = [];
      let at = end + 4;
      for (;;) {
        const line = this.buf.indexOf('\r\n', at);
        if (line < 0) return;
        const size = parseInt(this.buf.subarray(at, line).toString('latin1'), 16);
        if (this.buf.length < line + 2 + size + 2) return;
        if (size === 0) {
          rest = this.buf.subarray(line + 4);
          break;
        }
        parts.push(this.buf.subarray(line + 2, line + 2 + size));
        at = line + 2 + size + 2;
      }
      body = Buffer.concat(parts);
    } else {
      const length = Number(/content-length: *(\d+)/i.exec(head)?.[1] ?? 0);
      if (this.buf.length < end + 4 + length) return;
      body = this.buf.subarray(end + 4, end + 4 + length);
      rest = this.buf.subarray(end + 4 + length);
    }
    this.buf = rest;
    const text = body.toString('utf8');
    const timing = /server-timing: *decide;dur=([\d.]+)/i.exec(head);
    const done = this.waiting!;
    this.waiting = undefined;
    this.failed = undefined;
    done({
      status: Number(head.slice(9, 12)),
      json: text ? (JSON.parse(text) as Reply['json']) : null,
      serverMs: timing ? Number(timing[1]) : NaN,
    });
  }
}

interface Reply {
  status: number;
  json: { action?: string } | null;
  serverMs: number;
}

async function waitHealthy(): Promise<void> {
  for (let i = 0; i < 600; i++) {
    const ok = await new Promise<boolean>((resolve) => {
      http
        .get({ host: '127.0.0.1', port, path: '/health' }, (res) => {
          res.resume();
          resolve(res.statusCode === 200);
        })
        .on('error', () => resolve(false));
    });
    if (ok) return;
    await sleep(100);
  }
  throw new Error('platform did not start');
}

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
    const r = await conn.post('/dialog/turn', {
      call_id: c!.call_id,
      customer_id: c!.customer_id,
      campaign_id: c!.campaign_id,
      product_line: c!.product_line,
      text: turnInput.text,
      asr_confidence: 0.9,
      ...(turnInput.prosody && { prosody: turnInput.prosody }),
    });
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

async function burstWorker(t: Tally, until: number) {
  const conn = new Conn();
  while (performance.now() < until) {
    const c = nextCall.next().value;
    for (let i = 0; i < c!.turns.length && performance.now() < until; i++)
      if ((await turn(conn, t, c, i)) !== 'say') break;
  }
  conn.close();
}

/** The platform's own view: event-loop delay and DuckDB commit times (Prometheus). */
async function serverMetrics() {
  const text = await new Promise<string>((resolve, reject) => {
    http
      .get(
        {
          host: '127.0.0.1',
          port,
          path: '/metrics',
          headers: { authorization: `Bearer ${adminKey}` },
        },
        (res) => {
          let body = '';
          res.on('data', (c: Buffer) => (body += c.toString()));
          res.on('end', () => resolve(body));
        },
      )
      .on('error', reject);
  });
  const metric = (name: string) =>
    Number(new RegExp(`^${name} ([\\d.e+-]+)$`, 'm').exec(text)?.[1] ?? NaN);
  const ms = (v: number) => Math.round(v * 1e5) / 100;
  return {
    eventLoopDelayMs: {
      p99: ms(metric('dialwise_process_nodejs_eventloop_lag_p99_seconds')),
      max: ms(metric('dialwise_process_nodejs_eventloop_lag_max_seconds')),
    },
    commits: metric('dialwise_commit_seconds_count'),
    meanCommitMs: ms(
      metric('dialwise_commit_seconds_sum') / metric('dialwise_commit_seconds_count'),
    ),
  };
}

/** CPU seconds the platform process has used (all its threads: JavaScript, DuckDB, GC). */
function serverCpuSeconds(): number {
  const fields = readFileSync(`/proc/${server.pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  // utime and stime are fields 14 and 15 of /proc/PID/stat, in clock ticks (100 per second here).
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

function serverRss(): { rssMiB: number; peakRssMiB: number } {
  const status = readFileSync(`/proc/${server.pid}/status`, 'utf8');
  const kb = (key: string) => Number(new RegExp(`${key}:\\s+(\\d+)`).exec(status)?.[1] ?? 0);
  return { rssMiB: Math.round(kb('VmRSS') / 1024), peakRssMiB: Math.round(kb('VmHWM') / 1024) };
}

try {
  await waitHealthy();
  // The customers' CRM records first, so decisions see industries and tiers.
  const crm = [];
  for (let i = 0; i < 3000; i++) crm.push(...nextCall.next().value!.crm);
  const loader = new Conn();
  for (let i = 0; i < crm.length; i += 2000) await loader.post('/events', crm.slice(i, i + 2000));
  loader.close();

  const paced = tally(WARMUP_MS);
  const clientLoop = monitorEventLoopDelay({ resolution: 1 });
  clientLoop.enable();
  let t0 = performance.now();
  let pacing = true;
  const reporting = reporter(() => !pacing);
  await Promise.all(Array.from({ length: CALLS }, () => bot(paced, t0 + SECONDS * 1000)));
  pacing = false;
  await reporting;
  clientLoop.disable();
  const pacedSeconds = (performance.now() - t0) / 1000;
  const afterPaced = { ...serverRss(), ...(await serverMetrics()) };

  const burst = tally();
  const cpu0 = { server: serverCpuSeconds(), client: process.cpuUsage() };
  t0 = performance.now();
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

  const result = {
    paced: {
      concurrentCalls: CALLS,
      thinkMs: THINK_MS,
      seconds: Math.round(pacedSeconds),
      decisions: paced.decisions,
      decisionsPerSec: Math.round(paced.decisions / pacedSeconds),
      errors: paced.errors,
      clientMs: summary(paced.client),
      serverMs: summary(paced.server),
      server: afterPaced,
      // The load generator's own event-loop delay: part of what the client-observed figures hold.
      clientEventLoopDelayMs: {
        p99: Math.round(clientLoop.percentile(99) / 1e4) / 100,
        max: Math.round(clientLoop.max / 1e4) / 100,
      },
      firstErrors: paced.firstErrors,
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
    node: process.version,
    cores: os.cpus().length,
    loadAverage1m: Math.round(os.loadavg()[0]! * 100) / 100,
    at: new Date().toISOString(),
  };
  writeFileSync(
    join(ROOT, 'bench', 'results', 'decide.json'),
    JSON.stringify(result, null, 2) + '\n',
  );
  console.log(JSON.stringify(result, null, 2));
} finally {
  const exited = new Promise((r) => server.once('exit', r));
  server.kill('SIGTERM');
  await exited;
}
