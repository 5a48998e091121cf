/**
 * An open-loop load generator over keep-alive connections: request i is
 * due at start + i / rate whatever the answers before it did (a slow
 * answer does not slow the offered rate), for a bounded number of requests
 * (rate × (warm-up + seconds)). Each request goes out on an idle
 * connection of a pool that grows up to `maxConnections`; a request due
 * when all of them are busy is counted as skipped, not queued.
 *
 * Timers fire about once a millisecond, so the requests due in between go
 * out together, each on its own connection: `lagMs` is how late each left
 * against its due time. `clientMs` runs from the write to the parsed
 * answer; `fromDueMs` from the due time (lag included, the figure free of
 * coordinated omission).
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { Conn, type Reply } from './raw-http.js';

export interface Percentiles {
  n: number;
  p50: number | null;
  p90: number | null;
  p95: number | null;
  p99: number | null;
  'p99.9': number | null;
  max: number | null;
}

const round3 = (x: number) => Math.round(x * 1000) / 1000;

export function percentiles(xs: ArrayLike<number>): Percentiles {
  const s = Float64Array.from(xs).sort();
  const at = (q: number) =>
    s.length === 0 ? null : round3(s[Math.min(s.length - 1, Math.floor(q * s.length))]!);
  return {
    n: s.length,
    p50: at(0.5),
    p90: at(0.9),
    p95: at(0.95),
    p99: at(0.99),
    'p99.9': at(0.999),
    max: at(1),
  };
}

export interface OpenLoopOptions {
  port: number;
  /** Requests per second offered. */
  rate: number;
  /** Seconds sent but not measured first (connections, JIT), then `seconds` measured. */
  warmupSeconds: number;
  seconds: number;
  /** Connections opened before the start; the pool grows up to maxConnections. */
  connections: number;
  maxConnections: number;
  /** The bytes of request i (requestBytes). */
  request: (i: number) => Buffer;
  /** The status every answer should have; another counts as an error. */
  expectStatus: number;
  /** Each measured answer with the expected status. */
  onReply?: (reply: Reply) => void;
}

export interface OpenLoopResult {
  offeredPerSec: number;
  measuredSeconds: number;
  /** Requests due in the measured window, and how many were answered per second. */
  sent: number;
  answeredPerSec: number;
  errors: number;
  firstErrors: string[];
  skippedAllBusy: number;
  connectionsUsed: number;
  clientMs: Percentiles;
  fromDueMs: Percentiles;
  lagMs: Percentiles;
  serverMs: Percentiles;
  /** The generator's own event-loop delay during the measured window. */
  generatorEventLoopDelayMs: { p99: number; max: number };
}

export async function openLoop(o: OpenLoopOptions): Promise<OpenLoopResult> {
  const total = Math.round(o.rate * (o.warmupSeconds + o.seconds));
  const firstMeasured = Math.round(o.rate * o.warmupSeconds);
  const n = total - firstMeasured;
  const client = new Float64Array(n);
  const fromDue = new Float64Array(n);
  const lag = new Float64Array(n);
  const server = new Float64Array(n);
  const done = new Uint8Array(n);
  let answered = 0;
  let errors = 0;
  let skipped = 0;
  const firstErrors: string[] = [];
  const idle: Conn[] = [];
  let opened = 0;
  for (; opened < o.connections; opened++) idle.push(new Conn(o.port, null));
  const loop = monitorEventLoopDelay({ resolution: 1 });

  const fail = (what: string) => {
    errors++;
    if (firstErrors.length < 5) firstErrors.push(what);
  };
  const send = (i: number, due: number) => {
    let conn = idle.pop();
    if (!conn && opened < o.maxConnections) {
      opened++;
      conn = new Conn(o.port, null);
    }
    if (!conn) return void (i >= firstMeasured && skipped++);
    const c = conn;
    const sentAt = performance.now();
    c.send(o.request(i)).then(
      (r) => {
        const now = performance.now();
        idle.push(c);
        if (i < firstMeasured) return;
        const k = i - firstMeasured;
        client[k] = now - sentAt;
        fromDue[k] = now - due;
        lag[k] = sentAt - due;
        server[k] = r.serverMs;
        done[k] = 1;
        answered++;
        if (r.status !== o.expectStatus) fail(`${r.status} ${JSON.stringify(r.json)}`);
        else o.onReply?.(r);
      },
      (err: unknown) => {
        // The connection is gone; a fresh one opens on its next request.
        idle.push(c);
        if (i >= firstMeasured) fail(String(err));
      },
    );
  };

  const start = performance.now() + 10;
  const interval = 1000 / o.rate;
  let next = 0;
  let measuredFrom = NaN;
  await new Promise<void>((resolve) => {
    const tick = () => {
      const now = performance.now();
      for (; next < total && start + next * interval <= now; next++) {
        if (next === firstMeasured) {
          measuredFrom = now;
          loop.enable();
        }
        send(next, start + next * interval);
      }
      if (next < total) setTimeout(tick, 1);
      else resolve();
    };
    setTimeout(tick, 10);
  });
  const measuredSeconds = (performance.now() - measuredFrom) / 1000;
  // The last answers: at most a second more.
  for (let w = 0; w < 100 && idle.length < opened; w++) await new Promise((r) => setTimeout(r, 10));
  loop.disable();
  for (const c of idle) c.close();
  const got = (xs: Float64Array) => xs.filter((_, k) => done[k] === 1);
  return {
    offeredPerSec: o.rate,
    measuredSeconds: Math.round(measuredSeconds * 10) / 10,
    sent: n - skipped,
    answeredPerSec: Math.round(answered / measuredSeconds),
    errors,
    firstErrors,
    skippedAllBusy: skipped,
    connectionsUsed: opened,
    clientMs: percentiles(got(client)),
    fromDueMs: percentiles(got(fromDue)),
    lagMs: percentiles(got(lag)),
    serverMs: percentiles(got(server).filter((x) => !Number.isNaN(x))),
    generatorEventLoopDelayMs: {
      p99: Math.round(loop.percentile(99) / 1e4) / 100,
      max: Math.round(loop.max / 1e4) / 100,
    },
  };
}
