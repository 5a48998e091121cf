import { z } from 'zod';
import { DialwiseError } from '../core/errors.js';
import type { Store } from '../core/store/store.js';

/** Roles allowed to read customers' words. */
const SEARCH_ROLES = new Set(['compliance', 'admin']);

export interface Principal {
  name: string;
  role: string;
}

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

const isoDate = (field: string) =>
  z.string().refine((s) => !Number.isNaN(Date.parse(s)), `${field} must be an ISO 8601 date`);

const querySchema = z.object({
  text: z
    .string()
    .max(500)
    .refine((s) => s.trim().length > 0, 'text must not be empty'),
  speaker: z.enum(['customer', 'bot', 'agent']).optional(),
  from: isoDate('from').optional(),
  to: isoDate('to').optional(),
  limit: z.number().int().min(1).max(100).default(20),
  after: z.string().optional(),
});

interface Cursor {
  us: bigint;
  id: string;
}

const encodeCursor = (c: Cursor): string =>
  Buffer.from(JSON.stringify([String(c.us), c.id])).toString('base64url');

function decodeCursor(s: string): Cursor {
  try {
    const v: unknown = JSON.parse(Buffer.from(s, 'base64url').toString('utf8'));
    if (
      Array.isArray(v) &&
      v.length === 2 &&
      typeof v[0] === 'string' &&
      /^-?\d{1,20}$/.test(v[0]) &&
      typeof v[1] === 'string'
    )
      return { us: BigInt(v[0]), id: v[1] };
  } catch {
    // fall through
  }
  throw new DialwiseError('BAD_REQUEST', 'after: not a valid cursor');
}

/** NFKC, lower case, split on whitespace; duplicates dropped. */
export const queryTerms = (text: string): string[] => [
  ...new Set(text.normalize('NFKC').toLowerCase().split(/\s+/u).filter(Boolean)),
];

/** Lower-cases per character, keeping every JS offset where it was. */
const lowerKeepingOffsets = (s: string): string =>
  s.replace(/[\s\S]/gu, (c) => {
    const l = c.toLowerCase();
    return l.length === c.length ? l : c;
  });

/** Every occurrence of every term in `text`, merged where they overlap or touch. */
export function highlightsOf(text: string, terms: string[]): { start: number; end: number }[] {
  const lower = lowerKeepingOffsets(text);
  const spans: { start: number; end: number }[] = [];
  for (const term of terms) {
    for (let i = lower.indexOf(term); i >= 0; i = lower.indexOf(term, i + 1))
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

const audit = (store: Store, who: Principal, action: string, target: string) =>
  store.transaction((tx) =>
    tx.run('INSERT INTO audit_log VALUES (now(), ?, ?, ?, ?)', [
      who.name,
      who.role,
      action,
      target,
    ]),
  );

/**
 * Keyword search over dialog turns: every whitespace-separated term must
 * occur (case-insensitive for Latin letters, substrings for Chinese). Newest
 * first, keyset-paginated. Compliance and admin only; every call, denied or
 * not, leaves one audit_log row.
 */
export async function searchTranscripts(
  store: Store,
  principal: Principal,
  q: TranscriptQuery,
): Promise<TranscriptPage> {
  if (!SEARCH_ROLES.has(principal.role)) {
    await audit(store, principal, 'transcripts.search.denied', auditTarget(q));
    throw new DialwiseError('FORBIDDEN', `role ${principal.role} may not search transcripts`);
  }
  const parsed = querySchema.safeParse(q);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const field = issue.path.join('.') || 'query';
    throw new DialwiseError('BAD_REQUEST', `${field}: ${issue.message}`);
  }
  const input = parsed.data;
  const cursor = input.after === undefined ? undefined : decodeCursor(input.after);
  const terms = queryTerms(input.text);

  await audit(store, principal, 'transcripts.search', auditTarget(input));

  const where: string[] = [];
  const params: (string | bigint | number)[] = [];
  for (const term of terms) {
    where.push('contains(lower(text), ?)');
    params.push(term);
  }
  if (input.speaker) {
    where.push('speaker = ?');
    params.push(input.speaker);
  }
  if (input.from) {
    where.push('ts >= ?::TIMESTAMPTZ');
    params.push(input.from);
  }
  if (input.to) {
    where.push('ts < ?::TIMESTAMPTZ');
    params.push(input.to);
  }
  const filter = where.join(' AND ');
  const filterParams = [...params];
  let pageFilter = filter;
  if (cursor) {
    pageFilter += ' AND (epoch_us(ts) < ? OR (epoch_us(ts) = ? AND event_id > ?))';
    params.push(cursor.us, cursor.us, cursor.id);
  }
  params.push(input.limit + 1);

  const rows = await store.query<{
    event_id: string;
    call_id: string;
    customer_id: string;
    turn: number;
    speaker: string;
    text: string;
    us: bigint;
  }>(
    `SELECT event_id, call_id, customer_id, turn, speaker, text, epoch_us(ts) AS us
     FROM turns WHERE ${pageFilter} ORDER BY ts DESC, event_id LIMIT ?`,
    params,
  );
  const page = rows.slice(0, input.limit);
  const last = page[page.length - 1];
  const result: TranscriptPage = {
    hits: page.map((r) => ({
      call_id: r.call_id,
      customer_id: r.customer_id,
      turn: r.turn,
      speaker: r.speaker,
      ts: new Date(Number(r.us / 1000n)).toISOString(),
      text: r.text,
      highlights: highlightsOf(r.text, terms),
    })),
    nextCursor:
      rows.length > input.limit && last ? encodeCursor({ us: last.us, id: last.event_id }) : null,
  };
  if (!cursor) {
    const [count] = await store.query<{ n: number }>(
      `SELECT count(*)::INTEGER AS n FROM turns WHERE ${filter}`,
      filterParams,
    );
    result.total = count?.n ?? 0;
  }
  return result;
}
