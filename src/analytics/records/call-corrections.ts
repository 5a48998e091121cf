import type { Store } from '../../core/store/store.js';
import { audit, type Principal } from './audit-log.js';
import { ALL, type SqlScope } from './customer-records.js';

/** A call an agent may open to correct: when, which campaign, how much was said and fixed. */
export interface CallToCorrect {
  call_id: string;
  customer_id: string;
  started_at: string | null;
  campaign_id: string | null;
  customer_turns: number;
  corrections: number;
}

/** A stored turn as heard and understood. */
export interface HeardTurn {
  turn: number;
  speaker: string;
  text: string;
  ts: string;
  intent: string | null;
}

/** A stored correction beside what the pipeline had heard and understood of its turn. */
export interface StoredCorrection {
  event_id: string;
  turn: number;
  submitted_by: string;
  ts: string;
  corrected_text: string | null;
  corrected_intent: string | null;
  corrected_slots: Record<string, string | null> | null;
  original_text: string | null;
  original_intent: string | null;
}

const iso = (v: string): string => new Date(v).toISOString();

// Each `scope` here is a condition on the call's row, `c` (`c.campaign_id`).

/**
 * The latest calls with customer turns, newest first: only ids, times and
 * counts (no words), the list an agent picks a call from.
 */
export async function callsToCorrect(
  store: Store,
  limit: number,
  scope: SqlScope = ALL,
): Promise<CallToCorrect[]> {
  const rows = await store.query<CallToCorrect>(
    `SELECT c.call_id, c.customer_id, c.started_at::VARCHAR AS started_at, c.campaign_id,
       (SELECT count(*) FROM turns t WHERE t.call_id = c.call_id AND t.customer_id = c.customer_id
          AND t.speaker = 'customer')::INTEGER AS customer_turns,
       (SELECT count(*) FROM corrections k WHERE k.call_id = c.call_id)::INTEGER AS corrections
     FROM calls c
     WHERE COALESCE(c.customer_turns, 0) > 0 AND ${scope.sql}
     ORDER BY c.started_at DESC NULLS LAST, c.call_id
     LIMIT ?`,
    [...scope.params, limit],
  );
  return rows.map((r) => ({ ...r, started_at: r.started_at && iso(r.started_at) }));
}

/**
 * A call's turns and the corrections of them, for the agent correcting it:
 * null where the call is not stored or not the principal's to see. Reading
 * its words is audited (`corrections.read`).
 */
export async function callForCorrection(
  store: Store,
  principal: Principal,
  callId: string,
  scope: SqlScope = ALL,
): Promise<{ call: CallToCorrect; turns: HeardTurn[]; corrections: StoredCorrection[] } | null> {
  const [call] = await store.query<Omit<CallToCorrect, 'customer_turns' | 'corrections'>>(
    `SELECT call_id, customer_id, started_at::VARCHAR AS started_at, campaign_id FROM calls c
     WHERE call_id = ? AND ${scope.sql}`,
    [callId, ...scope.params],
  );
  if (!call) return null;
  await audit(store, principal, 'corrections.read', callId);
  const turns = await store.query<HeardTurn>(
    `SELECT turn, speaker, text, ts::VARCHAR AS ts, intent FROM turns
     WHERE call_id = ? AND customer_id = ? ORDER BY turn, ts`,
    [callId, call.customer_id],
  );
  const corrections = await correctionsOf(store, callId, call.customer_id);
  return {
    call: {
      ...call,
      started_at: call.started_at && iso(call.started_at),
      customer_turns: turns.filter((t) => t.speaker === 'customer').length,
      corrections: corrections.length,
    },
    turns: turns.map((t) => ({ ...t, ts: iso(t.ts) })),
    corrections,
  };
}

/** A call's corrections, newest first, each beside its turn as the pipeline stored it. */
async function correctionsOf(
  store: Store,
  callId: string,
  customerId: string,
): Promise<StoredCorrection[]> {
  const rows = await store.query<Omit<StoredCorrection, 'corrected_slots'> & { slots: string }>(
    `SELECT k.event_id, k.turn, k.submitted_by, k.ts::VARCHAR AS ts, k.corrected_text,
       k.corrected_intent, k.corrected_slots::VARCHAR AS slots,
       t.text AS original_text, t.intent AS original_intent
     FROM corrections k
     LEFT JOIN turns t ON t.call_id = k.call_id AND t.turn = k.turn
       AND t.speaker = 'customer' AND t.customer_id = ?
     WHERE k.call_id = ?
     ORDER BY k.ts DESC, k.event_id`,
    [customerId, callId],
  );
  return rows.map(({ slots, ...r }) => ({
    ...r,
    ts: iso(r.ts),
    corrected_slots: slots === null ? null : (JSON.parse(slots) as Record<string, string | null>),
  }));
}

/** The customer turn a correction is for, as stored; null when the call has no such turn. */
export async function customerTurn(
  store: Store,
  callId: string,
  turn: number,
  scope: SqlScope = ALL,
): Promise<{ customer_id: string; text: string; intent: string | null } | null> {
  const [row] = await store.query<{ customer_id: string; text: string; intent: string | null }>(
    `SELECT t.customer_id, t.text, t.intent FROM turns t
     JOIN calls c ON c.call_id = t.call_id AND c.customer_id = t.customer_id
     WHERE t.call_id = ? AND t.turn = ? AND t.speaker = 'customer' AND ${scope.sql}
     ORDER BY t.ts DESC LIMIT 1`,
    [callId, turn, ...scope.params],
  );
  return row ?? null;
}
