/**
 * The kinds of data that expire, each once: its default period and the
 * least one allowed, and the tables it covers with the time a row is aged
 * by. A new kind is one line here (and, to change its period, one in
 * config/retention.json); the config schema and the job follow from it.
 */

export interface RetainedTable {
  table: string;
  /** SQL for a row's time (TIMESTAMPTZ); a row whose time is NULL never expires. */
  time: string;
  /**
   * Columns copied to the Parquet archive before deleting (archive on):
   * never personal ones, as DuckDB cannot encrypt Parquet securely without
   * the httpfs extension, which these machines cannot download. Absent: the
   * table's rows are not archived.
   */
  archive?: string;
  /** Turns: their postings leave the search index in the same transaction. */
  searchIndex?: true;
}

export interface RetentionKind {
  /** Default period in days. */
  days: number;
  /** The least period the config may set, and why. */
  min?: { days: number; why: string };
  tables: readonly RetainedTable[];
  /** Set where another mechanism does the expiring: the job only reports it. */
  handledBy?: string;
}

const TURN_COLUMNS =
  'seq, event_id, call_id, customer_id, turn, speaker, asr_confidence, ts, intent, ' +
  'intent_confidence, out_of_scope, emotion, valence, call_intent_score, late, impatience';

// A table of kinds: one line each.
export const RETENTION_KINDS = {
  turns: {
    days: 365,
    tables: [
      { table: 'turns', time: 'ts', archive: TURN_COLUMNS, searchIndex: true },
      { table: 'compliance_hits', time: 'ts', archive: 'event_id, call_id, rule, ts' },
      {
        table: 'corrections',
        time: 'ts',
        archive: 'event_id, call_id, turn, corrected_intent, ts',
      },
    ],
  },
  calls: {
    days: 730,
    tables: [{ table: 'calls', time: 'coalesce(started_at, ended_at)', archive: '*' }],
  },
  web_visits: { days: 365, tables: [{ table: 'web_visits', time: 'ts', archive: '*' }] },
  touches: {
    days: 365,
    tables: [
      {
        table: 'touches',
        time: 'ts',
        archive:
          'event_id, kind, touch_id, customer_id, channel, campaign_id, purpose, delivered, ts',
      },
    ],
  },
  // No personal column: the agent's note is not stored.
  callbacks: { days: 365, tables: [{ table: 'callbacks', time: 'scheduled_at', archive: '*' }] },
  dead_letters: {
    days: 30,
    tables: [
      { table: 'dead_letters', time: 'received_at', archive: 'id, received_at, source, reason' },
    ],
  },
  decisions: { days: 365, tables: [{ table: 'decisions', time: 'ts', archive: '*' }] },
  // Evidence of what the platform refused or let through: kept as long as the consent proof.
  dialing_violations: {
    days: 1095,
    tables: [{ table: 'dialing_violations', time: 'ts', archive: '*' }],
  },
  kpi_rollups: {
    days: 1825,
    tables: [
      { table: 'kpi_hourly', time: "hour AT TIME ZONE 'UTC'", archive: '*' },
      { table: 'kpi_customers', time: "hour AT TIME ZONE 'UTC'" },
    ],
  },
  audit_log: {
    days: 1825,
    min: {
      days: 180,
      why: 'network logs are kept at least six months (Cybersecurity Law art. 21)',
    },
    // The target may hold search terms: not archived.
    tables: [{ table: 'audit_log', time: 'ts', archive: 'ts, principal, role, action' }],
  },
  consent_proof: {
    days: 1095,
    min: { days: 150, why: 'proof of consent to commercial messages is kept at least five months' },
    tables: [
      {
        table: 'consent_changes',
        time: 'ts',
        archive:
          'event_id, customer_id, scope, granted, source, call_id, evidence_event_id, text_enc, ts',
      },
    ],
  },
  recordings: {
    days: 365,
    tables: [],
    handledBy: "deleted with their sealed audio (the call's start is their time): app/retention.ts",
  },
  personal: {
    days: 730,
    tables: [],
    handledBy:
      'cleared through the pipeline (profiles live in the enricher): app/personal-expiry.ts',
  },
} satisfies Record<string, RetentionKind>;

export type RetentionKindName = keyof typeof RETENTION_KINDS;

export const KIND_NAMES = Object.keys(RETENTION_KINDS) as RetentionKindName[];

export const kindOf = (name: RetentionKindName): RetentionKind => RETENTION_KINDS[name];
