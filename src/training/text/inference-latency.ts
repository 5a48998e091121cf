import type { TextClassifier } from '../../models/text/classifier.js';
import { quantile } from './classification-metrics.js';

export interface LatencyReport {
  /** Single-utterance predict(), featurization included: wall-clock milliseconds. */
  p50Ms: number;
  p99Ms: number;
  /**
   * The same calls in CPU milliseconds (process user + system time): what one
   * utterance costs a core, without the waits a shared machine adds to wall time.
   */
  cpuP50Ms: number;
  cpuP99Ms: number;
  samples: number;
  /** Utterances per second through predict() in batches of `batchSize`. */
  batchThroughput: number;
  batchSize: number;
}

const ms = (x: number): number => Math.round(x * 1000) / 1000;

/** Measures one utterance at a time (what a live turn costs) and batched throughput. */
export function measureLatency(
  model: TextClassifier,
  texts: readonly string[],
  samples = 1000,
  batchSize = 256,
): LatencyReport {
  const pool = texts.length ? texts : ['hello'];
  for (let i = 0; i < 100; i++) model.predictOne(pool[i % pool.length]!); // warm-up: JIT, wasm
  const wall: number[] = [];
  const cpu: number[] = [];
  for (let i = 0; i < samples; i++) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    model.predictOne(pool[i % pool.length]!);
    wall.push(performance.now() - t0);
    const c = process.cpuUsage(c0);
    cpu.push((c.user + c.system) / 1000);
  }
  const batches = Math.max(1, Math.ceil(Math.min(pool.length, 4096) / batchSize));
  const t0 = performance.now();
  for (let b = 0; b < batches; b++) {
    const chunk = Array.from(
      { length: batchSize },
      (_, i) => pool[(b * batchSize + i) % pool.length]!,
    );
    model.predict(chunk);
  }
  const seconds = (performance.now() - t0) / 1000;
  return {
    p50Ms: ms(quantile(wall, 0.5)),
    p99Ms: ms(quantile(wall, 0.99)),
    cpuP50Ms: ms(quantile(cpu, 0.5)),
    cpuP99Ms: ms(quantile(cpu, 0.99)),
    samples,
    batchThroughput: Math.round((batches * batchSize) / seconds),
    batchSize,
  };
}
