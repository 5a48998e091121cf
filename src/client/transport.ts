import { DialwiseApiError, retryAfterSeconds } from './api-error.js';

export interface ClientOptions {
  /** The platform's address, e.g. `http://127.0.0.1:8080`. */
  url: string;
  /** An API key with a role the routes allow (dialer or admin); sent as `Authorization: Bearer`. */
  apiKey: string;
  /** Per-request time limit in milliseconds (default 10,000). */
  timeoutMs?: number;
  /** The fetch to use (default: the global one). */
  fetch?: typeof fetch;
}

export interface CallOptions {
  /** Aborts the request (in addition to the time limit). */
  signal?: AbortSignal;
}

export type Method = 'GET' | 'POST';

/** One JSON request to the API: the answer's body, or a DialwiseApiError. */
export type Send = (
  method: Method,
  path: string,
  body: unknown,
  opts?: CallOptions & {
    /** `body` is JSON text already. */
    raw?: boolean;
    /** A refusal status whose body is still the answer. */
    accept?: (status: number, body: unknown) => boolean;
  },
) => Promise<unknown>;

export function createTransport(options: ClientOptions): Send {
  const base = options.url.replace(/\/+$/, '');
  const timeoutMs = options.timeoutMs ?? 10_000;
  const doFetch = options.fetch ?? globalThis.fetch;
  const headers = {
    authorization: `Bearer ${options.apiKey}`,
    accept: 'application/json',
    'content-type': 'application/json',
  };

  return async (method, path, body, opts = {}) => {
    const timeout = AbortSignal.timeout(timeoutMs);
    const signal = opts.signal ? AbortSignal.any([opts.signal, timeout]) : timeout;
    let res: Response;
    try {
      res = await doFetch(`${base}${path}`, {
        method,
        headers,
        body: body === undefined ? undefined : opts.raw ? String(body) : JSON.stringify(body),
        signal,
      });
    } catch (err) {
      throw unanswered(method, path, err, timeout.aborted, timeoutMs);
    }
    const text = await res.text();
    const parsed = parseOrText(text);
    if (res.ok || opts.accept?.(res.status, parsed)) return res.status === 204 ? undefined : parsed;
    throw refusal(res, parsed, method, path);
  };
}

function parseOrText(text: string): unknown {
  if (text === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

function unanswered(
  method: Method,
  path: string,
  err: unknown,
  timedOut: boolean,
  timeoutMs: number,
): DialwiseApiError {
  if (timedOut)
    return new DialwiseApiError(0, 'TIMEOUT', `${method} ${path}: no answer in ${timeoutMs} ms`, {
      retriable: true,
      cause: err,
    });
  const aborted = err instanceof Error && err.name === 'AbortError';
  const reason = err instanceof Error ? err.message : String(err);
  return new DialwiseApiError(0, aborted ? 'ABORTED' : 'NETWORK', `${method} ${path}: ${reason}`, {
    retriable: !aborted,
    cause: err,
  });
}

/** The server's `{ error: { code, message } }`, or the status alone for anything else. */
function refusal(res: Response, body: unknown, method: Method, path: string): DialwiseApiError {
  const error = (body as { error?: { code?: unknown; message?: unknown } } | undefined)?.error;
  const code = typeof error?.code === 'string' ? error.code : `HTTP_${res.status}`;
  const message = typeof error?.message === 'string' ? error.message : res.statusText;
  const retryAfterS = retryAfterSeconds(res.headers.get('retry-after'), Date.now());
  return new DialwiseApiError(res.status, code, `${method} ${path}: ${res.status} ${message}`, {
    ...(retryAfterS === undefined ? {} : { retryAfterS }),
  });
}
