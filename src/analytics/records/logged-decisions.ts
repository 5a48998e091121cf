/**
 * The decision log as the off-policy evaluator reads it: each decision with
 * the context it was taken on, its propensity and its outcome, joined here
 * at read time rather than written back, so a late call.ended still counts.
 * A turn's reward is its call's conversion; a dial's, whether a call to the
 * customer started within the hour after it was offered.
 */
import { decisionContext, type LoggedDecision } from '../../core/logged-decision.js';
import { DialwiseError } from '../../core/errors.js';
import type { Store } from '../../core/store/store.js';

export interface LoggedDecisionQuery {
  /** [from, to), ISO 8601. */
  from: string;
  to: string;
  kind: 'turn' | 'dial';
  /** Only this script node ('dialer' for dials). */
  node?: string;
  /** Dials offered within the hour before this have no outcome yet and are left out. */
  nowMs: number;
  /** More decisions than this is refused: narrow the range. */
  limit?: number;
}

const DEFAULT_LIMIT = 200_000;

/** Timestamps are passed as text and cast, so a bad one is refused here with its name. */
function instant(name: string, iso: string): string {
  if (Number.isNaN(Date.parse(iso)))
    throw new DialwiseError('BAD_REQUEST', `${name}: not an ISO 8601 time: ${JSON.stringify(iso)}`);
  return new Date(iso).toISOString();
}

/**
 * Decisions with a known outcome in the range, oldest first. Left out:
 * rows logged before contexts were (migration 16), turns whose call has
 * not ended, a node's safe line (the fallback, no arm of the experiment).
 */
export async function loggedDecisions(
  store: Store,
  q: LoggedDecisionQuery,
): Promise<LoggedDecision[]> {
  const [from, to] = [instant('from', q.from), instant('to', q.to)];
  if (from >= to) throw new DialwiseError('BAD_REQUEST', 'from must be before to');
  const limit = q.limit ?? DEFAULT_LIMIT;
  const rows = await store.query<{
    decision_id: string;
    ms: number;
    context: string;
    action: string;
    propensity: number;
    policy_version: string;
    reward: number;
    call_id: string | null;
  }>(
    `SELECT d.decision_id, epoch_ms(d.ts)::DOUBLE AS ms, d.context::VARCHAR AS context,
       d.variant AS action, d.propensity, d.policy_version, d.call_id,
       CASE WHEN d.kind = 'dial' THEN
         (EXISTS (SELECT 1 FROM calls s WHERE s.customer_id = d.customer_id
            AND s.started_at >= d.ts AND s.started_at < d.ts + INTERVAL 1 HOUR))::INTEGER
       ELSE (c.outcome = 'converted')::INTEGER END AS reward
     FROM decisions d LEFT JOIN calls c ON d.kind = 'turn' AND c.call_id = d.call_id
     WHERE d.kind = $kind AND d.ts >= $from::TIMESTAMPTZ AND d.ts < $to::TIMESTAMPTZ
       AND d.context IS NOT NULL AND ($node IS NULL OR d.node = $node)
       AND CASE WHEN d.kind = 'dial' THEN d.ts + INTERVAL 1 HOUR <= $now::TIMESTAMPTZ
           ELSE c.outcome IS NOT NULL AND d.variant <> 'safe' END
     ORDER BY d.ts, d.decision_id LIMIT $limit`,
    {
      kind: q.kind,
      from,
      to,
      node: q.node ?? null,
      now: new Date(q.nowMs).toISOString(),
      limit: limit + 1,
    },
  );
  if (rows.length > limit)
    throw new DialwiseError(
      'BAD_REQUEST',
      `more than ${limit} logged decisions in [${q.from}, ${q.to}): narrow the range`,
    );
  return rows.map((r) => ({
    decision_id: r.decision_id,
    ts: new Date(r.ms).toISOString(),
    context: decisionContext.parse(JSON.parse(r.context)),
    action: r.action,
    propensity: r.propensity,
    reward: r.reward,
    policy_version: r.policy_version,
    ...(r.call_id !== null && { group: r.call_id }),
  }));
}
