/**
 * The platform as it runs in production, in its own process: the compiled
 * build (`npm run build` first) started with `dialwise start` on a free
 * port, a temp data folder, the embedded bus and a fresh admin key. What
 * the benches read of it: its CPU time, its memory and its own metrics.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  copyFileSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  writeFileSync,
} from 'node:fs';
import http from 'node:http';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readConfigJson } from '../../src/core/config-file.js';

const ROOT = join(import.meta.dirname, '..', '..');

export interface PlatformProcess {
  port: number;
  adminKey: string;
  dataDir: string;
  server: ChildProcess;
  /** CPU seconds the process has used (all its threads: JavaScript, DuckDB, GC). */
  cpuSeconds(): number;
  /** CPU seconds of its main thread alone (the event loop: HTTP, the routes' JavaScript). */
  mainThreadCpuSeconds(): number;
  rss(): { rssMiB: number; peakRssMiB: number };
  /** Event-loop delay since the last scrape (prom-client resets it) and DuckDB commits. */
  metrics(): Promise<{
    eventLoopDelayMs: { p99: number; max: number };
    commits: number;
    meanCommitMs: number;
  }>;
  stop(): Promise<void>;
}

const freePort = () =>
  new Promise<number>((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });

/** CPU seconds of a process (or thread) from its /proc stat file. */
export function cpuOf(statFile: string): number {
  const fields = readFileSync(statFile, 'utf8').split(') ')[1]!.split(' ');
  // utime and stime are fields 14 and 15 of /proc/PID/stat, in clock ticks (100 per second here).
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/**
 * The retrain plan without its schedule: the weekly retrain would cross a
 * simulated week, or fall in the middle of a real-time run.
 */
export function unscheduledRetrain(): string {
  const plan = JSON.parse(readFileSync(join(ROOT, 'config', 'retrain.json'), 'utf8')) as Record<
    string,
    unknown
  >;
  plan.schedule = null;
  const file = join(mkdtempSync(join(tmpdir(), 'dialwise-loop-')), 'retrain.json');
  writeFileSync(file, JSON.stringify(plan));
  return file;
}

/**
 * config/'s decision files in a temp folder, the dialing rules opened to
 * every hour of every day with no weekly cap (unless `keepCap`): a load
 * test's calls are decided, not refused, whatever the hour it runs at.
 */
export function anyHourDecisionConfig(opts: { keepCap?: boolean } = {}): string {
  const dir = mkdtempSync(join(tmpdir(), 'dialwise-bench-config-'));
  for (const f of readdirSync(join(ROOT, 'config')).filter((n) => n.endsWith('.json')))
    copyFileSync(join(ROOT, 'config', f), join(dir, f));
  const rules = readConfigJson(join(dir, 'dialing.json')) as {
    segments: Record<string, { windows: unknown[] }>;
    campaigns: Record<string, { cap: unknown }>;
    holidays?: unknown;
    deferBelow?: unknown;
  };
  const always = {
    days: ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'],
    from: '00:00',
    to: '24:00',
  };
  for (const s of Object.values(rules.segments)) s.windows = [always];
  if (!opts.keepCap)
    for (const c of Object.values(rules.campaigns))
      c.cap = { touches: 1_000_000, days: 7, perChannel: {} };
  delete rules.holidays;
  delete rules.deferBelow;
  writeFileSync(join(dir, 'dialing.json'), JSON.stringify(rules));
  return dir;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function get(port: number, path: string, key?: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    http
      .get(
        {
          host: '127.0.0.1',
          port,
          path,
          headers: key ? { authorization: `Bearer ${key}` } : {},
        },
        (res) => {
          let body = '';
          res.on('data', (c: Buffer) => (body += c.toString()));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
        },
      )
      .on('error', reject);
  });
}

/**
 * Starts `dialwise start` (or `decide`) and resolves once /health answers 200. `name`
 * names the temp data folder; `env` adds to the bench's defaults
 * (simulator off, errors only in the log, no Kafka); `profile` writes the
 * process's CPU profile into that folder when it stops.
 */
export async function startPlatformProcess(opts: {
  name: string;
  env?: Record<string, string>;
  profile?: string | undefined;
  /** Restarting one: its port, data folder and key (else new ones). */
  again?: { port: number; dataDir: string; adminKey: string };
  /** `dialwise decide`: a decision replica (Kafka; env brings the brokers and the shared keys). */
  command?: 'start' | 'decide';
  adminKey?: string;
}): Promise<PlatformProcess> {
  const port = opts.again?.port ?? (await freePort());
  const adminKey = opts.again?.adminKey ?? opts.adminKey ?? randomBytes(24).toString('base64url');
  const dataDir = opts.again?.dataDir ?? mkdtempSync(join(tmpdir(), `dialwise-${opts.name}-`));
  const main = join(ROOT, 'dist', 'cli', 'main.js');
  if (!existsSync(main)) throw new Error(`${main} is missing: run npm run build first`);
  const server = fork(main, [opts.command ?? 'start'], {
    execArgv: opts.profile ? ['--cpu-prof', `--cpu-prof-dir=${opts.profile}`] : [],
    env: {
      ...process.env,
      DIALWISE_PORT: String(port),
      DIALWISE_DATA_DIR: dataDir,
      DIALWISE_SIM_RATE: '0',
      DIALWISE_ADMIN_KEY: adminKey,
      DIALWISE_LOG_LEVEL: 'error',
      KAFKA_BROKERS: '',
      ...opts.env,
    },
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  const exited = new Promise((r) => server.once('exit', r));
  const p: PlatformProcess = {
    port,
    adminKey,
    dataDir,
    server,
    cpuSeconds: () => cpuOf(`/proc/${server.pid}/stat`),
    mainThreadCpuSeconds: () => cpuOf(`/proc/${server.pid}/task/${server.pid}/stat`),
    rss() {
      const status = readFileSync(`/proc/${server.pid}/status`, 'utf8');
      const kb = (key: string) => Number(new RegExp(`${key}:\\s+(\\d+)`).exec(status)?.[1] ?? 0);
      return { rssMiB: Math.round(kb('VmRSS') / 1024), peakRssMiB: Math.round(kb('VmHWM') / 1024) };
    },
    async metrics() {
      const { body: text } = await get(port, '/metrics', adminKey);
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
    },
    async stop() {
      server.kill('SIGTERM');
      await exited;
    },
  };
  try {
    for (let i = 0; ; i++) {
      const ok = await get(port, '/health').then(
        (r) => r.status === 200,
        () => false,
      );
      if (ok) return p;
      if (i >= 600) throw new Error('platform did not start');
      await sleep(100);
    }
  } catch (err) {
    await p.stop();
    throw err;
  }
}
