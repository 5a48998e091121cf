/**
 * POST /outreach/check on a started platform (issue 16's figure: p99 ≤ 2 ms
 * at 5,000 checks/s). The platform runs as its own process (the built
 * `dialwise start`, embedded bus, keyword models, simulator off; run
 * `npm run build` first); this process loads a population over the API and
 * then plays the senders, open-loop at a fixed rate over keep-alive
 * connections (bench/lib/open-loop.ts).
 *
 *   npx tsx bench/outreach.ts [--seconds 20] [--warmup 5] [--customers 20000] [--dnc 100000]
 *     [--phases health@5000,floor@5000,floor@1000,check@1000,check@2500,check@4000,check@5000]
 *     [--profile DIR]
 *
 * The population: customers with CRM fields (phone, time zone), a few
 * touches and consent changes each, a do-not-call register of which some
 * phones are customers' (bench/lib/outreach-population.ts). The phases, each
 * KIND@RATE (requests/s), `warmup` s unmeasured then `seconds` s measured,
 * one after the other on the same server:
 * - health: GET /health (the HTTP floor through the general router);
 * - floor: POST /outreach/check with a channel the schema refuses (the hot
 *   path's floor: HTTP, key, rate limit, JSON, schema; a 400, no check);
 * - check: the check (check@5000 is the figure).
 * Both processes share the machine's cores. Writes bench/results/outreach.json.
 */
import { writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { checks, dncPhones, population } from './lib/outreach-population.js';
import { openLoop } from './lib/open-loop.js';
import { startPlatformProcess, type PlatformProcess } from './lib/platform-process.js';
import { Conn, requestBytes } from './lib/raw-http.js';

const { values } = parseArgs({
  options: {
    seconds: { type: 'string' },
    warmup: { type: 'string' },
    customers: { type: 'string' },
    dnc: { type: 'string' },
    phases: { type: 'string' },
    /** Writes the platform process's CPU profile into DIR. */
    profile: { type: 'string' },
  },
});
const SECONDS = Number(values.seconds ?? 20);
const WARMUP = Number(values.warmup ?? 5);
const CUSTOMERS = Number(values.customers ?? 20_000);
const DNC = Number(values.dnc ?? 100_000);
const PHASES = (
  values.phases ?? 'health@5000,floor@5000,floor@1000,check@1000,check@2500,check@4000,check@5000'
).split(',');
const SEED = 16;

const load = () => os.loadavg().map((x) => Math.round(x * 100) / 100);
const round3 = (x: number) => Math.round(x * 1000) / 1000;

async function post(conn: Conn, path: string, body: unknown, expect: number) {
  const r = await conn.post(path, body);
  if (r.status !== expect) throw new Error(`${path}: ${r.status} ${JSON.stringify(r.json)}`);
  return r.json as Record<string, unknown>;
}

/** Customers, touches and consent changes through POST /events; the register through POST /dnc/import. */
async function loadPopulation(p: PlatformProcess, dialerKey: string) {
  const t0 = performance.now();
  const events = population({ customers: CUSTOMERS, seed: SEED, nowMs: Date.now() });
  const conn = new Conn(p.port, dialerKey);
  // Embedded, POST /events answers once its batch is committed: all applied at the end.
  for (let i = 0; i < events.length; i += 2000)
    await post(conn, '/events', events.slice(i, i + 2000), 202);
  conn.close();
  const t1 = performance.now();
  const phones = dncPhones({ size: DNC, customers: CUSTOMERS, matchShare: 0.05, seed: SEED });
  const admin = new Conn(p.port, p.adminKey);
  let imported = 0;
  for (let i = 0; i < phones.length; i += 10_000) {
    const batch = phones.slice(i, i + 10_000);
    const r = await post(
      admin,
      '/dnc/import',
      { source: 'bench-dnc', listed_on: '2026-11-01', phones: batch },
      200,
    );
    imported += r.imported as number;
  }
  admin.close();
  return {
    customers: CUSTOMERS,
    events: events.length,
    eventsSeconds: Math.round((t1 - t0) / 100) / 10,
    dncPhones: phones.length,
    dncImported: imported,
    dncSeconds: Math.round((performance.now() - t1) / 100) / 10,
  };
}

/** One phase: the open loop, with both processes' CPU per request and the server's event loop. */
async function phase(
  p: PlatformProcess,
  rate: number,
  request: (i: number) => Buffer,
  expectStatus: number,
  onReply?: (r: { json: unknown }) => void,
) {
  const loadBefore = load();
  await p.metrics(); // resets the server's event-loop histogram
  const cpu0 = {
    server: p.cpuSeconds(),
    main: p.mainThreadCpuSeconds(),
    client: process.cpuUsage(),
  };
  const t0 = performance.now();
  const r = await openLoop({
    port: p.port,
    rate,
    warmupSeconds: WARMUP,
    seconds: SECONDS,
    connections: 32,
    maxConnections: 256,
    request,
    expectStatus,
    ...(onReply && { onReply }),
  });
  const requests = rate * (WARMUP + SECONDS);
  const client = process.cpuUsage(cpu0.client);
  // The share of the phase the server's event loop spent on the CPU: near 1, requests queue.
  const mainThreadBusy = round3(
    (p.mainThreadCpuSeconds() - cpu0.main) / ((performance.now() - t0) / 1000),
  );
  const cpuMsPerRequest = {
    server: round3(((p.cpuSeconds() - cpu0.server) * 1000) / requests),
    loadGenerator: round3((client.user + client.system) / 1000 / requests),
  };
  const server = { ...(await p.metrics()), ...p.rss() };
  return {
    ...r,
    cpuMsPerRequest,
    mainThreadBusy,
    server,
    loadAverage: { before: loadBefore, after: load() },
  };
}

const p = await startPlatformProcess({
  name: 'outreach',
  env: { DIALWISE_DEFAULT_MODELS: 'keyword' },
  profile: values.profile,
});
try {
  const admin = new Conn(p.port, p.adminKey);
  const { key } = await post(admin, '/admin/keys', { name: 'bench-sender', role: 'dialer' }, 201);
  admin.close();
  const dialerKey = key as string;
  const loaded = await loadPopulation(p, dialerKey);

  const bodies = checks({ n: 50_000, customers: CUSTOMERS, seed: SEED }).map((b) =>
    requestBytes('POST', '/outreach/check', dialerKey, b),
  );
  const check = (i: number) => bodies[i % bodies.length]!;
  const invalid = requestBytes('POST', '/outreach/check', dialerKey, {
    customer_id: 'bench-cust-000001',
    channel: 'fax',
  });
  const health = requestBytes('GET', '/health', null);
  const answers = () => {
    const byReason: Record<string, number> = {};
    const tally = (r: { json: unknown }) => {
      const { allowed, reason } = r.json as { allowed: boolean; reason: string | null };
      const k = allowed ? 'allowed' : (reason ?? 'refused');
      byReason[k] = (byReason[k] ?? 0) + 1;
    };
    return { byReason, tally };
  };

  const phases: Record<string, unknown> = {};
  for (const name of PHASES) {
    const [kind, rate] = [name.split('@')[0], Number(name.split('@')[1])];
    if (!(rate > 0)) throw new Error(`phase ${name}: say KIND@RATE`);
    console.error(`phase ${name} (load ${load().join(' ')})`);
    if (kind === 'health') phases[name] = await phase(p, rate, () => health, 200);
    else if (kind === 'floor') phases[name] = await phase(p, rate, () => invalid, 400);
    else if (kind === 'check') {
      const a = answers();
      phases[name] = { ...(await phase(p, rate, check, 200, a.tally)), answers: a.byReason };
    } else throw new Error(`unknown phase ${name}`);
  }

  const result = {
    target: 'POST /outreach/check p99 ≤ 2 ms at 5,000 checks/s (issue 16)',
    setup:
      'platform = built `dialwise start` in its own process (embedded bus, DuckDB, keyword models, simulator off); ' +
      'load generator = this process, open loop over keep-alive raw-socket connections; both share the machine’s cores',
    warmupSeconds: WARMUP,
    seconds: SECONDS,
    population: loaded,
    phases,
    node: process.version,
    cores: os.cpus().length,
    cpu: os.cpus()[0]?.model,
    at: new Date().toISOString(),
  };
  writeFileSync(
    join(import.meta.dirname, 'results', 'outreach.json'),
    JSON.stringify(result, null, 2) + '\n',
  );
  console.log(JSON.stringify(result, null, 2));
} finally {
  await p.stop();
}
