import type { Bus } from '../core/bus/bus.js';
import type { Clock } from '../core/clock.js';
import type { Logger } from '../core/log.js';
import { CallSimulator } from '../datasets/simulator.js';
import { publishEvents } from '../pipelines/index.js';

export interface SimulateOptions {
  /** Calls to place; unset = until stopped. */
  calls?: number;
  seed?: number;
  /** Calls per second; 0 = all at once. */
  ratePerSec?: number;
}

/** Paces the rate in tenths of a second. */
const TICK_MS = 100;

/**
 * Simulated calls published to the bus like a dialer's: all at once, or at a
 * steady rate (credit accrues every tick; whole calls are placed).
 */
export function simulatorFeed(
  opts: SimulateOptions,
  deps: { bus: Bus; prefix: string; logger: Logger; clock: Clock },
): {
  simulator: CallSimulator;
  /** Events published so far. */
  published(): number;
  /** Resolves once what was placed so far is published. */
  settled(): Promise<void>;
  stop(): void;
} {
  const { clock } = deps;
  const simulator = new CallSimulator(opts.seed ?? 1);
  let published = 0;
  let running: Promise<void> = Promise.resolve();
  const place = async (n: number) => {
    const now = clock.now();
    const events = Array.from({ length: n }, (_, i) =>
      simulator.nextCall(new Date(now - (n - i) * 1000)),
    ).flat();
    published += events.length;
    await publishEvents(deps.bus, deps.prefix, events);
  };
  const rate = opts.ratePerSec ?? 0;
  let stop = () => {};
  if (rate <= 0) running = place(opts.calls ?? 0);
  else {
    let placed = 0;
    let credit = 0;
    stop = clock.every(TICK_MS, () => {
      credit += rate / (1000 / TICK_MS);
      const n = Math.min(Math.floor(credit), (opts.calls ?? Infinity) - placed);
      if (n <= 0) return;
      credit -= n;
      placed += n;
      running = running
        .then(() => place(n))
        .catch((err) => deps.logger.log('error', 'simulator publish failed', { err: String(err) }));
    });
  }
  return {
    simulator,
    published: () => published,
    settled: () => running,
    stop,
  };
}
