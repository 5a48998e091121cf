/**
 * Dashboard query benchmark (issue 7), over ≥ 10M simulated calls and 50M turns:
 * the dashboard's KPI queries, transcript keyword search, and one round of
 * deviation alerts over 100 rules: the dashboard's own GraphQL documents
 * (src/dashboard/queries) through the API in process (yoga's fetch, no
 * sockets), and the alert round as the platform's timer runs it.
 *
 *   npx tsx bench/query.ts [--calls 12000000] [--customers 1000000] [--days 91]
 *                          [--data bench/data/query-<calls>.duckdb] [--rounds 20]
 *
 * The data is built once (bench/query-data.ts, in a child process, about an
 * hour) and reused while its parameters match; `--reindex` rebuilds only the
 * search index in it. Queries run against the
 * platform's default DuckDB settings (DIALWISE_DUCKDB_MEMORY, default 1GB).
 * Prints a JSON result and writes it to bench/results/query.json.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { print } from 'graphql';
import { createPubSub } from 'graphql-yoga';
import { ALERT_DIMENSIONS, ALERT_METRICS, AlertRunner } from '../src/analytics/alerts/index.js';
import { createApiKey, createGraphql } from '../src/api/index.js';
import { manualClock } from '../src/core/clock.js';
import { loadConfig } from '../src/core/config.js';
import { Store } from '../src/core/store/store.js';
import {
  FLAGGED_CALLS_QUERY,
  TRANSCRIPTS_QUERY,
} from '../src/dashboard/queries/compliance-queries.js';
import { CUSTOMERS_QUERY } from '../src/dashboard/queries/customer-queries.js';
import {
  DIMENSION_KEYS_QUERY,
  KPIS_QUERY,
  OVERVIEW_QUERY,
} from '../src/dashboard/queries/kpi-queries.js';
import {
  createComplianceGuard,
  DEFAULT_COMPLIANCE_CONFIG,
} from '../src/models/compliance/index.js';
import { openRegistry } from '../src/training/kinds.js';
import { addTopUp, buildQueryData, reindex, type DataSpec } from './query-data.js';

const here = dirname(fileURLToPath(import.meta.url));
const { values } = parseArgs({
  options: {
    calls: { type: 'string', default: '12000000' },
    'top-up': { type: 'string', default: '300000' },
    customers: { type: 'string', default: '1000000' },
    days: { type: 'string', default: '91' },
    data: { type: 'string' },
    rounds: { type: 'string', default: '20' },
    build: { type: 'boolean', default: false },
    reindex: { type: 'boolean', default: false },
    'add-top-up': { type: 'boolean', default: false },
  },
});
const spec: DataSpec = {
  calls: Number(values.calls),
  customers: Number(values.customers),
  days: Number(values.days),
  seed: 7,
  // Fixed, so a rebuilt file holds the same data: 2026-11-30 00:00 UTC.
  endMs: Date.UTC(2026, 10, 30),
  // 12M calls come with 49M turns: 0.3M more reach 50M.
  topUp: Number(values['top-up']),
};
const file = values.data ?? join(here, 'data', `query-${spec.calls}.duckdb`);

/** Records the spec a data file now holds. */
async function markBuilt(): Promise<void> {
  const store = await Store.open(file);
  await store.transaction(async (tx) => {
    await tx.run('CREATE TABLE IF NOT EXISTS bench_meta (key VARCHAR PRIMARY KEY, value VARCHAR)');
    await tx.run("INSERT OR REPLACE INTO bench_meta VALUES ('spec', ?)", [JSON.stringify(spec)]);
  });
  await store.close();
}

if (values.build) {
  await buildQueryData(file, spec);
  process.exit(0);
}
if (values.reindex || values['add-top-up']) {
  if (values['add-top-up']) await addTopUp(file, spec);
  await reindex(file);
  await markBuilt();
  process.exit(0);
}

/** The spec a data file was built with, or null. */
async function builtSpec(): Promise<string | null> {
  if (!existsSync(file)) return null;
  const store = await Store.open(file);
  try {
    const [row] = await store.query<{ spec: string }>(
      "SELECT value AS spec FROM bench_meta WHERE key = 'spec'",
    );
    return row?.spec ?? null;
  } catch {
    return null;
  } finally {
    await store.close();
  }
}

if ((await builtSpec()) !== JSON.stringify(spec)) {
  console.error(`[query] building ${file} (${spec.calls} calls)`);
  mkdirSync(dirname(file), { recursive: true });
  for (const f of [file, `${file}.wal`]) if (existsSync(f)) execFileSync('rm', ['-f', f]);
  execFileSync(
    process.execPath,
    ['--import', 'tsx', fileURLToPath(import.meta.url), '--build', ...process.argv.slice(2)],
    { stdio: 'inherit' },
  );
  await markBuilt();
}

// ---- measuring -------------------------------------------------------------

let peakRss = 0;
const sampler = setInterval(() => {
  peakRss = Math.max(peakRss, process.memoryUsage().rss);
}, 50);
sampler.unref();

const config = loadConfig({ env: { DIALWISE_DATA_DIR: tmpdir() } });
const store = await Store.open(file, {
  memoryLimit: config.duckdbMemoryLimit,
  checkpointThreshold: config.duckdbCheckpoint,
});
// Alert rounds run at chosen times (the data's last minutes) on a clock set by hand.
const alertClock = manualClock(0);
const alerts = new AlertRunner(store, {
  dashboardUrl: () => 'http://127.0.0.1:8080',
  clock: alertClock,
});
const yoga = createGraphql({
  store,
  limits: config,
  profile: () => undefined,
  alerts,
  commits: createPubSub(),
  models: {
    registry: openRegistry(join(tmpdir(), 'dialwise-bench-registry')),
    served: () => ({}),
  },
  phoneHash: (phone) => phone,
  unseal: (sealed) => sealed,
  submit: async () => undefined,
  checkBotLine: createComplianceGuard(DEFAULT_COMPLIANCE_CONFIG).checkBotLine,
});
const analyst = await createApiKey(store, 'bench-analyst', 'analyst');
const compliance = await createApiKey(store, 'bench-compliance', 'compliance');
const principals = {
  [analyst]: { name: 'bench-analyst', role: 'analyst' as const },
  [compliance]: { name: 'bench-compliance', role: 'compliance' as const },
};

async function graphql(key: string, query: string, variables: Record<string, unknown> = {}) {
  const res = await yoga.fetch(
    new Request('http://bench/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query, variables }),
    }),
    { principal: principals[key]! },
  );
  const body = (await res.json()) as { data?: Record<string, unknown>; errors?: unknown[] };
  if (body.errors) throw new Error(`GraphQL: ${JSON.stringify(body.errors)}`);
  return body.data!;
}

const pct = (xs: number[], p: number): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)]!;
};
const summary = (ms: number[]) => ({
  n: ms.length,
  p50: +pct(ms, 50).toFixed(1),
  p95: +pct(ms, 95).toFixed(1),
  p99: +pct(ms, 99).toFixed(1),
  max: +Math.max(...ms).toFixed(1),
});

async function timed(fn: () => Promise<unknown>): Promise<number> {
  const t = performance.now();
  await fn();
  return performance.now() - t;
}

const [size] = await store.query<{ calls: number; turns: number; hits: number; profiles: number }>(
  `SELECT (SELECT count(*) FROM calls)::DOUBLE AS calls, (SELECT count(*) FROM turns)::DOUBLE AS turns,
     (SELECT count(*) FROM compliance_hits)::DOUBLE AS hits, (SELECT count(*) FROM profiles)::DOUBLE AS profiles`,
);
const rounds = Number(values.rounds);
const end = new Date(spec.endMs);
const ago = (days: number) => new Date(spec.endMs - days * 86_400_000).toISOString();

// The dashboard's own documents: the overview (cards, trend, breakdown chart) per time
// range, with and without a filter, the breakdown view by every dimension, and the
// filter bar's options.
const OVERVIEW = print(OVERVIEW_QUERY);
const BREAKDOWN = print(KPIS_QUERY);
const OPTIONS = print(DIMENSION_KEYS_QUERY);
const RANGES = [
  { name: '24h', from: ago(1), bucket: 'HOUR' },
  { name: '7d', from: ago(7), bucket: 'HOUR' },
  { name: '30d', from: ago(30), bucket: 'DAY' },
  { name: 'all', from: null, bucket: 'DAY' },
];
const DIMS = ['REGION', 'PRODUCT_LINE', 'SCRIPT_VERSION', 'CAMPAIGN', 'HANDLED_BY', 'HOUR', 'DAY'];
const to = end.toISOString();
const kpiCases = [
  ...RANGES.flatMap((r) => [
    { name: `overview ${r.name}`, query: OVERVIEW, vars: { ...r, to, by: 'REGION' } },
    {
      name: `overview ${r.name} east`,
      query: OVERVIEW,
      vars: { ...r, to, by: 'PRODUCT_LINE', where: { region: 'east' } },
    },
  ]),
  ...DIMS.map((by) => ({
    name: `breakdown ${by} 7d`,
    query: BREAKDOWN,
    vars: { from: ago(7), to, by },
  })),
  { name: 'breakdown REGION all', query: BREAKDOWN, vars: { by: 'REGION' } },
  ...DIMS.slice(0, 5).map((by) => ({ name: `filter options ${by}`, query: OPTIONS, vars: { by } })),
];
const kpiTimes: Record<string, number[]> = {};
for (let round = 0; round <= rounds; round++)
  for (const c of kpiCases) {
    const ms = await timed(() => graphql(analyst, c.query, { ...c.vars, name: undefined }));
    if (round > 0) (kpiTimes[c.name] ??= []).push(ms); // round 0 warms up
  }
const kpiAll = Object.values(kpiTimes).flat();

// Transcript search: terms drawn from stored turns (common and rare ones, as
// they occur), Chinese and English, one and two terms, with speaker and time
// filters, first and second pages.
const sampled = await store.query<{ text: string }>(
  `SELECT text FROM turns WHERE seq IN (SELECT (1 + (hash(i) % (SELECT max(seq) FROM turns)))::BIGINT
     FROM range(400) t(i))`,
);
const words = (text: string): string[] => [
  ...(text.toLowerCase().match(/[a-z]{4,}/g) ?? []),
  ...(text.match(/[\u4e00-\u9fff]{2,}/g) ?? []).map((run) => run.slice(0, 2 + (run.length % 2))),
];
const searches: { text: string; speaker?: string; from?: string }[] = [];
sampled.forEach((s, i) => {
  const w = words(s.text);
  if (w.length === 0) return;
  const one = w[i % w.length]!;
  if (i % 4 === 0) searches.push({ text: one });
  else if (i % 4 === 1 && w.length > 1) searches.push({ text: `${one} ${w[(i + 1) % w.length]}` });
  else if (i % 4 === 2) searches.push({ text: one, speaker: 'customer' });
  else searches.push({ text: one, from: ago(7) });
});
searches.push({ text: 'zzqxv' }, { text: '保证收益' }, { text: 'guaranteed' });
const SEARCH = print(TRANSCRIPTS_QUERY);
const searchTimes: number[] = [];
const pageTimes: number[] = [];
const totals: number[] = [];
for (const [i, s] of searches.entries()) {
  let page: { nextCursor: string | null; total: number } | undefined;
  const ms = await timed(async () => {
    page = (await graphql(compliance, SEARCH, { ...s, limit: 20 })).transcripts as typeof page;
  });
  if (i > 0) searchTimes.push(ms); // the first warms up
  totals.push(page!.total);
  if (page!.nextCursor)
    pageTimes.push(
      await timed(() => graphql(compliance, SEARCH, { ...s, limit: 20, after: page!.nextCursor })),
    );
}

// One evaluation round of 100 deviation rules (every metric × dimension, thresholds varied),
// from no alerts at all, as on the first round after the rules are saved.
await store.transaction(async (tx) => {
  for (const t of ['alerts', 'alert_outbox', 'alert_rules']) await tx.run(`DELETE FROM ${t}`);
});
const pairs = ALERT_METRICS.flatMap((metric) =>
  [null, ...ALERT_DIMENSIONS].map((dimension) => ({ metric, dimension })),
);
for (let i = 0; i < 100; i++) {
  const { metric, dimension } = pairs[i % pairs.length]!;
  await alerts.saveRule({ id: `bench-${i}`, metric, dimension, threshold: 0.1 + (i % 5) * 0.05 });
}
const evalAt = new Date(spec.endMs - 60_000);
const alertRounds: { ms: number; evaluated: number; fired: number; resolved: number }[] = [];
for (let i = 0; i < 4; i++) {
  let r: Awaited<ReturnType<AlertRunner['run']>> | undefined;
  alertClock.set(evalAt.getTime() + i * 60_000);
  const ms = await timed(async () => (r = await alerts.run()));
  alertRounds.push({ ms: +ms.toFixed(1), ...r! });
}

// The compliance and customer views, for the record.
const FLAGGED = print(FLAGGED_CALLS_QUERY);
const flaggedTimes: number[] = [];
let after: string | null = null;
for (let i = 0; i <= 10; i++) {
  const ms = await timed(async () => {
    after = (
      (await graphql(compliance, FLAGGED, { after, limit: 20 })).flaggedCalls as {
        nextCursor: string;
      }
    ).nextCursor;
  });
  if (i > 0) flaggedTimes.push(ms);
}
const CUSTOMERS = print(CUSTOMERS_QUERY);
const customerTimes: number[] = [];
after = null;
for (let i = 0; i <= 10; i++) {
  const ms = await timed(async () => {
    after = (
      (await graphql(analyst, CUSTOMERS, { after, limit: 20 })).customers as { nextCursor: string }
    ).nextCursor;
  });
  if (i > 0) customerTimes.push(ms);
}

const [duck] = await store.query<{ bytes: number }>(
  'SELECT sum(memory_usage_bytes)::DOUBLE AS bytes FROM duckdb_memory()',
);
const result = {
  bench: 'query',
  data: {
    calls: size!.calls,
    turns: size!.turns,
    complianceHits: size!.hits,
    profiles: size!.profiles,
    days: spec.days,
    fileGiB: +(statSync(file).size / 2 ** 30).toFixed(2),
    duckdbMemoryLimit: config.duckdbMemoryLimit,
  },
  kpis: {
    target: 'p95 ≤ 100 ms',
    all: summary(kpiAll),
    byQuery: Object.fromEntries(Object.entries(kpiTimes).map(([k, v]) => [k, summary(v)])),
  },
  transcriptSearch: {
    target: 'p95 ≤ 300 ms',
    firstPage: summary(searchTimes),
    nextPage: summary(pageTimes),
    queries: searches.length,
    medianTotal: pct(totals, 50),
    maxTotal: Math.max(...totals),
  },
  alerts: { target: '100 rules ≤ 1 s', rules: 100, rounds: alertRounds },
  flaggedCalls: summary(flaggedTimes),
  customerList: summary(customerTimes),
  memory: {
    peakRssMiB: Math.round(peakRss / 2 ** 20),
    duckdbMiB: Math.round((duck?.bytes ?? 0) / 2 ** 20),
  },
  machine: { cores: (await import('node:os')).cpus().length, node: process.version },
  at: new Date().toISOString(),
};
console.log(JSON.stringify(result, null, 2));
mkdirSync(join(here, 'results'), { recursive: true });
writeFileSync(join(here, 'results', 'query.json'), `${JSON.stringify(result, null, 2)}\n`);
await store.close();
