/** What one batch of enrichment changed, as rows ready for the sinks. */
import type { EventOf } from '../../core/events/index.js';
import type { CallbackRow } from '../../core/store/migrations.js';
import type { ComplianceHit } from '../../models/types.js';
import type { PendingErasure } from './erasure.js';
import type { CallState, Profile } from './profile.js';

export interface EnrichedTurn {
  event_id: string;
  call_id: string;
  customer_id: string;
  turn: number;
  speaker: string;
  text: string;
  asr_confidence: number;
  ts: string;
  intent: string | null;
  intent_confidence: number | null;
  out_of_scope: boolean | null;
  emotion: string | null;
  valence: number | null;
  call_intent_score: number | null;
  late: boolean;
  impatience: number | null;
  /** The API request that produced it (POST /dialog/turn's X-Request-Id), if any. */
  request_id: string | null;
}

export interface ComplianceRow {
  event_id: string;
  call_id: string;
  customer_id: string;
  speaker: string;
  rule: string;
  term: string;
  start_pos: number;
  end_pos: number;
  ts: string;
  /** The agent who spoke (the dialer's `agent_id`), for agents' turns. */
  agent_id: string | null;
}

/** A turn's row before the models have said anything about it. */
export const turnRow = (e: EventOf<'dialog.turn'>, late: boolean): EnrichedTurn => ({
  event_id: e.event_id,
  call_id: e.call_id,
  customer_id: e.customer_id,
  turn: e.turn,
  speaker: e.speaker,
  text: e.text,
  asr_confidence: e.asr_confidence,
  ts: e.ts,
  intent: null,
  intent_confidence: null,
  out_of_scope: null,
  emotion: null,
  valence: null,
  call_intent_score: null,
  late,
  impatience: null,
  request_id: e.request_id ?? null,
});

export const hitRow = (e: EventOf<'dialog.turn'>, h: ComplianceHit): ComplianceRow => ({
  event_id: e.event_id,
  call_id: e.call_id,
  customer_id: e.customer_id,
  speaker: e.speaker,
  rule: h.rule,
  term: h.term,
  start_pos: h.start,
  end_pos: h.end,
  ts: e.ts,
  agent_id: e.agent_id ?? null,
});

/** A call's key among a commit's changes: its id and its customer's. */
export const callKey = (callId: string, customerId: string) => `${callId}\u0000${customerId}`;

export type TouchEvent = EventOf<'touch.sent' | 'touch.delivered' | 'touch.replied'>;

/** Everything one batch changed, ready for the sinks. */
export interface Changes {
  /** By call_id and customer_id (see callKey). */
  calls: Map<string, CallState>;
  turns: EnrichedTurn[];
  hits: ComplianceRow[];
  visits: EventOf<'web.visit'>[];
  corrections: EventOf<'correction.submitted'>[];
  consents: EventOf<'consent.changed'>[];
  touches: TouchEvent[];
  /** Callbacks scheduled, kept or missed, by the event that scheduled them. */
  callbacks: Map<string, CallbackRow>;
  /** How many were scheduled, kept and missed (for metrics, once committed). */
  callbackCounts: { scheduled: number; kept: number; missed: number };
  /** Erasures in arrival order; the sink applies them before this commit's rows. */
  erasures: PendingErasure[];
  profiles: Set<Profile>;
  accepted: number;
  duplicates: number;
  late: number;
}

export const emptyChanges = (): Changes => ({
  calls: new Map(),
  turns: [],
  hits: [],
  visits: [],
  corrections: [],
  consents: [],
  touches: [],
  callbacks: new Map(),
  callbackCounts: { scheduled: 0, kept: 0, missed: 0 },
  erasures: [],
  profiles: new Set(),
  accepted: 0,
  duplicates: 0,
  late: 0,
});
