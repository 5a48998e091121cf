import type { DuckDBValue } from '@duckdb/node-api';
import { z } from 'zod';
import { DialwiseError } from '../../core/errors.js';
import type { ConsentRow } from '../../core/store/migrations.js';
import type { Store } from '../../core/store/store.js';
import { decodeCursor, encodeCursor } from './page-cursor.js';

/** A condition the caller adds (a campaign-scoped reader's), with its parameters. */
export interface SqlScope {
  sql: string;
  params: DuckDBValue[];
}
export const ALL: SqlScope = { sql: 'TRUE', params: [] };

export interface CustomerListItem {
  customer_id: string;
  intent_score: number;
  tags: string[];
  calls: number;
  last_call_at: string | null;
}

/** The longest tag a customer list is asked for. */
export const MAX_TAG = 100;

const listQuery = z.object({
  tag: z.string().min(1).max(MAX_TAG).optional(),
  limit: z.number().int().min(1).max(100).default(20),
  after: z.string().optional(),
});

/**
 * Customers by intent score, highest first, from the profile snapshots the
 * pipeline commits (personal data stays sealed: none is read here).
 */
export async function customerList(
  store: Store,
  query: unknown,
  scope: SqlScope = ALL,
): Promise<{ customers: CustomerListItem[]; nextCursor: string | null }> {
  const r = listQuery.safeParse(query ?? {});
  if (!r.success) {
    const issue = r.error.issues[0]!;
    throw new DialwiseError('BAD_REQUEST', `${issue.path.join('.') || 'query'}: ${issue.message}`);
  }
  const q = r.data;
  const cursor = q.after === undefined ? undefined : decodeCursor(q.after, 'number');
  const where = [scope.sql];
  const params: DuckDBValue[] = [...scope.params];
  if (q.tag) {
    where.push(`list_contains(tags::VARCHAR[], ?)`);
    params.push(q.tag);
  }
  if (cursor) {
    where.push('(intent_score < ? OR (intent_score = ? AND customer_id > ?))');
    params.push(cursor.key, cursor.key, cursor.id);
  }
  const rows = await store.query<Omit<CustomerListItem, 'tags'> & { tags: string }>(
    `SELECT customer_id, intent_score, tags::VARCHAR AS tags,
       COALESCE(json_extract(state, '$.calls')::INTEGER, 0) AS calls,
       json_extract_string(state, '$.last_call_at') AS last_call_at
     FROM profiles WHERE ${where.join(' AND ')}
     ORDER BY intent_score DESC, customer_id LIMIT ?`,
    [...params, q.limit + 1],
  );
  const shown = rows.slice(0, q.limit);
  const last = shown[shown.length - 1];
  return {
    customers: shown.map((c) => ({ ...c, tags: JSON.parse(c.tags) as string[] })),
    nextCursor:
      rows.length > q.limit && last
        ? encodeCursor({ key: last.intent_score, id: last.customer_id })
        : null,
  };
}

export interface CallSummary {
  call_id: string;
  started_at: string | null;
  campaign_id: string | null;
  product_line: string | null;
  script_version: string | null;
  handled_by: string | null;
  answered: boolean | null;
  outcome: string | null;
  duration_s: number | null;
  intent_score: number | null;
  compliance_hits: number;
}

/**
 * The given calls (a profile knows its open and latest ended ones), newest
 * first: looked up by key, not by scanning for the customer.
 */
export async function callsById(
  store: Store,
  ids: readonly string[],
  scope: SqlScope = ALL,
): Promise<CallSummary[]> {
  if (ids.length === 0) return [];
  const rows = await store.query<CallSummary>(
    `SELECT call_id, started_at::VARCHAR AS started_at, campaign_id, product_line, script_version,
       handled_by, answered, outcome, duration_s, intent_score,
       COALESCE(compliance_hits, 0)::INTEGER AS compliance_hits
     FROM calls WHERE call_id IN (${ids.map(() => '?').join(', ')}) AND ${scope.sql}
     ORDER BY started_at DESC NULLS LAST`,
    [...ids, ...scope.params],
  );
  return rows.map((r) => ({
    ...r,
    started_at: r.started_at === null ? null : new Date(r.started_at).toISOString(),
  }));
}

/** The customer with this phone, by the keyed hash the pipeline stores (never the number). */
export async function customerIdByPhoneHash(store: Store, hash: string): Promise<string | null> {
  const [row] = await store.query<{ customer_id: string }>(
    'SELECT customer_id FROM profiles WHERE phone_hash = ? LIMIT 1',
    [hash],
  );
  return row?.customer_id ?? null;
}

/** A stored consent change as the records read it (whose customer is asked). */
export type ConsentChangeRow = Omit<ConsentRow, 'customer_id'>;

/** A customer's consent changes with their evidence (the text still sealed), newest first. */
export async function consentChanges(
  store: Store,
  customerId: string,
  limit = 50,
): Promise<ConsentChangeRow[]> {
  return store.query<ConsentChangeRow>(
    `SELECT event_id, scope, purpose, granted, source, call_id, evidence_event_id, cue, text_enc,
        strftime(ts AT TIME ZONE 'UTC', '%Y-%m-%dT%H:%M:%S.%gZ') AS ts
     FROM consent_changes WHERE customer_id = ? ORDER BY ts DESC, event_id LIMIT ?`,
    [customerId, limit],
  );
}
