/**
 * Export benchmark (issue 20): GET /export/turns as Arrow, CSV and Parquet
 * for N turns, from a platform in its own process (bench/lib/export-server.ts),
 * read by an analyst's key (text masked) over HTTP as fast as the client
 * takes it. Per N and format: rows per second (to the last byte), bytes,
 * and the server's memory while it answers: peak RSS (DuckDB's thread
 * included) and peak V8 heap above what it held just before (after a GC).
 * Memory that stays the same from the smaller N to the larger is what a
 * streamed export promises: a page at a time, whatever the range.
 *
 *   npx tsx bench/exports.ts [--turns 20000,200000]
 *
 * Each N gets a fresh data folder and server. The turns are made in SQL
 * (ten per call, a phone number in every text) without search-index
 * numbers, so the indexer leaves them alone during the runs.
 * Prints a JSON result and writes it to bench/results/exports.json.
 */
import { fork } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createApiKey } from '../src/api/index.js';
import { migrate, Store } from '../src/core/store/store.js';
import { tmpDir } from '../test/helpers/tmp.js';

const here = import.meta.dirname;
const { values } = parseArgs({ options: { turns: { type: 'string', default: '20000,200000' } } });
const SIZES = values.turns.split(',').map(Number);
const FORMATS = ['arrow', 'csv', 'parquet'] as const;
const DAY_MS = 86_400_000;
const round = (x: number, d = 1) => Math.round(x * 10 ** d) / 10 ** d;

/** A data folder with `n` turns of n/10 calls over a day, and an analyst's key. */
async function dataFolder(n: number): Promise<{ dir: string; key: string }> {
  const dir = tmpDir();
  const store = await Store.open(join(dir, 'dialwise.duckdb'));
  await migrate(store);
  await store.transaction(async (tx) => {
    await tx.run(
      `INSERT INTO calls (call_id, customer_id, campaign_id, region, started_at, answered)
       SELECT 'c' || i, 'u' || i, 'camp-' || (i % 3), 'r' || (i % 5),
         TIMESTAMPTZ '2026-03-01 00:00:00+00' + to_milliseconds(i * ${Math.floor(DAY_MS / (n / 10))}), true
       FROM range(${n / 10}) t(i)`,
    );
    await tx.run(
      `INSERT INTO turns (event_id, call_id, customer_id, turn, speaker, text, asr_confidence, ts,
         intent, intent_confidence, out_of_scope, emotion, valence, impatience, late)
       SELECT 'e' || i, 'c' || (i // 10), 'u' || (i // 10), i % 10,
         CASE WHEN i % 2 = 0 THEN 'customer' ELSE 'bot' END,
         '我想了解一下这个理财产品的年化收益，回电请打 13800138000，谢谢 ' || i, 0.9,
         TIMESTAMPTZ '2026-03-01 00:00:00+00' + to_milliseconds(i * ${Math.floor(DAY_MS / n)}),
         'ask_price', 0.8, false, 'neutral', 0.1, 0.2, false
       FROM range(${n}) t(i)`,
    );
  });
  const key = await createApiKey(store, 'bench-analyst', 'analyst');
  await store.close();
  return { dir, key };
}

type Reply = Record<string, number | string | boolean>;

/** The server process on `dir`, and a way to ask it over IPC. */
async function server(dir: string) {
  const child = fork(join(here, 'lib', 'export-server.ts'), [], {
    execArgv: ['--expose-gc', '--import', 'tsx'],
    env: { ...process.env, DIALWISE_DATA_DIR: dir },
  });
  const replies: ((m: Reply) => void)[] = [];
  child.on('message', (m: Reply) => replies.shift()?.(m));
  const next = () => new Promise<Reply>((resolve) => replies.push(resolve));
  const ask = (command: string) => {
    const answer = next();
    const [cmd, live] = command.split('-');
    child.send({ cmd, live: live === 'live' });
    return answer;
  };
  const { url } = await next();
  const exited = new Promise((resolve) => child.once('exit', resolve));
  const stop = async () => {
    child.send({ cmd: 'stop' });
    await exited;
  };
  return { url: url as string, ask, stop };
}

/** Reads an export to its end, keeping only the byte count. */
async function drain(url: string, key: string): Promise<{ bytes: number; seconds: number }> {
  const t0 = performance.now();
  const res = await fetch(url, { headers: { authorization: `Bearer ${key}` } });
  if (!res.ok) throw new Error(`${url}: ${res.status} ${await res.text()}`);
  const reader = res.body!.getReader();
  let bytes = 0;
  for (let r = await reader.read(); !r.done; r = await reader.read()) bytes += r.value.length;
  return { bytes, seconds: (performance.now() - t0) / 1000 };
}

type Measure = Record<'before' | 'peak', Record<'rssMiB' | 'heapMiB' | 'buffersMiB', number>>;
const growth = (m: Measure, k: 'rssMiB' | 'heapMiB' | 'buffersMiB') =>
  round(m.peak[k] - m.before[k]);

const runs: Record<string, unknown>[] = [];
for (const n of SIZES) {
  const { dir, key } = await dataFolder(n);
  const s = await server(dir);
  const measured = async (format: string, live: boolean) => {
    await s.ask(`mark${live ? '-live' : ''}`);
    const read = await drain(`${s.url}/export/turns?format=${format}`, key);
    return { ...read, m: (await s.ask('peak')) as unknown as Measure };
  };
  try {
    // Warm-up: every format once, so that neither the JIT nor DuckDB's first read of the
    // table (its blocks cached, up to its memory limit) is counted as the export's memory.
    for (const f of FORMATS) await drain(`${s.url}/export/turns?format=${f}`, key);
    for (const format of FORMATS) {
      const fast = await measured(format, false);
      const live = await measured(format, true);
      const run = {
        turns: n,
        format,
        seconds: round(fast.seconds, 2),
        rowsPerSecond: Math.round(n / fast.seconds),
        MiB: round(fast.bytes / 1024 / 1024),
        rssBeforeMiB: round(fast.m.before.rssMiB),
        rssGrowthMiB: growth(fast.m, 'rssMiB'),
        heapGrowthMiB: growth(fast.m, 'heapMiB'),
        buffersGrowthMiB: growth(fast.m, 'buffersMiB'),
        liveHeapGrowthMiB: growth(live.m, 'heapMiB'),
        liveBuffersGrowthMiB: growth(live.m, 'buffersMiB'),
      };
      console.error(`[exports] ${JSON.stringify(run)}`);
      runs.push(run);
    }
  } finally {
    await s.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

const result = {
  bench: 'exports',
  machine: { cpus: cpus().length, node: process.version },
  route: 'GET /export/turns (analyst: text masked), read over HTTP to the last byte',
  pageRows: 4096,
  runs,
};
console.log(JSON.stringify(result, null, 2));
mkdirSync(join(here, 'results'), { recursive: true });
writeFileSync(join(here, 'results', 'exports.json'), `${JSON.stringify(result, null, 2)}\n`);
