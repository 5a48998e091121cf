/**
 * Typed errors. Retry and dead-letter logic read `code` and `retriable`,
 * never the message; the API edge maps `code` to an HTTP status.
 */
export type ErrorCode =
  | 'CONFIG_INVALID'
  | 'EVENT_INVALID'
  | 'UNAUTHENTICATED'
  | 'FORBIDDEN'
  | 'BAD_REQUEST'
  | 'NOT_FOUND'
  | 'STORE_FAILED'
  | 'UPSTREAM_FAILED';

export class DialwiseError extends Error {
  readonly code: ErrorCode;
  readonly retriable: boolean;

  constructor(
    code: ErrorCode,
    message: string,
    opts: { retriable?: boolean; cause?: unknown } = {},
  ) {
    super(message, { cause: opts.cause });
    this.name = 'DialwiseError';
    this.code = code;
    this.retriable = opts.retriable ?? false;
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
    STORE_FAILED: 503,
    UPSTREAM_FAILED: 502,
  })[code];
