/**
 * A fetch that times every request a client sends, by route, as the client
 * sees it (from the call until the answer is in: its head with the global
 * fetch, all of it with raw-fetch.ts), and counts the answers that
 * are not 2xx by status (0: no answer — network error or time-out). Only
 * requests sent inside the measured window count. Used by
 * bench/loop-realtime.ts under the library's own clients.
 */
import { percentiles, type Percentiles } from './open-loop.js';

interface Route {
  requests: number;
  latencyMs: number[];
  errors: Map<number, number>;
}

export interface RouteFigures {
  requests: number;
  perSec: number;
  latencyMs: Percentiles;
  /** Status → count, for the answers that were not 2xx. */
  errors: Record<string, number>;
}

export class RouteTiming {
  private readonly routes = new Map<string, Route>();
  private from = Infinity;
  private to = Infinity;

  /** `inner`: the fetch that sends (raw-fetch.ts, or the global one). */
  constructor(private readonly inner: typeof fetch = globalThis.fetch) {}

  /** Counts the requests sent from now on… */
  start(): void {
    this.from = performance.now();
  }

  /** …until now. */
  stop(): void {
    this.to = performance.now();
  }

  readonly fetch: typeof fetch = async (input, init) => {
    const path = new URL(input instanceof Request ? input.url : String(input)).pathname;
    const t0 = performance.now();
    try {
      const res = await this.inner(input, init);
      this.note(path, t0, res.status);
      return res;
    } catch (err) {
      this.note(path, t0, 0);
      throw err;
    }
  };

  private note(path: string, t0: number, status: number): void {
    if (t0 < this.from || t0 >= this.to) return;
    let r = this.routes.get(path);
    if (!r) this.routes.set(path, (r = { requests: 0, latencyMs: [], errors: new Map() }));
    r.requests += 1;
    // Latency only of answers: a request that never got one has no latency to show.
    if (status !== 0) r.latencyMs.push(performance.now() - t0);
    if (status < 200 || status >= 300) r.errors.set(status, (r.errors.get(status) ?? 0) + 1);
  }

  /** Seconds of the measured window. */
  seconds(): number {
    return (Math.min(this.to, performance.now()) - this.from) / 1000;
  }

  figures(): Record<string, RouteFigures> {
    const seconds = this.seconds();
    return Object.fromEntries(
      [...this.routes].map(([path, r]) => [
        path,
        {
          requests: r.requests,
          perSec: Math.round((r.requests / seconds) * 10) / 10,
          latencyMs: percentiles(r.latencyMs),
          errors: Object.fromEntries(r.errors),
        },
      ]),
    );
  }
}
