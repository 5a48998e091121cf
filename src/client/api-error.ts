/**
 * What a client call that failed tells its caller: the HTTP status (0 when
 * no answer came), the server's error code, whether trying again may help,
 * and when (the server's Retry-After). Retry logic reads `retriable` and
 * `retryAfterS`, never the message.
 */
export class DialwiseApiError extends Error {
  /** HTTP status; 0 when the request never got an answer (network, timeout). */
  readonly status: number;
  /** The server's code (BAD_REQUEST, UNAUTHENTICATED, RATE_LIMITED, …), or NETWORK / TIMEOUT. */
  readonly code: string;
  readonly retriable: boolean;
  /** Seconds the server asked the caller to wait before trying again. */
  readonly retryAfterS: number | undefined;

  constructor(
    status: number,
    code: string,
    message: string,
    opts: { retriable?: boolean; retryAfterS?: number; cause?: unknown } = {},
  ) {
    super(message, { cause: opts.cause });
    this.name = 'DialwiseApiError';
    this.status = status;
    this.code = code;
    this.retryAfterS = opts.retryAfterS;
    this.retriable = opts.retriable ?? (opts.retryAfterS !== undefined || RETRIABLE.has(status));
  }
}

/** Overloaded or briefly unavailable: the same request may succeed later. */
const RETRIABLE = new Set([429, 502, 503, 504]);

/** Retry-After as seconds: a number of seconds or an HTTP date. */
export function retryAfterSeconds(header: string | null, nowMs: number): number | undefined {
  if (header === null || header.trim() === '') return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return Math.max(0, seconds);
  const at = Date.parse(header);
  return Number.isNaN(at) ? undefined : Math.max(0, Math.ceil((at - nowMs) / 1000));
}
