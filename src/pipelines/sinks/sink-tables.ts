import type { Columns } from '../../core/store/store.js';

/**
 * The DuckDB sink's target tables: each column's type, and how rows are
 * staged as text and cast on the way in.
 */

/** Column types of the target tables; see `staged` for how they travel. */
export type Typed = Record<string, Columns[string] | 'TIMESTAMPTZ' | 'JSON'>;

export const CALLS: Typed = {
  call_id: 'VARCHAR',
  customer_id: 'VARCHAR',
  campaign_id: 'VARCHAR',
  script_id: 'VARCHAR',
  script_version: 'VARCHAR',
  handled_by: 'VARCHAR',
  region: 'VARCHAR',
  product_line: 'VARCHAR',
  started_at: 'TIMESTAMPTZ',
  answered: 'BOOLEAN',
  unanswered_reason: 'VARCHAR',
  transferred_queue: 'VARCHAR',
  outcome: 'VARCHAR',
  duration_s: 'DOUBLE',
  ended_at: 'TIMESTAMPTZ',
  customer_turns: 'INTEGER',
  positive_intents: 'INTEGER',
  negative_intents: 'INTEGER',
  objections: 'INTEGER',
  valence: 'DOUBLE',
  intent_score: 'DOUBLE',
  compliance_hits: 'INTEGER',
  peak_impatience: 'DOUBLE',
  abandoned: 'BOOLEAN',
};
export const TURNS: Typed = {
  event_id: 'VARCHAR',
  call_id: 'VARCHAR',
  customer_id: 'VARCHAR',
  turn: 'INTEGER',
  speaker: 'VARCHAR',
  text: 'VARCHAR',
  asr_confidence: 'DOUBLE',
  ts: 'TIMESTAMPTZ',
  intent: 'VARCHAR',
  intent_confidence: 'DOUBLE',
  out_of_scope: 'BOOLEAN',
  emotion: 'VARCHAR',
  valence: 'DOUBLE',
  call_intent_score: 'DOUBLE',
  late: 'BOOLEAN',
  impatience: 'DOUBLE',
  request_id: 'VARCHAR',
};
export const HITS: Typed = {
  event_id: 'VARCHAR',
  call_id: 'VARCHAR',
  customer_id: 'VARCHAR',
  speaker: 'VARCHAR',
  rule: 'VARCHAR',
  term: 'VARCHAR',
  start_pos: 'INTEGER',
  end_pos: 'INTEGER',
  ts: 'TIMESTAMPTZ',
  agent_id: 'VARCHAR',
};
export const CONSENTS: Typed = {
  event_id: 'VARCHAR',
  customer_id: 'VARCHAR',
  scope: 'VARCHAR',
  purpose: 'VARCHAR',
  granted: 'BOOLEAN',
  source: 'VARCHAR',
  call_id: 'VARCHAR',
  evidence_event_id: 'VARCHAR',
  cue: 'VARCHAR',
  text_enc: 'VARCHAR',
  ts: 'TIMESTAMPTZ',
};
export const TOUCHES: Typed = {
  event_id: 'VARCHAR',
  kind: 'VARCHAR',
  touch_id: 'VARCHAR',
  customer_id: 'VARCHAR',
  channel: 'VARCHAR',
  campaign_id: 'VARCHAR',
  purpose: 'VARCHAR',
  delivered: 'BOOLEAN',
  text_enc: 'VARCHAR',
  ts: 'TIMESTAMPTZ',
};
export const CALLBACKS: Typed = {
  event_id: 'VARCHAR',
  customer_id: 'VARCHAR',
  call_id: 'VARCHAR',
  due_at: 'TIMESTAMPTZ',
  source: 'VARCHAR',
  scheduled_at: 'TIMESTAMPTZ',
  kept_at: 'TIMESTAMPTZ',
  kept_by: 'VARCHAR',
  missed: 'BOOLEAN',
};
export const VISITS: Typed = {
  event_id: 'VARCHAR',
  customer_id: 'VARCHAR',
  page: 'VARCHAR',
  product: 'VARCHAR',
  ts: 'TIMESTAMPTZ',
};
export const CORRECTIONS: Typed = {
  event_id: 'VARCHAR',
  call_id: 'VARCHAR',
  turn: 'INTEGER',
  corrected_text: 'VARCHAR',
  corrected_intent: 'VARCHAR',
  submitted_by: 'VARCHAR',
  ts: 'TIMESTAMPTZ',
  corrected_slots: 'JSON',
};
export const PROFILES: Typed = {
  customer_id: 'VARCHAR',
  state: 'JSON',
  name_enc: 'VARCHAR',
  phone_enc: 'VARCHAR',
  phone_hash: 'VARCHAR',
  personal_enc: 'VARCHAR',
  intent_score: 'DOUBLE',
  tags: 'JSON',
  updated_at: 'TIMESTAMPTZ',
};
export const DEAD: Typed = {
  received_at: 'TIMESTAMPTZ',
  source: 'VARCHAR',
  reason: 'VARCHAR',
  payload: 'VARCHAR',
  payload_sealed: 'VARCHAR',
};

export const cols = (c: Typed): string => Object.keys(c).join(', ');

/** A stored profile as a ProfileRow (JSON and times as text). */
export const PROFILE_COLUMNS = `customer_id, state::VARCHAR AS state, name_enc, phone_enc, phone_hash,
  personal_enc, intent_score, tags::VARCHAR AS tags, updated_at::VARCHAR AS updated_at`;

/**
 * Timestamps (ISO 8601) and JSON are staged as text, and DuckDB casts them
 * on INSERT … SELECT: parsing happens in DuckDB's threads, not in JavaScript.
 */
export const staged = (c: Typed): Columns =>
  Object.fromEntries(
    Object.entries(c).map(([k, t]) => [k, t === 'TIMESTAMPTZ' || t === 'JSON' ? 'VARCHAR' : t]),
  );

/** The staging table's columns as the target table's types, in order. */
export const cast = (c: Typed): string =>
  Object.entries(c)
    .map(([k, t]) => (t === 'TIMESTAMPTZ' || t === 'JSON' ? `${k}::${t} AS ${k}` : k))
    .join(', ');
