/** The search index's tables, read and written (migration 7 creates them). */
import type { Store, Tx } from '../../core/store/store.js';
import type { BlockBatch } from './format/index.js';
import type { SegmentInfo } from './segment-merge.js';

/**
 * What the indexer needs of a store: a test may hand it one that fails on cue.
 * A search_postings row is one block of a segment (search-blocks): `term`
 * holds the block's bucket key, `n` its number of terms, `seqs` the block.
 */
export type IndexStore = Pick<Store, 'query' | 'transaction'>;

type Reader = IndexStore | Tx;
const read = <T>(r: Reader, sql: string, params: bigint[] = []): Promise<T[]> =>
  'all' in r ? r.all<T>(sql, params) : r.query<T>(sql, params);

/** The highest indexed seq; 0 before the first segment. */
export async function watermark(r: Reader): Promise<number> {
  const [row] = await read<{ w: bigint | null }>(
    r,
    'SELECT max(last_seq) AS w FROM search_segments',
  );
  return row?.w == null ? 0 : Number(row.w);
}

export async function segments(r: Reader): Promise<SegmentInfo[]> {
  const rows = await read<{ segment: number; level: number; f: bigint; l: bigint; turns: number }>(
    r,
    `SELECT segment, level, first_seq AS f, last_seq AS l, turns FROM search_segments
     ORDER BY first_seq`,
  );
  return rows.map((s) => ({
    segment: s.segment,
    level: s.level,
    firstSeq: Number(s.f),
    lastSeq: Number(s.l),
    turns: s.turns,
  }));
}

const joined = (values: ArrayLike<number>): string => Array.prototype.join.call(values, ',');

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const BASE64 = Uint8Array.from(ALPHABET, (c) => c.charCodeAt(0));
const PAD = '='.charCodeAt(0);
const COMMA = ','.charCodeAt(0);

/** Each block as base64, joined by commas: one string for all of them, built in one pass. */
function base64List(bytes: Uint8Array, ends: ArrayLike<number>): string {
  const out = new Uint8Array(Math.ceil(bytes.length / 3) * 4 + ends.length * 4);
  let o = 0;
  let from = 0;
  for (let t = 0; t < ends.length; t++) {
    if (t > 0) out[o++] = COMMA;
    const to = ends[t]!;
    let i = from;
    for (; i + 2 < to; i += 3) {
      const v = (bytes[i]! << 16) | (bytes[i + 1]! << 8) | bytes[i + 2]!;
      out[o++] = BASE64[v >>> 18]!;
      out[o++] = BASE64[(v >>> 12) & 63]!;
      out[o++] = BASE64[(v >>> 6) & 63]!;
      out[o++] = BASE64[v & 63]!;
    }
    if (i < to) {
      const two = i + 1 < to;
      const v = (bytes[i]! << 16) | (two ? bytes[i + 1]! << 8 : 0);
      out[o++] = BASE64[v >>> 18]!;
      out[o++] = BASE64[(v >>> 12) & 63]!;
      out[o++] = two ? BASE64[(v >>> 6) & 63]! : PAD;
      out[o++] = PAD;
    }
    from = to;
  }
  return Buffer.from(out.buffer, 0, o).toString('latin1');
}

/**
 * An id for a new segment, above those of the blocks too: a merge writes its
 * blocks before its segment row. Always positive: rewritten segments take
 * negative ids (index-drop.ts).
 */
export async function newSegmentId(tx: Tx): Promise<number> {
  const [row] = await tx.all<{ id: number }>(
    `SELECT (greatest(coalesce((SELECT max(segment) FROM search_segments), 0),
       coalesce((SELECT max(segment) FROM search_postings), 0)) + 1)::INTEGER AS id`,
  );
  return row!.id;
}

/**
 * An id for a segment rewritten without some turns: below every other id, so
 * it never meets the id a merge in progress has taken for its blocks (a merge
 * finds its run gone and drops what it wrote).
 */
export async function rewrittenSegmentId(tx: Tx): Promise<number> {
  const [row] = await tx.all<{ id: number }>(
    `SELECT (least(coalesce((SELECT min(segment) FROM search_segments), 0),
       coalesce((SELECT min(segment) FROM search_postings), 0)) - 1)::INTEGER AS id`,
  );
  return row!.id;
}

export async function addSegment(
  tx: Tx,
  id: number,
  seg: Omit<SegmentInfo, 'segment'>,
): Promise<void> {
  await tx.run('INSERT INTO search_segments VALUES (?, ?, ?, ?, ?, now())', [
    id,
    seg.level,
    BigInt(seg.firstSeq),
    BigInt(seg.lastSeq),
    seg.turns,
  ]);
}

/**
 * Adds blocks to segment `id`. They travel as three strings (keys, counts,
 * base64 blocks) that DuckDB splits and decodes: far fewer calls into the
 * client than a value per block. (Slicing one large blob in DuckDB would
 * copy all of it per row.)
 */
export async function writeBlocks(tx: Tx, id: number, batch: BlockBatch): Promise<void> {
  if (batch.keys.length === 0) return;
  await tx.run(
    `INSERT INTO search_postings
     SELECT ?, term, n, from_base64(b) FROM (
       SELECT unnest(string_split(?, chr(10))) AS term,
         unnest(string_split(?, ',')::INTEGER[]) AS n,
         unnest(string_split(?, ',')) AS b)
     ORDER BY term`,
    [id, batch.keys.join('\n'), joined(batch.counts), base64List(batch.bytes, batch.ends)],
  );
}

/** Drops merged segments with their blocks. */
export async function dropSegments(tx: Tx, ids: readonly number[]): Promise<void> {
  const list = ids.map(() => '?').join(', ');
  await tx.run(`DELETE FROM search_postings WHERE segment IN (${list})`, [...ids]);
  await tx.run(`DELETE FROM search_segments WHERE segment IN (${list})`, [...ids]);
}

/** Drops the blocks of a merge that never finished: no segment row names them, no query reads them. */
export async function dropOrphans(tx: Tx): Promise<void> {
  await tx.run(
    'DELETE FROM search_postings WHERE segment NOT IN (SELECT segment FROM search_segments)',
  );
}

/** The blocks of `ids` whose keys lie in [lo, hi), by key. */
export async function readBlocks(
  store: IndexStore,
  ids: readonly number[],
  lo: string,
  hi: string,
): Promise<{ segment: number; key: string; block: Uint8Array }[]> {
  return store.query(
    `SELECT segment, term AS key, seqs AS block FROM search_postings
     WHERE segment IN (${ids.map(() => '?').join(', ')}) AND term >= ? AND term < ?
     ORDER BY term`,
    [...ids, lo, hi],
  );
}
