import { z } from 'zod';
import { DialwiseError } from '../../core/errors.js';
import { SPEAKERS } from '../../core/events/index.js';
import type { Store } from '../../core/store/store.js';
import {
  audit,
  decodeCursor,
  encodeCursor,
  requireTranscriptReader,
  type Principal,
  type SqlScope,
} from '../records/index.js';
import { turnsBySeq } from './turn-lookup.js';
import { search } from './index-query.js';
import { fold, matchOf, tokensOf } from './format/index.js';

export type { Principal } from '../records/index.js';

export interface TranscriptQuery {
  text: string;
  speaker?: 'customer' | 'bot' | 'agent';
  from?: string;
  to?: string;
  /** Default 20, at most 100. */
  limit?: number;
  /** Opaque cursor: the `nextCursor` of the previous page. */
  after?: string;
}

export interface TranscriptHit {
  call_id: string;
  customer_id: string;
  turn: number;
  speaker: string;
  /** ISO 8601, UTC. */
  ts: string;
  text: string;
  /** JS string offsets into `text`, [start, end), sorted and merged. */
  highlights: { start: number; end: number }[];
}

export interface TranscriptPage {
  hits: TranscriptHit[];
  nextCursor: string | null;
  /** All matches, counted on the first page only (no `after`). */
  total?: number;
}

// Years DuckDB parses in the ISO form that the time filter hands it.
const FIRST_MS = Date.parse('0001-01-01T00:00:00Z');
const LAST_MS = Date.parse('9999-12-31T23:59:59.999Z');

const isoDate = (field: string) =>
  z.string().refine((s) => {
    const ms = Date.parse(s);
    return ms >= FIRST_MS && ms <= LAST_MS;
  }, `${field} must be an ISO 8601 date (years 1 to 9999)`);

const querySchema = z.object({
  text: z
    .string()
    .max(500)
    .refine((s) => s.trim().length > 0, 'text must not be empty'),
  speaker: z.enum(SPEAKERS).optional(),
  from: isoDate('from').optional(),
  to: isoDate('to').optional(),
  limit: z.number().int().min(1).max(100).default(20),
  after: z.string().optional(),
});

// The cursor is the last seq shown (turns are listed by seq, newest first), in
// the lists' keyset form with an empty tie-break: one cursor format for every page.
const seqCursor = (seq: number): string => encodeCursor({ key: seq, id: '' });

/** NFKC, lower case, split on whitespace; duplicates dropped. */
export const queryTerms = (text: string): string[] => [
  ...new Set(fold(text).split(/\s+/u).filter(Boolean)),
];

/** Folds per character as the tokeniser does, keeping every JS offset where it was. */
const foldKeepingOffsets = (s: string): string =>
  s.replace(/[\s\S]/gu, (c) => {
    const f = fold(c);
    return f.length === c.length ? f : c;
  });

/** Every occurrence of every term in `text`, merged where they overlap or touch. */
export function highlightsOf(text: string, terms: string[]): { start: number; end: number }[] {
  const folded = foldKeepingOffsets(text);
  const spans: { start: number; end: number }[] = [];
  for (const term of terms) {
    for (let i = folded.indexOf(term); i >= 0; i = folded.indexOf(term, i + 1))
      spans.push({ start: i, end: i + term.length });
  }
  spans.sort((a, b) => a.start - b.start || a.end - b.end);
  const merged: { start: number; end: number }[] = [];
  for (const s of spans) {
    const last = merged[merged.length - 1];
    if (last && s.start <= last.end) last.end = Math.max(last.end, s.end);
    else merged.push({ ...s });
  }
  return merged;
}

/** What the audit log keeps of a query: terms and filters, never results. */
function auditTarget(raw: unknown): string {
  const q = (typeof raw === 'object' && raw !== null ? raw : {}) as Record<string, unknown>;
  const str = (v: unknown) => (typeof v === 'string' ? v : undefined);
  return JSON.stringify({
    terms: typeof q.text === 'string' ? queryTerms(q.text) : [],
    speaker: str(q.speaker),
    from: str(q.from),
    to: str(q.to),
    limit: typeof q.limit === 'number' ? q.limit : undefined,
    after: str(q.after),
  });
}

/**
 * Keyword search over dialog turns on the search index (see search-query):
 * every query token must match, words of three or more characters as
 * prefixes. Newest stored first, keyset-paginated by seq. Compliance and
 * admin only; every call, denied or not, leaves one audit_log row.
 */
export async function searchTranscripts(
  store: Store,
  principal: Principal,
  q: TranscriptQuery,
  scope?: SqlScope,
): Promise<TranscriptPage> {
  await requireTranscriptReader(store, principal, 'transcripts.search.denied', auditTarget(q));
  const parsed = querySchema.safeParse(q);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const field = issue.path.join('.') || 'query';
    throw new DialwiseError('BAD_REQUEST', `${field}: ${issue.message}`);
  }
  const input = parsed.data;
  // Seqs are whole and positive: a fractional or negative position is the next one that is.
  const before =
    input.after === undefined
      ? undefined
      : Math.max(Math.ceil(decodeCursor(input.after, 'number').key), 0);

  await audit(store, principal, 'transcripts.search', auditTarget(input));

  const tokens = tokensOf(input.text);
  const first = before === undefined;
  if (tokens.length === 0) return { hits: [], nextCursor: null, ...(first && { total: 0 }) };
  const plan = {
    tokens: tokens.map((token) => ({ token, match: matchOf(token) })),
    ...(input.speaker && { speaker: input.speaker }),
    ...(input.from && { fromMs: Date.parse(input.from) }),
    ...(input.to && { toMs: Date.parse(input.to) }),
  };
  const found = scope
    ? { seqs: await scopedSeqs(store, plan, input.limit + 1, before, scope), total: undefined }
    : await search(store, plan, {
        want: input.limit + 1,
        count: first,
        ...(before !== undefined && { before }),
      });
  const shown = found.seqs.slice(0, input.limit);
  const rows = await pageRows(store, shown);
  const result: TranscriptPage = {
    hits: rows.map((r) => ({
      call_id: r.call_id,
      customer_id: r.customer_id,
      turn: r.turn,
      speaker: r.speaker,
      ts: new Date(Number(r.us / 1000n)).toISOString(),
      text: r.text,
      highlights: highlightsOf(r.text, tokens),
    })),
    nextCursor: found.seqs.length > input.limit ? seqCursor(shown[shown.length - 1]!) : null,
  };
  // A campaign-scoped reader gets no total: it would count other campaigns' turns.
  if (first && !scope) result.total = found.total ?? 0;
  return result;
}

/** Rounds of the index a campaign-scoped search reads at most for one page. */
const SCOPED_ROUNDS = 8;

/**
 * The newest `want` matches within the scope (turns of the reader's
 * campaigns' calls): the index pages back in larger steps and the scope is
 * checked on the turns, for at most SCOPED_ROUNDS rounds.
 */
async function scopedSeqs(
  store: Store,
  plan: Parameters<typeof search>[1],
  want: number,
  before: number | undefined,
  scope: SqlScope,
): Promise<number[]> {
  const kept: number[] = [];
  let from = before;
  for (let round = 0; round < SCOPED_ROUNDS && kept.length < want; round++) {
    const page = await search(store, plan, {
      want: want * 4,
      count: false,
      ...(from !== undefined && { before: from }),
    });
    if (page.seqs.length === 0) break;
    const ok = await store.query<{ seq: bigint }>(
      `SELECT seq FROM turns WHERE seq IN (${page.seqs.map(() => '?').join(', ')}) AND ${scope.sql}`,
      [...page.seqs.map((q) => BigInt(q)), ...scope.params],
    );
    const inScope = new Set(ok.map((r) => Number(r.seq)));
    kept.push(...page.seqs.filter((q) => inScope.has(q)));
    if (page.seqs.length < want * 4) break;
    from = page.seqs[page.seqs.length - 1];
  }
  return kept.slice(0, want);
}

interface TurnRow {
  seq: bigint;
  call_id: string;
  customer_id: string;
  turn: number;
  speaker: string;
  text: string;
  us: bigint;
}

/** The turns of a page, in the page's order; one deleted since it was indexed (erased, expired) is left out. */
async function pageRows(store: Store, seqs: number[]): Promise<TurnRow[]> {
  const rows = await turnsBySeq<TurnRow>(
    store,
    'seq, call_id, customer_id, turn, speaker, text, epoch_us(ts) AS us',
    seqs,
  );
  const bySeq = new Map(rows.map((r) => [Number(r.seq), r]));
  return seqs.flatMap((s) => bySeq.get(s) ?? []);
}
