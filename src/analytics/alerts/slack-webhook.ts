/**
 * Posting to a Slack incoming webhook through the one retry loop
 * (core/retry.ts): 429, 5xx and network errors are retriable, with
 * back-off on the injected clock and the server's Retry-After as the least
 * wait. What still fails is reported, never thrown: the callers keep it in
 * their outbox (DuckDB for deviation alerts, memory for health notices).
 */
import { systemClock, type Clock } from '../../core/clock.js';
import { DialwiseError } from '../../core/errors.js';
import { retry } from '../../core/retry.js';

export interface SendResult {
  ok: boolean;
  attempts: number;
  /** The last HTTP status seen; absent when every try failed before a response. */
  status?: number;
}

export interface SendOptions {
  /** Tries in all, the first included. */
  attempts?: number;
  /** The first back-off; it doubles each try (with full jitter), up to maxDelayMs. */
  baseDelayMs?: number;
  maxDelayMs?: number;
  /** Per-request time limit; a timeout counts as a network error. */
  timeoutMs?: number;
  fetchImpl?: typeof fetch;
  /** Where the waits between tries happen; the system clock unless injected. */
  clock?: Clock;
  /** Jitter source in [0, 1); Math.random unless a test fixes it. */
  random?: () => number;
}

/** Seconds from a Retry-After header, if it holds a plain number. */
function retryAfterS(res: Response): number | undefined {
  const raw = res.headers.get('retry-after');
  if (raw === null || !/^\s*\d+(\.\d+)?\s*$/.test(raw)) return undefined;
  return Number(raw);
}

/** A response other than 2xx as an error the retry loop can read. */
function refused(res: Response): DialwiseError {
  const retriable = res.status === 429 || res.status >= 500;
  return new DialwiseError(
    res.status === 429 ? 'RATE_LIMITED' : 'UPSTREAM_FAILED',
    `Slack webhook answered HTTP ${res.status}`,
    retriable ? { retriable, retryAfterS: retryAfterS(res) } : { retriable },
  );
}

/**
 * POSTs `payload` as JSON. A 2xx is success; 429, 5xx and network errors
 * are tried again; any other status is final. Never throws.
 */
export async function sendWithRetry(
  url: string,
  payload: unknown,
  opts: SendOptions = {},
): Promise<SendResult> {
  const body = JSON.stringify(payload);
  let status: number | undefined;
  let attempts = 0;
  const post = async (attempt: number): Promise<void> => {
    attempts = attempt;
    let res: Response;
    try {
      res = await (opts.fetchImpl ?? fetch)(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body,
        signal: AbortSignal.timeout(opts.timeoutMs ?? 10_000),
      });
    } catch (cause) {
      // Connection refused, reset or timed out: worth another try.
      throw new DialwiseError('UPSTREAM_FAILED', 'Slack webhook unreachable', {
        retriable: true,
        cause,
      });
    }
    status = res.status;
    await res.arrayBuffer().catch(() => undefined); // free the connection
    if (!res.ok) throw refused(res);
  };
  try {
    await retry(post, {
      attempts: opts.attempts ?? 5,
      baseMs: opts.baseDelayMs ?? 200,
      maxMs: opts.maxDelayMs ?? 10_000,
      clock: opts.clock ?? systemClock,
      ...(opts.random && { random: opts.random }),
    });
    return { ok: true, attempts, status: status! };
  } catch {
    return status === undefined ? { ok: false, attempts } : { ok: false, attempts, status };
  }
}
