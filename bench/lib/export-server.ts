/**
 * The process that serves the exports in bench/exports.ts: the embedded
 * platform on a data folder the bench filled, answering on a free port.
 * Between exports the bench asks it over IPC to collect garbage and start
 * a new measure (`mark`), then for the measure (`peak`). A measure samples
 * every 10 ms the RSS (DuckDB's thread included), the V8 heap and the
 * ArrayBuffers outside it (where encoded pages live), garbage included; a
 * `live` measure also runs a full collection every 250 ms and keeps the
 * peak of what is still reachable after it (slower: those collections
 * take time from the export).
 */
import { startPlatform } from '../../src/app/index.js';
import { loadConfig } from '../../src/core/config.js';

const MiB = 1024 * 1024;
const gc = (globalThis as { gc?: () => void }).gc!;

const platform = await startPlatform(
  loadConfig({
    env: {
      ...process.env,
      DIALWISE_PORT: '0',
      DIALWISE_LOG_LEVEL: 'error',
      DIALWISE_SIM_RATE: '0',
      DIALWISE_DEFAULT_MODELS: 'keyword',
    },
  }),
);

type Sample = { rss: number; heapUsed: number; arrayBuffers: number };
const sample = (): Sample => {
  const { rss, heapUsed, arrayBuffers } = process.memoryUsage();
  return { rss, heapUsed, arrayBuffers };
};
const max = (a: Sample, b: Sample): Sample => ({
  rss: Math.max(a.rss, b.rss),
  heapUsed: Math.max(a.heapUsed, b.heapUsed),
  arrayBuffers: Math.max(a.arrayBuffers, b.arrayBuffers),
});

let base = sample();
let peak = base;
let live = false;
setInterval(() => {
  if (!live) peak = max(peak, sample());
}, 10).unref();
setInterval(() => {
  if (!live) return;
  gc();
  peak = max(peak, sample());
}, 250).unref();

const mib = (s: Sample) => ({
  rssMiB: s.rss / MiB,
  heapMiB: s.heapUsed / MiB,
  buffersMiB: s.arrayBuffers / MiB,
});

process.on('message', async (msg: { cmd: 'mark' | 'peak' | 'stop'; live?: boolean }) => {
  if (msg.cmd === 'mark') {
    gc();
    live = msg.live === true;
    base = sample();
    // A live measure keeps only what survives its collections.
    peak = base;
    process.send!({ ok: true });
  } else if (msg.cmd === 'peak') {
    process.send!({ before: mib(base), peak: mib(peak) });
    live = false;
  } else {
    await platform.stop();
    process.exit(0);
  }
});
process.send!({ url: platform.url });
