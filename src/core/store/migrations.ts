/** Numbered, append-only schema migrations. Never edit one that has shipped. */
export interface Migration {
  version: number;
  name: string;
  sql: string;
}

export const MIGRATIONS: Migration[] = [
  {
    version: 1,
    name: 'initial facts, profiles, dead letters, keys and audit',
    sql: `
      CREATE TABLE events (
        event_id VARCHAR PRIMARY KEY, type VARCHAR NOT NULL, ts TIMESTAMPTZ NOT NULL,
        customer_id VARCHAR NOT NULL, received_at TIMESTAMPTZ NOT NULL);
      CREATE TABLE calls (
        call_id VARCHAR PRIMARY KEY, customer_id VARCHAR, campaign_id VARCHAR,
        script_id VARCHAR, script_version VARCHAR, handled_by VARCHAR, region VARCHAR,
        product_line VARCHAR, started_at TIMESTAMPTZ, answered BOOLEAN,
        unanswered_reason VARCHAR, transferred_queue VARCHAR, outcome VARCHAR,
        duration_s DOUBLE, ended_at TIMESTAMPTZ);
      CREATE TABLE turns (
        event_id VARCHAR NOT NULL, call_id VARCHAR NOT NULL, customer_id VARCHAR NOT NULL,
        turn INTEGER NOT NULL, speaker VARCHAR NOT NULL, text VARCHAR NOT NULL,
        asr_confidence DOUBLE NOT NULL, ts TIMESTAMPTZ NOT NULL);
      CREATE TABLE web_visits (
        event_id VARCHAR NOT NULL, customer_id VARCHAR NOT NULL, page VARCHAR NOT NULL,
        product VARCHAR, ts TIMESTAMPTZ NOT NULL);
      CREATE TABLE corrections (
        event_id VARCHAR PRIMARY KEY, call_id VARCHAR NOT NULL, turn INTEGER NOT NULL,
        corrected_text VARCHAR, corrected_intent VARCHAR, submitted_by VARCHAR NOT NULL,
        ts TIMESTAMPTZ NOT NULL);
      CREATE TABLE customers (
        customer_id VARCHAR PRIMARY KEY, name_enc VARCHAR, phone_enc VARCHAR,
        phone_hash VARCHAR, attributes JSON, consent JSON, calls INTEGER NOT NULL DEFAULT 0,
        answered INTEGER NOT NULL DEFAULT 0, conversions INTEGER NOT NULL DEFAULT 0,
        web_visits INTEGER NOT NULL DEFAULT 0, last_call_at TIMESTAMPTZ,
        last_visit_at TIMESTAMPTZ, updated_at TIMESTAMPTZ NOT NULL);
      CREATE SEQUENCE dead_letter_seq;
      CREATE TABLE dead_letters (
        id BIGINT PRIMARY KEY DEFAULT nextval('dead_letter_seq'),
        received_at TIMESTAMPTZ NOT NULL, source VARCHAR NOT NULL, reason VARCHAR NOT NULL,
        payload VARCHAR NOT NULL);
      CREATE TABLE api_keys (
        key_hash VARCHAR PRIMARY KEY, name VARCHAR NOT NULL UNIQUE, role VARCHAR NOT NULL,
        created_at TIMESTAMPTZ NOT NULL);
      CREATE TABLE audit_log (
        ts TIMESTAMPTZ NOT NULL, principal VARCHAR NOT NULL, role VARCHAR NOT NULL,
        action VARCHAR NOT NULL, target VARCHAR NOT NULL);
    `,
  },
  {
    version: 2,
    name: 'index phone look-ups by keyed hash',
    sql: `CREATE INDEX customers_phone_hash ON customers (phone_hash);`,
  },
  {
    version: 3,
    name: 'keyed profile state, enriched turns, stream offsets; per-customer dedupe replaces the event ledger',
    sql: `
      CREATE TABLE profiles (
        customer_id VARCHAR PRIMARY KEY, state JSON NOT NULL, name_enc VARCHAR,
        phone_enc VARCHAR, phone_hash VARCHAR, intent_score DOUBLE NOT NULL, tags JSON NOT NULL,
        updated_at TIMESTAMPTZ NOT NULL);
      INSERT INTO profiles
        SELECT customer_id,
          json_object('calls', calls, 'answered', answered, 'web_visits', web_visits,
            'crm', COALESCE(attributes, '{}'), 'consent', COALESCE(consent, '{}')),
          name_enc, phone_enc, phone_hash, 0, '[]', updated_at
        FROM customers;
      DROP TABLE customers;
      -- No secondary index on profiles: DuckDB's upserts replace whole rows, and
      -- a second ART index on an upserted table does not survive WAL replay.
      CREATE TABLE ingest_counters (name VARCHAR PRIMARY KEY, value BIGINT NOT NULL);
      INSERT INTO ingest_counters SELECT 'accepted', count(*) FROM events;
      DROP TABLE events;
      CREATE TABLE stream_offsets (
        source VARCHAR NOT NULL, partition INTEGER NOT NULL, next_offset BIGINT NOT NULL,
        PRIMARY KEY (source, partition));
      ALTER TABLE calls ADD COLUMN customer_turns INTEGER;
      ALTER TABLE calls ADD COLUMN positive_intents INTEGER;
      ALTER TABLE calls ADD COLUMN negative_intents INTEGER;
      ALTER TABLE calls ADD COLUMN objections INTEGER;
      ALTER TABLE calls ADD COLUMN valence DOUBLE;
      ALTER TABLE calls ADD COLUMN intent_score DOUBLE;
      ALTER TABLE calls ADD COLUMN compliance_hits INTEGER;
      ALTER TABLE turns ADD COLUMN intent VARCHAR;
      ALTER TABLE turns ADD COLUMN intent_confidence DOUBLE;
      ALTER TABLE turns ADD COLUMN out_of_scope BOOLEAN;
      ALTER TABLE turns ADD COLUMN emotion VARCHAR;
      ALTER TABLE turns ADD COLUMN valence DOUBLE;
      ALTER TABLE turns ADD COLUMN call_intent_score DOUBLE;
      ALTER TABLE turns ADD COLUMN late BOOLEAN;
      CREATE TABLE compliance_hits (
        event_id VARCHAR NOT NULL, call_id VARCHAR NOT NULL, customer_id VARCHAR NOT NULL,
        speaker VARCHAR NOT NULL, rule VARCHAR NOT NULL, term VARCHAR NOT NULL,
        start_pos INTEGER NOT NULL, end_pos INTEGER NOT NULL, ts TIMESTAMPTZ NOT NULL);
    `,
  },
  {
    version: 4,
    name: 'impatience from voice and text per turn, and its peak per call',
    sql: `
      ALTER TABLE turns ADD COLUMN impatience DOUBLE;
      ALTER TABLE calls ADD COLUMN peak_impatience DOUBLE;
    `,
  },
  {
    version: 5,
    name: 'decision log: every live decision with its variant and propensity',
    sql: `
      CREATE TABLE decisions (
        decision_id VARCHAR NOT NULL, ts TIMESTAMPTZ NOT NULL, call_id VARCHAR NOT NULL,
        customer_id VARCHAR NOT NULL, campaign_id VARCHAR, state VARCHAR NOT NULL,
        node VARCHAR NOT NULL, segment VARCHAR NOT NULL, variant VARCHAR NOT NULL,
        propensity DOUBLE NOT NULL, script_version VARCHAR NOT NULL, action VARCHAR NOT NULL,
        reason VARCHAR NOT NULL, blocked VARCHAR, micros INTEGER NOT NULL);
    `,
  },
  {
    version: 6,
    name: 'deviation alert rules, alerts and the notifications not yet delivered',
    sql: `
      CREATE TABLE alert_rules (id VARCHAR PRIMARY KEY, rule JSON NOT NULL, updated_at TIMESTAMPTZ NOT NULL);
      CREATE TABLE alerts (
        rule_id VARCHAR NOT NULL, key VARCHAR NOT NULL, fired_at TIMESTAMPTZ NOT NULL,
        status VARCHAR NOT NULL, state JSON NOT NULL, updated_at TIMESTAMPTZ NOT NULL,
        PRIMARY KEY (rule_id, key, fired_at));
      CREATE TABLE alert_outbox (
        id VARCHAR PRIMARY KEY, payload JSON NOT NULL, created_at TIMESTAMPTZ NOT NULL);
    `,
  },
  {
    version: 7,
    name: 'turn sequence numbers and the transcript search index (segments of term postings)',
    sql: `
      CREATE SEQUENCE turn_seq START 1;
      ALTER TABLE turns ADD COLUMN seq BIGINT;
      -- Writers number new turns with nextval('turn_seq'). Not a column default:
      -- DuckDB 1.5 cannot replay a WAL holding an ALTER with a nextval default.
      UPDATE turns SET seq = nextval('turn_seq');
      CREATE TABLE search_segments (
        segment INTEGER PRIMARY KEY, level INTEGER NOT NULL, first_seq BIGINT NOT NULL,
        last_seq BIGINT NOT NULL, turns INTEGER NOT NULL, created_at TIMESTAMPTZ NOT NULL);
      -- Uncompressed: a lookup reads a few blocks, and FSST would make it decompress whole vectors.
      CREATE TABLE search_postings (
        segment INTEGER NOT NULL,
        term VARCHAR NOT NULL USING COMPRESSION uncompressed,
        n INTEGER NOT NULL,
        seqs BLOB NOT NULL USING COMPRESSION uncompressed);
    `,
  },
  {
    version: 8,
    name: 'abandoned calls, hourly KPI roll-up, sampled customers per hour, hours to roll up again',
    sql: `
      ALTER TABLE calls ADD COLUMN abandoned BOOLEAN;
      CREATE TABLE kpi_hourly (
        hour TIMESTAMP NOT NULL, region VARCHAR, product_line VARCHAR, script_version VARCHAR,
        campaign_id VARCHAR, handled_by VARCHAR, calls INTEGER NOT NULL, answered INTEGER NOT NULL,
        abandoned INTEGER NOT NULL, conversions INTEGER NOT NULL, complaints INTEGER NOT NULL,
        transfers INTEGER NOT NULL, talk_seconds DOUBLE NOT NULL, bot_seconds DOUBLE NOT NULL,
        agent_seconds DOUBLE NOT NULL);
      CREATE TABLE kpi_customers (
        hour TIMESTAMP NOT NULL, region VARCHAR, product_line VARCHAR, script_version VARCHAR,
        campaign_id VARCHAR, handled_by VARCHAR, customer_id VARCHAR NOT NULL);
      CREATE TABLE kpi_dirty (hour TIMESTAMP PRIMARY KEY);
      INSERT INTO kpi_dirty
        SELECT DISTINCT date_trunc('hour', started_at AT TIME ZONE 'UTC') FROM calls
        WHERE started_at IS NOT NULL;
    `,
  },
  {
    version: 9,
    name: 'personal data sealed beyond name and phone, dead letters redacted with the original sealed, API keys that expire and are revoked',
    sql: `
      ALTER TABLE profiles ADD COLUMN personal_enc VARCHAR;
      -- dead_letters is made anew, not altered: DuckDB 1.5 cannot replay a WAL
      -- holding an ALTER of a table with a nextval default.
      CREATE TABLE dead_letters_copy AS SELECT * FROM dead_letters;
      DROP TABLE dead_letters;
      CREATE TABLE dead_letters (
        id BIGINT PRIMARY KEY DEFAULT nextval('dead_letter_seq'),
        received_at TIMESTAMPTZ NOT NULL, source VARCHAR NOT NULL, reason VARCHAR NOT NULL,
        payload VARCHAR NOT NULL, payload_sealed VARCHAR);
      INSERT INTO dead_letters SELECT *, NULL FROM dead_letters_copy;
      DROP TABLE dead_letters_copy;
      ALTER TABLE api_keys ADD COLUMN expires_at TIMESTAMPTZ;
      ALTER TABLE api_keys ADD COLUMN revoked_at TIMESTAMPTZ;
      ALTER TABLE api_keys ADD COLUMN created_by VARCHAR;
    `,
  },
  {
    version: 10,
    name: 'consent changes with their evidence (the utterance sealed)',
    sql: `
      CREATE TABLE consent_changes (
        event_id VARCHAR PRIMARY KEY, customer_id VARCHAR NOT NULL, scope VARCHAR NOT NULL,
        granted BOOLEAN NOT NULL, source VARCHAR, call_id VARCHAR, evidence_event_id VARCHAR,
        cue VARCHAR, text_enc VARCHAR, ts TIMESTAMPTZ NOT NULL);
      CREATE INDEX consent_changes_customer ON consent_changes (customer_id);
    `,
  },
  {
    version: 11,
    name: 'one contact record: touches on every channel, consent per purpose, the do-not-call register',
    sql: `
      -- Made anew, not altered: DuckDB refuses to alter a table that has an index.
      CREATE TABLE consent_changes_copy AS SELECT * FROM consent_changes;
      DROP INDEX consent_changes_customer;
      DROP TABLE consent_changes;
      CREATE TABLE consent_changes (
        event_id VARCHAR PRIMARY KEY, customer_id VARCHAR NOT NULL, scope VARCHAR NOT NULL,
        purpose VARCHAR, granted BOOLEAN NOT NULL, source VARCHAR, call_id VARCHAR,
        evidence_event_id VARCHAR, cue VARCHAR, text_enc VARCHAR, ts TIMESTAMPTZ NOT NULL);
      INSERT INTO consent_changes
        SELECT event_id, customer_id, scope, NULL, granted, source, call_id, evidence_event_id,
          cue, text_enc, ts FROM consent_changes_copy;
      DROP TABLE consent_changes_copy;
      CREATE INDEX consent_changes_customer ON consent_changes (customer_id);
      CREATE TABLE touches (
        event_id VARCHAR PRIMARY KEY, kind VARCHAR NOT NULL, touch_id VARCHAR NOT NULL,
        customer_id VARCHAR NOT NULL, channel VARCHAR NOT NULL, campaign_id VARCHAR,
        purpose VARCHAR, delivered BOOLEAN, text_enc VARCHAR, ts TIMESTAMPTZ NOT NULL);
      -- The phone sealed beside its look-up hash, so a key rotation can hash it anew;
      -- dates as ISO 8601 text (appended as they come).
      CREATE TABLE dnc_register (
        phone_hash VARCHAR NOT NULL, phone_enc VARCHAR NOT NULL, source VARCHAR NOT NULL,
        listed_on VARCHAR NOT NULL, imported_at VARCHAR NOT NULL);
    `,
  },
  {
    version: 12,
    name: 'erasures: what each erasure removed, under the pseudonym its consent proof is kept by',
    sql: `
      CREATE TABLE erasures (
        event_id VARCHAR PRIMARY KEY, pseudonym VARCHAR NOT NULL, requested_by VARCHAR NOT NULL,
        requested_at TIMESTAMPTZ NOT NULL, erased_at TIMESTAMPTZ NOT NULL, erased JSON NOT NULL,
        kept JSON NOT NULL);
    `,
  },
  {
    version: 13,
    name: 'API keys scoped to campaigns (a JSON list; NULL: every campaign)',
    sql: `ALTER TABLE api_keys ADD COLUMN campaigns VARCHAR;`,
  },
  {
    version: 14,
    name: 'dialing violations: calls POST /dialog/turn refused or flagged, one per call and rule',
    sql: `
      CREATE TABLE dialing_violations (
        id VARCHAR PRIMARY KEY, ts TIMESTAMPTZ NOT NULL, call_id VARCHAR NOT NULL,
        customer_id VARCHAR NOT NULL, campaign_id VARCHAR, rule VARCHAR NOT NULL,
        detail VARCHAR NOT NULL, mode VARCHAR NOT NULL);
    `,
  },
  {
    version: 15,
    name: 'callbacks: each one scheduled, and the call that kept it or that it was missed',
    sql: `
      CREATE TABLE callbacks (
        event_id VARCHAR PRIMARY KEY, customer_id VARCHAR NOT NULL, call_id VARCHAR,
        due_at TIMESTAMPTZ NOT NULL, source VARCHAR NOT NULL, scheduled_at TIMESTAMPTZ NOT NULL,
        kept_at TIMESTAMPTZ, kept_by VARCHAR, missed BOOLEAN NOT NULL DEFAULT false);
    `,
  },
  {
    version: 16,
    name: 'decision log for learning: kind (turn or dial), the context decided on, the logging policy',
    sql: `
      ALTER TABLE decisions ADD COLUMN kind VARCHAR DEFAULT 'turn';
      ALTER TABLE decisions ADD COLUMN context JSON;
      ALTER TABLE decisions ADD COLUMN policy_version VARCHAR;
      -- A turn's logging policy is its script version; old rows have no context (not evaluable).
      UPDATE decisions SET policy_version = script_version;
      -- A dial decision has no call yet, nor a script.
      ALTER TABLE decisions ALTER COLUMN call_id DROP NOT NULL;
      ALTER TABLE decisions ALTER COLUMN script_version DROP NOT NULL;
    `,
  },
  {
    version: 17,
    name: 'the agent who made a promise the rules forbid (live agent assist counts by agent)',
    sql: `ALTER TABLE compliance_hits ADD COLUMN agent_id VARCHAR;`,
  },
  {
    version: 18,
    name: "the API request that produced a turn (X-Request-Id): a call's turns traced to their request",
    sql: `ALTER TABLE turns ADD COLUMN request_id VARCHAR;`,
  },
  {
    version: 19,
    name: "call recordings: where each call's sealed audio is, its sealed key, type, size and start",
    sql: `
      CREATE TABLE recordings (
        call_id VARCHAR PRIMARY KEY, object VARCHAR NOT NULL, key_enc VARCHAR NOT NULL,
        content_type VARCHAR NOT NULL, bytes BIGINT NOT NULL, sha256 VARCHAR NOT NULL,
        duration_s DOUBLE, started_at TIMESTAMPTZ, source VARCHAR NOT NULL,
        stored_by VARCHAR NOT NULL, stored_at TIMESTAMPTZ NOT NULL);
    `,
  },
  {
    version: 20,
    name: 'script drafts: a library version proposed, and who approved or rejected it (and why)',
    sql: `
      CREATE TABLE script_drafts (
        id VARCHAR PRIMARY KEY, version VARCHAR NOT NULL, base_version VARCHAR NOT NULL,
        library JSON NOT NULL, proposed_by VARCHAR NOT NULL, proposed_at TIMESTAMPTZ NOT NULL,
        status VARCHAR NOT NULL, reviewed_by VARCHAR, reviewed_at TIMESTAMPTZ, reason VARCHAR);
    `,
  },
  {
    version: 21,
    name: 'the slots an agent corrected (a correction of what the bot heard, turn by turn)',
    sql: `ALTER TABLE corrections ADD COLUMN corrected_slots JSON;`,
  },
  {
    version: 22,
    name: 'the knowledge base: chunks per version and tokenizer, their term postings and BM25 weights',
    sql: `
      CREATE TABLE knowledge_versions (
        version VARCHAR NOT NULL, tokenizer VARCHAR NOT NULL, digest VARCHAR NOT NULL,
        chunks INTEGER NOT NULL, loaded_at TIMESTAMPTZ NOT NULL, PRIMARY KEY (version, tokenizer));
      CREATE TABLE knowledge_chunks (
        version VARCHAR NOT NULL, tokenizer VARCHAR NOT NULL, chunk_id VARCHAR NOT NULL,
        source VARCHAR NOT NULL, title VARCHAR NOT NULL, campaigns VARCHAR[] NOT NULL,
        text VARCHAR NOT NULL, terms INTEGER NOT NULL, PRIMARY KEY (version, tokenizer, chunk_id));
      CREATE TABLE knowledge_postings (
        version VARCHAR NOT NULL, tokenizer VARCHAR NOT NULL, term VARCHAR NOT NULL,
        chunk_id VARCHAR NOT NULL, tf INTEGER NOT NULL);
      -- Each posting's BM25 weight, computed once at load; a query sums them.
      CREATE TABLE knowledge_weights (
        version VARCHAR NOT NULL, tokenizer VARCHAR NOT NULL, term VARCHAR NOT NULL,
        chunk_id VARCHAR NOT NULL, campaigns VARCHAR[] NOT NULL, weight DOUBLE NOT NULL);
    `,
  },
  {
    version: 23,
    name: "generated lines in the decision log: what became of each (spoken, or the fallback's cause) and its tokens",
    sql: `
      ALTER TABLE decisions ADD COLUMN generation VARCHAR;
      ALTER TABLE decisions ADD COLUMN tokens INTEGER;
    `,
  },
];

/** A row of `consent_changes` (migrations 10, 11): a consent change and its evidence, the text sealed. */
export interface ConsentRow {
  event_id: string;
  customer_id: string;
  scope: string;
  purpose: string | null;
  granted: boolean;
  source: string | null;
  call_id: string | null;
  evidence_event_id: string | null;
  cue: string | null;
  text_enc: string | null;
  ts: string;
}

/** A row of `touches` (migration 11): sent, delivered or replied, a reply's text sealed. */
export interface TouchRow {
  event_id: string;
  kind: 'sent' | 'delivered' | 'replied';
  touch_id: string;
  customer_id: string;
  channel: string;
  campaign_id: string | null;
  purpose: string | null;
  delivered: boolean | null;
  text_enc: string | null;
  ts: string;
}

/**
 * A row of `callbacks` (migration 15), keyed by the callback.scheduled
 * event: `kept_at` is the start of the call that kept it (the call is
 * `kept_by`), `missed` once its grace passed without one.
 */
export interface CallbackRow {
  event_id: string;
  customer_id: string;
  call_id: string | null;
  due_at: string;
  source: string;
  scheduled_at: string;
  kept_at: string | null;
  kept_by: string | null;
  missed: boolean;
}
