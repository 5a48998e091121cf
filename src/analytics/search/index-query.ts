/**
 * Runs a transcript search on the index: one statement reads the segments
 * and the blocks holding the query's terms (one snapshot, whatever the
 * indexer does meanwhile), the segments are intersected in JS, the turns
 * past the watermark are tokenised and matched as they are, and the turns
 * of the hours a time filter cuts are checked against their timestamps.
 */
import type { Store } from '../../core/store/store.js';
import {
  type BlockEntry,
  bucketOf,
  decodeBlock,
  fold,
  forEachToken,
  type HourWindow,
  hourWindow,
  type Posting,
  speakerTerm,
  termMatches,
  type TokenMatch,
} from './format/index.js';
import { evaluateSegment, type SegmentMatches, type SegmentPostings } from './segment-matches.js';
import { turnsBySeq } from './turn-lookup.js';

/** A prefix reads this many of the words it expands to at most, the most frequent. */
const EXPANSION_CAP = 256;

export interface QueryToken {
  token: string;
  match: TokenMatch;
}

export interface SearchPlan {
  tokens: QueryToken[];
  speaker?: string;
  fromMs?: number;
  toMs?: number;
}

export interface SearchResult {
  /** Matching seqs below the cursor, newest first, at most `want`. */
  seqs: number[];
  /** Every match, when asked for. */
  total?: number;
}

interface Row {
  segment: number;
  key: string | null;
  block: Uint8Array | null;
  first_seq: bigint | null;
  span: number | null;
}

/** A segment's blocks, decoded as they are needed. */
interface Segment {
  firstSeq: number;
  span: number;
  blocks: Map<string, Uint8Array[]>;
  decoded: Map<string, BlockEntry[]>;
}

export async function search(
  store: Store,
  plan: SearchPlan,
  page: { want: number; before?: number; count: boolean },
): Promise<SearchResult> {
  // Keys: the query's tokens, then the speaker. A single CJK character is an
  // index term of its own, so only words expand.
  const keys: QueryToken[] = plan.tokens.map((t) =>
    t.match === 'char' ? { ...t, match: 'exact' } : t,
  );
  if (plan.speaker !== undefined) keys.push({ token: speakerTerm(plan.speaker), match: 'exact' });
  const window =
    plan.fromMs !== undefined || plan.toMs !== undefined
      ? hourWindow(plan.fromMs, plan.toMs)
      : undefined;
  const buckets = [...new Set(keys.map((k) => bucketOf(k.token)))];
  const { segs, watermark } = await readIndex(store, buckets, window, page.before);
  const allowed = expansions(segs, keys);
  const before = page.before ?? Number.MAX_SAFE_INTEGER;
  const tail = await matchTail(store, plan, allowed, watermark, { ...page, before });

  const need = page.want - Math.min(tail.length, page.want);
  const found: { firstSeq: number; matches: SegmentMatches }[] = [];
  let counted = 0;
  let listed = 0;
  for (const seg of segs) {
    // Without a count, older segments only matter until the page is full.
    if (!page.count && listed >= need) break;
    const postings = postingsOf(seg, keys, allowed, window);
    const below = Math.min(before - seg.firstSeq, seg.span);
    const matches = evaluateSegment(postings, window !== undefined, below, need);
    found.push({ firstSeq: seg.firstSeq, matches });
    counted += matches.size;
    listed += matches.definite.length;
  }
  const edges = found.flatMap((f) => f.matches.edge.map((o) => o + f.firstSeq));
  const verified = new Set(edges.length > 0 ? await inWindow(store, edges, plan) : []);
  const hits = [...tail];
  for (const { firstSeq, matches } of found) {
    if (hits.length >= page.want) break;
    const inSeg = [
      ...matches.definite.map((o) => o + firstSeq),
      ...matches.edge.map((o) => o + firstSeq).filter((s) => verified.has(s)),
    ].sort((a, b) => b - a);
    hits.push(...inSeg.slice(0, page.want - hits.length));
  }
  return {
    seqs: hits,
    ...(page.count && { total: tail.length + counted + verified.size }),
  };
}

/**
 * The segments (newest first) with the blocks of `buckets` and of the days
 * the window spans, and the watermark, in one snapshot. (A list_contains is
 * checked on the key column inside the scan, where DuckDB reads the blobs of
 * every row near one an IN list matches.)
 */
async function readIndex(
  store: Store,
  buckets: string[],
  window: HourWindow | undefined,
  before: number | undefined,
) {
  const params: (string | bigint)[] = before === undefined ? [] : [BigInt(before)];
  params.push(buckets.join('\n'));
  if (window) params.push(window.firstDay, window.lastDay);
  const rows = await store.query<Row>(
    `WITH s AS (
       SELECT segment, first_seq, last_seq FROM search_segments
       ${before === undefined ? '' : 'WHERE first_seq < ?'})
     SELECT segment, term AS key, seqs AS block, NULL::BIGINT AS first_seq, NULL::INTEGER AS span
     FROM search_postings
     WHERE (list_contains(string_split(?, chr(10)), term)
       ${window ? 'OR (term >= ? AND term <= ?)' : ''})
       AND segment IN (SELECT segment FROM s)
     UNION ALL
     SELECT segment, NULL, NULL, first_seq, (last_seq - first_seq + 1)::INTEGER FROM s`,
    params,
  );
  const byId = new Map<number, Segment>();
  const segOf = (id: number): Segment => {
    let seg = byId.get(id);
    if (!seg) byId.set(id, (seg = { firstSeq: 0, span: 0, blocks: new Map(), decoded: new Map() }));
    return seg;
  };
  let watermark = 0;
  for (const row of rows) {
    const seg = segOf(row.segment);
    if (row.block) {
      const list = seg.blocks.get(row.key!);
      if (list) list.push(row.block);
      else seg.blocks.set(row.key!, [row.block]);
    } else {
      seg.firstSeq = Number(row.first_seq);
      seg.span = row.span!;
      watermark = Math.max(watermark, seg.firstSeq + seg.span - 1);
    }
  }
  const segs = [...byId.values()].sort((a, b) => b.firstSeq - a.firstSeq);
  return { segs, watermark };
}

function entriesOf(seg: Segment, key: string): BlockEntry[] {
  let entries = seg.decoded.get(key);
  if (!entries) {
    seg.decoded.set(key, (entries = (seg.blocks.get(key) ?? []).flatMap(decodeBlock)));
  }
  return entries;
}

/**
 * Per prefix key, the words it may match when there are more than the cap:
 * the most frequent over all segments. Undefined where every match counts.
 */
function expansions(
  segs: readonly Segment[],
  keys: readonly QueryToken[],
): (Set<string> | undefined)[] {
  return keys.map(({ token, match }) => {
    if (match !== 'prefix') return undefined;
    const totals = new Map<string, number>();
    for (const seg of segs)
      for (const e of entriesOf(seg, bucketOf(token)))
        if (e.term.startsWith(token)) totals.set(e.term, (totals.get(e.term) ?? 0) + e.n);
    if (totals.size <= EXPANSION_CAP) return undefined;
    const top = [...totals].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
    return new Set(top.slice(0, EXPANSION_CAP).map(([term]) => term));
  });
}

function postingsOf(
  seg: Segment,
  keys: readonly QueryToken[],
  allowed: readonly (Set<string> | undefined)[],
  window: HourWindow | undefined,
): SegmentPostings {
  const keyPostings = keys.map(({ token, match }, k): Posting[] =>
    entriesOf(seg, bucketOf(token)).filter((e) =>
      match === 'prefix'
        ? e.term.startsWith(token) && (allowed[k]?.has(e.term) ?? true)
        : e.term === token,
    ),
  );
  const hours: Posting[] = [];
  const edges: Posting[] = [];
  if (window) {
    const cut = new Set(window.edges);
    for (const key of seg.blocks.keys()) {
      if (key < window.firstDay || key > window.lastDay) continue;
      for (const e of entriesOf(seg, key)) {
        if (cut.has(e.term)) edges.push(e);
        else if (e.term >= window.lo && e.term < window.hi) hours.push(e);
      }
    }
  }
  return { firstSeq: seg.firstSeq, span: seg.span, keys: keyPostings, hours, edges };
}

/** Tail turns read per statement: a lagging indexer must not make one query hold them all. */
const TAIL_BATCH = 20_000;

/**
 * Turns not indexed yet, matched in JS by the index's rules; newest first.
 * Without a count, only until `want` are found.
 */
async function matchTail(
  store: Store,
  plan: SearchPlan,
  allowed: readonly (Set<string> | undefined)[],
  watermark: number,
  page: { want: number; before: number; count: boolean },
): Promise<number[]> {
  const out: number[] = [];
  for (let below = page.before; ;) {
    const where = ['seq > ?', 'seq < ?'];
    const params: (string | bigint)[] = [BigInt(watermark), BigInt(below)];
    filters(plan, where, params);
    const rows = await store.query<{ seq: bigint; text: string }>(
      `SELECT seq, text FROM turns WHERE ${where.join(' AND ')} ORDER BY seq DESC LIMIT ${TAIL_BATCH}`,
      params,
    );
    for (const row of rows)
      if (matchesTurn(row.text, plan.tokens, allowed)) out.push(Number(row.seq));
    if (rows.length < TAIL_BATCH || (!page.count && out.length >= page.want)) return out;
    below = Number(rows[rows.length - 1]!.seq);
  }
}

function matchesTurn(
  text: string,
  tokens: readonly QueryToken[],
  allowed: readonly (Set<string> | undefined)[],
): boolean {
  const terms = new Set<string>();
  forEachToken(fold(text), (t) => terms.add(t));
  return tokens.every(({ token, match }, k) => {
    if (match === 'exact') return terms.has(token);
    for (const t of terms)
      if (termMatches(t, token, match) && (allowed[k]?.has(t) ?? true)) return true;
    return false;
  });
}

/** Which of the candidate seqs (from the hours a time filter cuts) lie inside it. */
async function inWindow(store: Store, seqs: number[], plan: SearchPlan): Promise<number[]> {
  const where: string[] = [];
  const params: (string | bigint)[] = [];
  filters({ ...plan, speaker: undefined }, where, params);
  const rows = await turnsBySeq<{ seq: bigint }>(
    store,
    'seq',
    seqs,
    where.join(' AND ') || 'true',
    params,
  );
  return rows.map((r) => Number(r.seq));
}

function filters(plan: SearchPlan, where: string[], params: (string | bigint)[]): void {
  if (plan.speaker !== undefined) {
    where.push('speaker = ?');
    params.push(plan.speaker);
  }
  if (plan.fromMs !== undefined) {
    where.push('ts >= ?::TIMESTAMPTZ');
    params.push(new Date(plan.fromMs).toISOString());
  }
  if (plan.toMs !== undefined) {
    where.push('ts < ?::TIMESTAMPTZ');
    params.push(new Date(plan.toMs).toISOString());
  }
}
