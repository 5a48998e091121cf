/**
 * The closed loop in real time (issue 17): the built platform in its own
 * process on the system clock, and the twin keeping `--concurrency`
 * simulated calls in flight against it for `--minutes` — the scenario's
 * customers saying their Chinese lines with ASR noise, one line every
 * `--gap` seconds, each to POST /dialog/turn; transfers to the scenario's
 * agents, who pick up (POST /dialog/pickup) after their pickup time; each
 * call's events to POST /events (batched, as a dialer sends them); a new
 * call started when one ends, to whom POST /dialer/next offers.
 *
 *   npm run build && npx tsx bench/loop-realtime.ts [--scenario config/scenarios/default.json]
 *     [--concurrency 2000] [--minutes 10] [--gap 2-4] [--seed 1] [--profile DIR]
 *
 * The platform runs with the decision config of config/ except the dialing
 * rules' hours and cap (every hour open, no weekly cap, no holidays, no
 * deferral to a better hour): a run at any time of day then offers every
 * customer, again and again, so the load stays the same; the rules are
 * still checked at every turn. The first `WARMUP_S` seconds (connections,
 * JIT) are not measured. Writes bench/results/loop-realtime.json: latency
 * per route as the client sees it (p50/p95/p99/max), errors by route and
 * status, turns/s, calls completed, the platform's CPU and peak RSS.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { platformTarget } from '../src/app/twin.js';
import { systemClock } from '../src/core/clock.js';
import type { DialwiseEvent } from '../src/core/events/index.js';
import {
  createWorld,
  loadEvents,
  loadScenario,
  runLiveCalls,
  type TwinTarget,
} from '../src/twin/index.js';
import {
  anyHourDecisionConfig,
  startPlatformProcess,
  unscheduledRetrain,
} from './lib/platform-process.js';
import { rawFetch } from './lib/raw-fetch.js';
import { RouteTiming } from './lib/route-timing.js';

const { values } = parseArgs({
  options: {
    scenario: { type: 'string', default: 'config/scenarios/default.json' },
    concurrency: { type: 'string', default: '2000' },
    minutes: { type: 'string', default: '10' },
    /** Seconds between a customer's lines: MIN-MAX, drawn uniformly. */
    gap: { type: 'string', default: '2-4' },
    seed: { type: 'string', default: '1' },
    /** Writes the platform process's CPU profile into DIR. */
    profile: { type: 'string' },
  },
});
const concurrency = Number(values.concurrency);
const minutes = Number(values.minutes);
const seed = Number(values.seed);
const [gapMin, gapMax] = values.gap!.split('-').map(Number) as [number, number];
if (!(concurrency >= 1 && minutes > 0 && gapMin >= 0 && gapMax >= gapMin))
  throw new Error('need --concurrency >= 1, --minutes > 0 and --gap MIN-MAX seconds, MIN <= MAX');
const WARMUP_S = Math.min(15, minutes * 6);
const ROOT = join(import.meta.dirname, '..');
const scenario = loadScenario(values.scenario!);
const round1 = (x: number) => Math.round(x * 10) / 10;

/**
 * The dialer's call events, posted in one batch at a time as they come
 * (on the embedded bus POST /events answers after its commit, which a
 * call must not wait for).
 */
function eventReporter(target: TwinTarget, noteError: (err: unknown) => void) {
  let queued: DialwiseEvent[] = [];
  let open = true;
  /** Events answered 2xx; rejected as invalid; in batches answered otherwise (each counted under /events). */
  const figures = { accepted: 0, rejected: 0, unconfirmed: 0 };
  const done = (async () => {
    while (open || queued.length) {
      const batch = queued;
      queued = [];
      if (batch.length === 0) {
        await systemClock.sleep(200);
        continue;
      }
      try {
        const r = await target.events.send(batch);
        figures.accepted += r.accepted;
        figures.rejected += r.rejected.length;
      } catch (err) {
        // A 503 (not durable in time) leaves the events in the pipeline: not sent again.
        figures.unconfirmed += batch.length;
        noteError(err);
      }
    }
  })();
  return {
    figures,
    report: (events: DialwiseEvent[]) => void queued.push(...events),
    async close() {
      open = false;
      await done;
    },
  };
}

const p = await startPlatformProcess({
  name: 'realtime',
  profile: values.profile,
  env: {
    DIALWISE_DECISION_CONFIG: anyHourDecisionConfig(),
    DIALWISE_RETRAIN_CONFIG: unscheduledRetrain(),
    // The default models are trained once into the bench's registry, not at every run.
    DIALWISE_REGISTRY_DIR: join(ROOT, 'data', 'bench-registry'),
  },
});
try {
  const at = (fetch?: typeof globalThis.fetch) =>
    platformTarget({
      url: `http://127.0.0.1:${p.port}`,
      apiKey: p.adminKey,
      campaignId: scenario.campaign_id,
      ...(fetch && { fetch }),
    });
  const world = createWorld(scenario, seed);
  await at().events.send(loadEvents(world, Date.now() - 3_600_000, seed));
  console.error(
    `loaded ${world.customers.length} customers; ${concurrency} calls for ${minutes} min`,
  );
  // A connection for each call, the dialer's requests and the events, opened
  // now: a connection's first request must come within the server's headers
  // time-out of its opening.
  const timing = new RouteTiming(rawFetch(p.port, concurrency + 2));
  const target = at(timing.fetch);

  const eventErrors: string[] = [];
  const reporter = eventReporter(target, (err) => {
    if (eventErrors.length < 5) eventErrors.push(String(err));
  });
  const stop = new AbortController();
  const clientLoop = monitorEventLoopDelay({ resolution: 10 });
  let cpu0 = { platform: 0, client: process.cpuUsage() };
  const warm = setTimeout(() => {
    timing.start();
    clientLoop.enable();
    cpu0 = { platform: p.cpuSeconds(), client: process.cpuUsage() };
  }, WARMUP_S * 1000).unref();
  const progress = setInterval(() => {
    const turn = timing.figures()['/dialog/turn'];
    console.error(`  ${turn?.requests ?? 0} turns measured, p99 ${turn?.latencyMs.p99} ms`);
  }, 30_000).unref();
  const end = setTimeout(() => {
    timing.stop();
    stop.abort();
  }, minutes * 60_000).unref();
  const calls = await runLiveCalls({
    world,
    target,
    clock: systemClock,
    seed,
    lines: concurrency,
    gapS: { min: gapMin, max: gapMax },
    signal: stop.signal,
    report: reporter.report,
  });
  clearTimeout(warm);
  clearTimeout(end);
  clearInterval(progress);
  clientLoop.disable();
  const seconds = timing.seconds();
  const platformCpu = p.cpuSeconds() - cpu0.platform;
  const clientCpu = process.cpuUsage(cpu0.client);
  const metrics = await p.metrics();
  await reporter.close();
  const routes = timing.figures();
  const turns = routes['/dialog/turn'];
  const turnErrors = Object.values(turns?.errors ?? {}).reduce((a, b) => a + b, 0);
  const result = {
    scenario: scenario.name,
    seed,
    concurrency,
    minutes,
    gapS: { min: gapMin, max: gapMax },
    warmupSeconds: WARMUP_S,
    measuredSeconds: Math.round(seconds),
    turnsPerSec: round1(((turns?.requests ?? 0) - turnErrors) / seconds),
    routes,
    calls,
    events: { ...reporter.figures, firstErrors: eventErrors },
    platform: {
      cpuSeconds: Math.round(platformCpu),
      coresBusy: Math.round((platformCpu / seconds) * 100) / 100,
      ...p.rss(),
      ...metrics,
    },
    loadGenerator: {
      cpuSeconds: Math.round((clientCpu.user + clientCpu.system) / 1e6),
      eventLoopDelayMs: {
        p99: Math.round(clientLoop.percentile(99) / 1e4) / 100,
        max: Math.round(clientLoop.max / 1e4) / 100,
      },
    },
    machine: `${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, ${Math.round(os.totalmem() / 2 ** 30)} GiB`,
    node: process.version,
    loadAverage1m: round1(os.loadavg()[0]!),
    at: new Date().toISOString(),
  };
  mkdirSync(join(ROOT, 'bench', 'results'), { recursive: true });
  const out = join(ROOT, 'bench', 'results', 'loop-realtime.json');
  writeFileSync(out, JSON.stringify(result, null, 2) + '\n');
  console.log(
    JSON.stringify({ out, turnsPerSec: result.turnsPerSec, turn: turns, calls }, null, 2),
  );
} finally {
  await p.stop();
}
