import { systemClock, type Clock } from './clock.js';
import { DialwiseError } from './errors.js';

/**
 * The one retry loop: Kafka, MLflow, Slack and webhook calls go through it.
 * An error is tried again only when it says so (`retriable` on a
 * DialwiseError, or `isRetriable` for errors from elsewhere), with exponential
 * back-off and full jitter, never past the deadline; a server's Retry-After
 * (`retryAfterS`) is a floor on the wait.
 */
export interface RetryOptions {
  /** Tries in all, the first included. */
  attempts?: number;
  baseMs?: number;
  maxMs?: number;
  /** Give up once the next wait would end after this many ms from the start. */
  deadlineMs?: number;
  clock?: Clock;
  signal?: AbortSignal;
  /** For errors that are not DialwiseErrors; defaults to "not retriable". */
  isRetriable?: (err: unknown) => boolean;
  /** Jitter source in [0, 1); Math.random unless a test fixes it. */
  random?: () => number;
  onRetry?: (err: unknown, attempt: number, waitMs: number) => void;
}

const retriableError = (err: unknown, other?: (err: unknown) => boolean): boolean =>
  err instanceof DialwiseError ? err.retriable : (other?.(err) ?? false);

export async function retry<T>(
  work: (attempt: number) => Promise<T>,
  opts: RetryOptions = {},
): Promise<T> {
  const clock = opts.clock ?? systemClock;
  const attempts = opts.attempts ?? 5;
  const base = opts.baseMs ?? 200;
  const max = opts.maxMs ?? 10_000;
  const random = opts.random ?? Math.random;
  const start = clock.now();
  for (let attempt = 1; ; attempt++) {
    try {
      return await work(attempt);
    } catch (err) {
      if (attempt >= attempts || !retriableError(err, opts.isRetriable)) throw err;
      const backoff = Math.min(max, base * 2 ** (attempt - 1)) * random();
      const floor = err instanceof DialwiseError ? (err.retryAfterS ?? 0) * 1000 : 0;
      const wait = Math.max(backoff, floor);
      if (opts.deadlineMs !== undefined && clock.now() + wait - start > opts.deadlineMs) throw err;
      opts.onRetry?.(err, attempt, wait);
      await clock.sleep(wait, opts.signal);
    }
  }
}
