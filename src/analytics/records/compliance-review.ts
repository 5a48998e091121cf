import type { DuckDBValue } from '@duckdb/node-api';
import { z } from 'zod';
import { DialwiseError } from '../../core/errors.js';
import type { Store } from '../../core/store/store.js';
import { audit, requireTranscriptReader, type Principal } from './audit-log.js';
import { ALL, type SqlScope } from './customer-records.js';
import { decodeCursor, encodeCursor } from './page-cursor.js';

export interface FlaggedCall {
  call_id: string;
  customer_id: string;
  started_at: string | null;
  region: string | null;
  product_line: string | null;
  campaign_id: string | null;
  script_version: string | null;
  handled_by: string | null;
  outcome: string | null;
  hits: number;
  risk: number;
  rules: string[];
}

export interface FlaggedPage {
  calls: FlaggedCall[];
  nextCursor: string | null;
  /** Flagged calls in all, on the first page only. */
  total?: number;
}

/** A hit in our own words (bot or agent) weighs this much, one in the customer's 1. */
export const OWN_WORDS_RISK = 3;

const isoDate = (field: string) =>
  z.string().refine((s) => !Number.isNaN(Date.parse(s)), `${field} must be an ISO 8601 date`);
const flaggedQuery = z.object({
  from: isoDate('from').optional(),
  to: isoDate('to').optional(),
  minRisk: z.number().min(0).max(1e6).default(0),
  limit: z.number().int().min(1).max(100).default(20),
  after: z.string().optional(),
});

function parsed<T>(schema: z.ZodType<T>, input: unknown): T {
  const r = schema.safeParse(input);
  if (r.success) return r.data;
  const issue = r.error.issues[0]!;
  throw new DialwiseError('BAD_REQUEST', `${issue.path.join('.') || 'query'}: ${issue.message}`);
}

const iso = (v: unknown): string | null =>
  v === null || v === undefined ? null : new Date(String(v)).toISOString();

/**
 * Calls with compliance hits in [from, to) (by the hit's time), riskiest
 * first, keyset-paginated on (risk, call_id). Compliance and admin only:
 * the rules that hit say what was said.
 */
export async function flaggedCalls(
  store: Store,
  principal: Principal,
  query: unknown,
  scope: SqlScope = ALL,
): Promise<FlaggedPage> {
  await requireTranscriptReader(store, principal, 'calls.flagged.denied', JSON.stringify(query));
  const q = parsed(flaggedQuery, query ?? {});
  const cursor = q.after === undefined ? undefined : decodeCursor(q.after, 'number');
  const where = [scope.sql];
  const params: DuckDBValue[] = [...scope.params];
  if (q.from) {
    where.push('ts >= ?::TIMESTAMPTZ');
    params.push(q.from);
  }
  if (q.to) {
    where.push('ts < ?::TIMESTAMPTZ');
    params.push(q.to);
  }
  // Risk per call first (cheap); rules and metadata only for the page's calls.
  const flagged = `SELECT call_id, count(*)::INTEGER AS hits,
      (${OWN_WORDS_RISK} * count(*) FILTER (WHERE speaker <> 'customer')
        + count(*) FILTER (WHERE speaker = 'customer'))::DOUBLE AS risk
    FROM compliance_hits WHERE ${where.join(' AND ')} GROUP BY call_id HAVING risk >= ?`;
  params.push(q.minRisk);
  const page = cursor ? 'WHERE risk < ? OR (risk = ? AND call_id > ?)' : '';
  const rows = await store.query<
    Pick<FlaggedCall, 'call_id' | 'hits' | 'risk'> & { total: number }
  >(
    `SELECT *, ${cursor ? 'NULL' : 'count(*) OVER ()::INTEGER'} AS total FROM (${flagged}) ${page}
     ORDER BY risk DESC, call_id LIMIT ?`,
    [...params, ...(cursor ? [cursor.key, cursor.key, cursor.id] : []), q.limit + 1],
  );
  const shown = rows.slice(0, q.limit);
  const ids = shown.map((r) => r.call_id);
  const list = ids.map(() => '?').join(', ');
  const [meta, rules] = shown.length
    ? await Promise.all([
        store.query<Partial<FlaggedCall> & { call_id: string }>(
          `SELECT call_id, started_at::VARCHAR AS started_at, region, product_line,
             campaign_id, script_version, handled_by, outcome FROM calls WHERE call_id IN (${list})`,
          ids,
        ),
        store.query<{ call_id: string; customer_id: string; rules: string[] }>(
          `SELECT call_id, any_value(customer_id) AS customer_id,
             list_sort(list_distinct(list(rule))) AS rules
           FROM compliance_hits WHERE call_id IN (${list}) GROUP BY call_id`,
          ids,
        ),
      ])
    : [[], []];
  const ruleOf = new Map(rules.map((r) => [r.call_id, r]));
  const byId = new Map(meta.map((m) => [m.call_id, m]));
  const last = shown[shown.length - 1];
  return {
    calls: shown.map((r) => {
      const m = byId.get(r.call_id);
      const hit = ruleOf.get(r.call_id)!;
      return {
        call_id: r.call_id,
        customer_id: hit.customer_id,
        hits: r.hits,
        risk: r.risk,
        rules: hit.rules,
        started_at: iso(m?.started_at),
        region: m?.region ?? null,
        product_line: m?.product_line ?? null,
        campaign_id: m?.campaign_id ?? null,
        script_version: m?.script_version ?? null,
        handled_by: m?.handled_by ?? null,
        outcome: m?.outcome ?? null,
      };
    }),
    nextCursor:
      rows.length > q.limit && last ? encodeCursor({ key: last.risk, id: last.call_id }) : null,
    ...(cursor ? {} : { total: rows[0]?.total ?? 0 }),
  };
}

export interface TranscriptTurn {
  turn: number;
  speaker: string;
  text: string;
  ts: string;
  intent: string | null;
  emotion: string | null;
  /** Where compliance rules hit in this turn's text. */
  highlights: { start: number; end: number }[];
}

/** What the decision layer did at a moment of the call, and why. */
export interface TimelineDecision {
  ts: string;
  state: string;
  action: string;
  reason: string;
  /** The rule that held the bot's line back, if one did. */
  blocked: string | null;
  script_version: string;
}

export interface CallTranscript {
  call_id: string;
  customer_id: string;
  started_at: string | null;
  outcome: string | null;
  /** The queue the call was handed to, if a human took it over. */
  transferred_queue: string | null;
  turns: TranscriptTurn[];
  decisions: TimelineDecision[];
  hits: {
    turn: number | null;
    speaker: string;
    rule: string;
    term: string;
    start: number;
    end: number;
    ts: string;
  }[];
}

/** A turn arrives within this long of its call's start and end. */
const CALL_SLACK = '1 hour';

/**
 * A whole call as said, with its compliance hits, and what the decision
 * layer did at each turn and why (the call's timeline). Compliance and admin only;
 * every read, denied ones included, is written to the audit log. The call's
 * start and end bound the turns' time, so the read touches only the turns
 * stored around then.
 */
export async function callTranscript(
  store: Store,
  principal: Principal,
  callId: string,
  scope: SqlScope = ALL,
): Promise<CallTranscript | null> {
  await requireTranscriptReader(store, principal, 'transcripts.read.denied', callId);
  await audit(store, principal, 'transcripts.read', callId);
  const [call] = await store.query<{
    customer_id: string;
    lo: string;
    hi: string;
    started_at: string | null;
    outcome: string | null;
    transferred_queue: string | null;
  }>(
    `SELECT customer_id, started_at::VARCHAR AS started_at, outcome, transferred_queue,
       (COALESCE(started_at, ended_at) - INTERVAL ${CALL_SLACK})::VARCHAR AS lo,
       (COALESCE(ended_at, started_at) + INTERVAL ${CALL_SLACK})::VARCHAR AS hi
     FROM calls WHERE call_id = ? AND ${scope.sql}`,
    [callId, ...scope.params],
  );
  if (!call) return null;
  const window = call.lo && call.hi ? 'AND ts >= ?::TIMESTAMPTZ AND ts <= ?::TIMESTAMPTZ' : '';
  const bounds = call.lo && call.hi ? [call.lo, call.hi] : [];
  const [turns, hits, decisions] = await Promise.all([
    store.query<Omit<TranscriptTurn, 'highlights'> & { event_id: string }>(
      `SELECT event_id, turn, speaker, text, ts::VARCHAR AS ts, intent, emotion FROM turns
       WHERE call_id = ? ${window} ORDER BY turn, ts`,
      [callId, ...bounds],
    ),
    store.query<{
      event_id: string;
      speaker: string;
      rule: string;
      term: string;
      start_pos: number;
      end_pos: number;
      ts: string;
    }>(
      `SELECT event_id, speaker, rule, term, start_pos, end_pos, ts::VARCHAR AS ts
       FROM compliance_hits WHERE call_id = ? ${window} ORDER BY ts, start_pos`,
      [callId, ...bounds],
    ),
    store.query<TimelineDecision>(
      `SELECT ts::VARCHAR AS ts, state, action, reason, blocked, script_version FROM decisions
       WHERE call_id = ? AND kind = 'turn' ${window} ORDER BY ts`,
      [callId, ...bounds],
    ),
  ]);
  const turnOf = new Map(turns.map((t) => [t.event_id, t.turn]));
  return {
    call_id: callId,
    customer_id: call.customer_id,
    started_at: iso(call.started_at),
    outcome: call.outcome,
    transferred_queue: call.transferred_queue,
    decisions: decisions.map((d) => ({ ...d, ts: iso(d.ts)! })),
    turns: turns.map(({ event_id, ...t }) => ({
      ...t,
      ts: iso(t.ts)!,
      highlights: hits
        .filter((h) => h.event_id === event_id)
        .map((h) => ({ start: h.start_pos, end: h.end_pos })),
    })),
    hits: hits.map((h) => ({
      turn: turnOf.get(h.event_id) ?? null,
      speaker: h.speaker,
      rule: h.rule,
      term: h.term,
      start: h.start_pos,
      end: h.end_pos,
      ts: iso(h.ts)!,
    })),
  };
}
