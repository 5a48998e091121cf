/**
 * Which blocks of a segment hold a term. A segment's postings are stored as
 * blocks of a few thousand buckets, one row (at most 4 KB) each, rather than
 * a row per term: a lookup then reads a handful of rows per segment instead
 * of scanning millions of term strings. Words are placed by their first
 * three characters, so every word a query prefix can expand to sits in the
 * prefix's own bucket; each speaker has a bucket, and each day's hours one,
 * so filters read only the speaker and the days they ask for.
 */
import { pseudoBucket } from './index-terms.js';
import { isCjk, PREFIX_MIN } from '../../../core/text-tokens.js';

export const BUCKETS = 16_384;

/** Fixed width, so that keys sort as numbers: merges read them in ranges. */
export const bucketKey = (bucket: number): string => String(bucket).padStart(5, '0');

/** The key of the block holding `term` (or every word starting with a query prefix). */
export function bucketOf(term: string): string {
  const pseudo = pseudoBucket(term);
  if (pseudo !== undefined) return pseudo;
  let end = term.length;
  if (!isCjk(term)) {
    end = 0;
    for (let chars = 0; chars < PREFIX_MIN && end < term.length; chars++)
      end += (term.codePointAt(end) ?? 0) > 0xffff ? 2 : 1;
  }
  let h = 0x811c9dc5;
  for (let i = 0; i < end; i++) h = Math.imul(h ^ term.charCodeAt(i), 0x01000193);
  return bucketKey((h >>> 0) % BUCKETS);
}
