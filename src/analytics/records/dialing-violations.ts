import type { DuckDBValue } from '@duckdb/node-api';
import type { Store } from '../../core/store/store.js';
import { ALL, type SqlScope } from './customer-records.js';

/** A row of `dialing_violations` (migration 14): a call POST /dialog/turn refused or flagged. */
export interface ViolationRow {
  id: string;
  ts: string;
  call_id: string;
  customer_id: string;
  campaign_id: string | null;
  rule: string;
  detail: string;
  mode: 'refused' | 'flagged';
}

export interface ViolationFilter {
  /** ISO 8601, inclusive; absent: open. */
  from?: string | undefined;
  /** ISO 8601, exclusive; absent: open. */
  to?: string | undefined;
  /** Which campaigns' calls (a campaign-scoped key's); everything by default. */
  scope?: SqlScope;
}

/** The WHERE clause of a filter over a table with a `ts`, with its parameters. */
export function where(f: ViolationFilter): { sql: string; params: DuckDBValue[] } {
  const scope = f.scope ?? ALL;
  const parts = [scope.sql];
  const params: DuckDBValue[] = [...scope.params];
  if (f.from) {
    parts.push('ts >= ?::TIMESTAMPTZ');
    params.push(f.from);
  }
  if (f.to) {
    parts.push('ts < ?::TIMESTAMPTZ');
    params.push(f.to);
  }
  return { sql: parts.join(' AND '), params };
}

/** Violations in the filter's range, newest first, at most `limit`. */
export async function dialingViolations(
  store: Store,
  f: ViolationFilter,
  limit: number,
): Promise<ViolationRow[]> {
  const w = where(f);
  return store.query<ViolationRow>(
    `SELECT id, strftime(ts AT TIME ZONE 'UTC', '%Y-%m-%dT%H:%M:%S.%gZ') AS ts, call_id,
        customer_id, campaign_id, rule, detail, mode
     FROM dialing_violations WHERE ${w.sql} ORDER BY dialing_violations.ts DESC, id LIMIT ?`,
    [...w.params, limit],
  );
}

/** Violations in the filter's range per rule, the most broken first: refused and flagged apart. */
export async function violationCounts(
  store: Store,
  f: ViolationFilter,
): Promise<{ rule: string; count: number; refused: number; flagged: number }[]> {
  const w = where(f);
  return store.query(
    `SELECT rule, count(*)::INTEGER AS count,
        (count(*) FILTER (WHERE mode = 'refused'))::INTEGER AS refused,
        (count(*) FILTER (WHERE mode = 'flagged'))::INTEGER AS flagged
     FROM dialing_violations WHERE ${w.sql} GROUP BY rule ORDER BY count DESC, rule`,
    w.params,
  );
}

/**
 * Agents' turns that broke the compliance rules in the filter's range, per
 * agent (live agent assist warned each at the time): the most warned first;
 * agent null for turns the dialer sent without an agent id.
 */
export async function agentWarningCounts(
  store: Store,
  f: ViolationFilter,
): Promise<{ agent: string | null; turns: number; hits: number; calls: number }[]> {
  const w = where(f);
  return store.query(
    `SELECT agent_id AS agent, count(DISTINCT event_id)::INTEGER AS turns,
        count(*)::INTEGER AS hits, count(DISTINCT call_id)::INTEGER AS calls
     FROM compliance_hits WHERE speaker = 'agent' AND ${w.sql}
     GROUP BY agent_id ORDER BY turns DESC, agent NULLS LAST`,
    w.params,
  );
}
