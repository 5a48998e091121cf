/**
 * Typed errors. Retry and dead-letter logic read `code` and `retriable`,
 * never the message; the API edge maps `code` to an HTTP status.
 */
export const ERROR_CODES = [
  'CONFIG_INVALID',
  'EVENT_INVALID',
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'BAD_REQUEST',
  'NOT_FOUND',
  'METHOD_NOT_ALLOWED',
  'CONFLICT',
  'PAYLOAD_TOO_LARGE',
  'RATE_LIMITED',
  'STORE_FAILED',
  'UNAVAILABLE',
  'UPSTREAM_FAILED',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

export class DialwiseError extends Error {
  readonly code: ErrorCode;
  readonly retriable: boolean;
  /** For the caller: try again after this many seconds (HTTP Retry-After). */
  readonly retryAfterS: number | undefined;
  /** For METHOD_NOT_ALLOWED: the methods the path takes (HTTP Allow). */
  readonly allow: readonly string[] | undefined;

  constructor(
    code: ErrorCode,
    message: string,
    opts: {
      retriable?: boolean;
      cause?: unknown;
      retryAfterS?: number;
      allow?: readonly string[];
    } = {},
  ) {
    super(message, { cause: opts.cause });
    this.name = 'DialwiseError';
    this.code = code;
    this.retriable = opts.retriable ?? opts.retryAfterS !== undefined;
    this.retryAfterS = opts.retryAfterS;
    this.allow = opts.allow;
  }
}

export const httpStatusOf = (code: ErrorCode): number =>
  ({
    CONFIG_INVALID: 500,
    EVENT_INVALID: 400,
    BAD_REQUEST: 400,
    UNAUTHENTICATED: 401,
    FORBIDDEN: 403,
    NOT_FOUND: 404,
    METHOD_NOT_ALLOWED: 405,
    CONFLICT: 409,
    PAYLOAD_TOO_LARGE: 413,
    RATE_LIMITED: 429,
    STORE_FAILED: 503,
    UNAVAILABLE: 503,
    UPSTREAM_FAILED: 502,
  })[code];
