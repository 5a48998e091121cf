import { DialwiseError } from '../../core/errors.js';

/** A keyset position: the sort key of the last row shown and its id (the tie-break). */
export interface Cursor<K extends number | string> {
  key: K;
  id: string;
}

const LIMIT = 2 ** 53;

/** Opaque to clients: base64url of a JSON pair. */
export const encodeCursor = (c: Cursor<number | string>): string =>
  Buffer.from(JSON.stringify([c.key, c.id])).toString('base64url');

export function decodeCursor(s: string, kind: 'number'): Cursor<number>;
export function decodeCursor(s: string, kind: 'string'): Cursor<string>;
export function decodeCursor(s: string, kind: 'number' | 'string'): Cursor<number | string> {
  try {
    const v: unknown = JSON.parse(Buffer.from(s, 'base64url').toString('utf8'));
    if (Array.isArray(v) && v.length === 2 && typeof v[0] === kind && typeof v[1] === 'string')
      // Past ±2^53 every position is the same end of the list (and fits a BIGINT parameter).
      return {
        key: typeof v[0] === 'number' ? Math.min(Math.max(v[0], -LIMIT), LIMIT) : v[0],
        id: v[1],
      };
  } catch {
    // not JSON: fall through
  }
  throw new DialwiseError('BAD_REQUEST', 'after: not a valid cursor');
}
