// /health while the platform is under attack: `npm run build`, then
// `npx tsx bench/attacks.ts [seconds-per-attack]` (default 10). The platform
// runs as its own process (the build, embedded defaults); this process plays
// the attacker and, beside it, a probe that asks GET /health every 25 ms.
// Each attack is one that stopped or slowed the platform before the
// hardening (issue 13); the figure is /health's p50, p99 and max and how many
// probes got no answer within 2 s, next to the same probe on a quiet platform.
import { fork } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';

const SECONDS = Number(process.argv[2] ?? 10);
const main = join(import.meta.dirname, '..', 'dist', 'cli', 'main.js');
if (!existsSync(main)) throw new Error(`${main} is missing: run npm run build first`);

const port = await new Promise<number>((resolve) => {
  const s = createServer().listen(0, '127.0.0.1', () => {
    const p = (s.address() as { port: number }).port;
    s.close(() => resolve(p));
  });
});
const adminKey = `dw_${randomBytes(24).toString('base64url')}`;
const server = fork(main, ['start'], {
  env: {
    ...process.env,
    DIALWISE_PORT: String(port),
    DIALWISE_DATA_DIR: mkdtempSync(join(tmpdir(), 'dialwise-attacks-')),
    DIALWISE_SIM_RATE: '2',
    DIALWISE_ADMIN_KEY: adminKey,
    DIALWISE_LOG_LEVEL: 'error',
    KAFKA_BROKERS: '',
  },
  stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
});
const url = `http://127.0.0.1:${port}`;
for (let i = 0; ; i++) {
  if (
    await fetch(`${url}/health`).then(
      (r) => r.ok,
      () => false,
    )
  )
    break;
  if (i > 600) throw new Error('the platform did not start');
  await new Promise((r) => setTimeout(r, 100));
}
const key = async (name: string, role: string) => {
  const r = await fetch(`${url}/admin/keys`, {
    method: 'POST',
    headers: { authorization: `Bearer ${adminKey}`, 'content-type': 'application/json' },
    body: JSON.stringify({ name, role }),
  });
  return ((await r.json()) as { key: string }).key;
};
const dialer = await key('attacker-dialer', 'dialer');
const analyst = await key('attacker-analyst', 'analyst');

const post = (path: string, k: string, body: BodyInit, signal?: AbortSignal) =>
  fetch(`${url}${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${k}`, 'content-type': 'application/json' },
    body,
    signal,
    ...(body instanceof ReadableStream ? { duplex: 'half' } : {}),
  } as RequestInit)
    .then((r) => r.arrayBuffer())
    .catch(() => undefined);

/** Runs `one` over and over on `concurrency` lanes until the signal. */
const loop =
  (concurrency: number, one: (signal: AbortSignal) => Promise<unknown>) =>
  async (signal: AbortSignal) => {
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (!signal.aborted) await one(signal);
      }),
    );
  };

let fragments = 'fragment F0 on Query { totals { calls } }\n';
for (let i = 1; i <= 22; i++)
  fragments += `fragment F${i} on Query { ...F${i - 1} ...F${i - 1} }\n`;
const introspection = `{ ${Array.from({ length: 2000 }, (_, i) => `a${i}: __schema { types { name fields { name } } }`).join(' ')} }`;
const turn = (patch: Record<string, unknown>) =>
  JSON.stringify([
    {
      event_id: randomUUID(),
      type: 'dialog.turn',
      ts: new Date().toISOString(),
      schema_version: 1,
      customer_id: 'c1',
      call_id: 'k1',
      turn: 1,
      speaker: 'customer',
      text: '你好',
      asr_confidence: 0.9,
      ...patch,
    },
  ]);

const ATTACKS: Record<string, (signal: AbortSignal) => Promise<void>> = {
  quiet: async (signal) => {
    await new Promise((r) => signal.addEventListener('abort', r));
  },
  'poison events (turn 1e15, lone surrogate)': loop(4, () =>
    post('/events', dialer, turn({ turn: 1e15 })).then(() =>
      post('/events', dialer, turn({}).replace('"c1"', '"ls\\udc00cust"')),
    ),
  ),
  'GraphQL fragment bomb (22 levels, 899 bytes)': loop(4, () =>
    post('/graphql', dialer, JSON.stringify({ query: `{ ...F22 }\n${fragments}` })),
  ),
  'introspection, 2000 aliases (103 KB)': loop(4, () =>
    post('/graphql', analyst, JSON.stringify({ query: introspection })),
  ),
  '100 MB POST /events': loop(2, (signal) => {
    let sent = 0;
    const body = new ReadableStream({
      pull(c) {
        if (sent >= 100 << 20) return c.close();
        sent += 1 << 20;
        c.enqueue(new Uint8Array(1 << 20).fill(0x31));
      },
    });
    return post('/events', dialer, body, signal);
  }),
  'JSON nested 5000 deep': loop(4, () =>
    post('/events', dialer, '['.repeat(5000) + ']'.repeat(5000)),
  ),
  '300 SSE subscriptions from one key': async (signal) => {
    const streams = await Promise.all(
      Array.from({ length: 300 }, () =>
        fetch(`${url}/graphql`, {
          method: 'POST',
          headers: {
            authorization: `Bearer ${analyst}`,
            'content-type': 'application/json',
            accept: 'text/event-stream',
          },
          body: JSON.stringify({ query: 'subscription { totals { calls } }' }),
          signal,
        }).catch(() => undefined),
      ),
    );
    await new Promise((r) => signal.addEventListener('abort', r));
    for (const s of streams) await s?.body?.cancel().catch(() => undefined);
  },
  'one key flooding GraphQL': loop(16, () =>
    post('/graphql', analyst, JSON.stringify({ query: '{ totals { calls } }' })),
  ),
  'slowloris, 500 connections': async (signal) => {
    const sockets = Array.from({ length: 500 }, () => {
      const s = connect(port, '127.0.0.1');
      s.on('error', () => undefined);
      s.write('POST /events HTTP/1.1\r\nhost: x\r\n');
      return s;
    });
    const drip = setInterval(() => sockets.forEach((s) => s.write('x-a: b\r\n')), 1_000);
    await new Promise((r) => signal.addEventListener('abort', r));
    clearInterval(drip);
    sockets.forEach((s) => s.destroy());
  },
};

/**
 * The probe runs on a thread of its own, so the attacker's work in this
 * event loop does not delay it: what it measures is the platform's answer.
 */
const PROBE = `
const { parentPort, workerData } = require('node:worker_threads');
let stopped = false;
parentPort.on('message', () => (stopped = true));
(async () => {
  const ms = [];
  let failed = 0;
  while (!stopped) {
    const t0 = performance.now();
    const ok = await fetch(workerData + '/health', { signal: AbortSignal.timeout(2000) }).then(
      (r) => r.status === 200,
      () => false,
    );
    if (ok) ms.push(performance.now() - t0);
    else failed++;
    await new Promise((r) => setTimeout(r, 25));
  }
  parentPort.postMessage({ ms, failed });
})();
`;

async function probe(signal: AbortSignal) {
  const worker = new Worker(PROBE, { eval: true, workerData: url });
  signal.addEventListener('abort', () => worker.postMessage('stop'));
  const { ms, failed } = await new Promise<{ ms: number[]; failed: number }>((r) =>
    worker.once('message', r),
  );
  await worker.terminate();
  ms.sort((a, b) => a - b);
  const q = (p: number) =>
    Math.round((ms[Math.min(ms.length - 1, Math.floor(p * ms.length))] ?? NaN) * 10) / 10;
  return { probes: ms.length + failed, failed, p50ms: q(0.5), p99ms: q(0.99), maxMs: q(1) };
}

const results: Record<string, unknown> = {};
for (const [name, attack] of Object.entries(ATTACKS)) {
  const stop = new AbortController();
  const attacking = attack(stop.signal);
  await new Promise((r) => setTimeout(r, 500)); // the attack under way first
  const probing = probe(stop.signal);
  await new Promise((r) => setTimeout(r, SECONDS * 1000));
  stop.abort();
  results[name] = await probing;
  await attacking;
  console.log(name, results[name]);
  await new Promise((r) => setTimeout(r, 1_000));
}
const alive = await fetch(`${url}/health`).then(
  (r) => r.status,
  () => 0,
);
server.kill('SIGTERM');
const out = { bench: 'attacks', secondsPerAttack: SECONDS, healthAfter: alive, health: results };
mkdirSync('bench/results', { recursive: true });
writeFileSync('bench/results/attacks.json', JSON.stringify(out, null, 2) + '\n');
console.log(JSON.stringify(out, null, 2));
