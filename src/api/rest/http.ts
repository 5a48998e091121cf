import { randomUUID } from 'node:crypto';
import type { z } from 'zod';
import { DialwiseError, httpStatusOf } from '../../core/errors.js';
import { idSchema } from '../../core/events/index.js';
import { parseBoundedJson } from '../../core/json.js';

/** Sent with every response: the dashboard runs only its own code, in no frame. */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'content-security-policy':
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; media-src 'self' blob:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  'x-frame-options': 'DENY',
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
};

export const errorBody = (code: string, message: string): string =>
  JSON.stringify({ error: { code, message } });

/** What a refusal tells the client besides its body: when to retry, and how to go on. */
export function errorHeaders(err: DialwiseError): Record<string, string> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (err.code === 'UNAUTHENTICATED') headers['www-authenticate'] = 'Bearer';
  if (err.retryAfterS !== undefined) headers['retry-after'] = String(err.retryAfterS);
  if (err.allow) headers.allow = err.allow.join(', ');
  // The rest of an oversized body was never read: the connection cannot carry another request.
  if (err.code === 'PAYLOAD_TOO_LARGE') headers.connection = 'close';
  return headers;
}

export const errorResponse = (err: DialwiseError): Response =>
  new Response(errorBody(err.code, err.message), {
    status: httpStatusOf(err.code),
    headers: errorHeaders(err),
  });

/**
 * The body as text, refused with 413 as soon as it passes `maxBytes` (the
 * declared length is checked first, then what actually arrives).
 */
export async function readBody(request: Request, maxBytes: number): Promise<string> {
  return (await readBytes(request, maxBytes)).toString('utf8');
}

/** The body's bytes (a request's, or a fetched response's), refused past `maxBytes` without reading further. */
export async function readBytes(
  request: Pick<Request, 'headers' | 'body'>,
  maxBytes: number,
): Promise<Buffer> {
  const tooLarge = () =>
    new DialwiseError('PAYLOAD_TOO_LARGE', `request body is larger than ${maxBytes} bytes`);
  const declared = Number(request.headers.get('content-length') ?? NaN);
  if (declared > maxBytes) throw tooLarge();
  if (!request.body) return Buffer.alloc(0);
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    // A client that goes away mid-body is its own loss, not the server's error.
    const { done, value } = await reader.read().catch((err: unknown) => {
      throw new DialwiseError('BAD_REQUEST', 'the request body was cut short', { cause: err });
    });
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel().catch(() => undefined);
      throw tooLarge();
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks);
}

/** JSON within the depth limit and well-formed, or a 400 naming what is wrong. */
export function parseJson(text: string, maxDepth: number): unknown {
  const r = parseBoundedJson(text, maxDepth);
  if (!r.ok) throw new DialwiseError('BAD_REQUEST', `body: ${r.reason}`);
  return r.value;
}

/** Validates against a schema; a 400 names every bad field. */
export function validate<T>(value: unknown, schema: z.ZodType<T>, what = 'body'): T {
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  throw new DialwiseError(
    'BAD_REQUEST',
    r.error.issues.map((i) => `${i.path.join('.') || `(${what})`}: ${i.message}`).join('; '),
  );
}

/**
 * The caller's X-Request-Id when it is a plain token (at most 64 of letters,
 * digits and `._:-`, an id the events take), else a new one: the id a
 * turn's events and logs carry (answered back in X-Request-Id).
 */
export function requestIdOf(header: string | string[] | null | undefined): string {
  const given = typeof header === 'string' ? header : undefined;
  return given && /^[A-Za-z0-9._:-]{1,64}$/.test(given) && idSchema.safeParse(given).success
    ? given
    : randomUUID();
}
