import type { Columns, Store } from '../core/store/store.js';

/** Column types of the target tables; see `staged` for how they travel. */
type Typed = Record<string, Columns[string] | 'TIMESTAMPTZ' | 'JSON'>;
import type { ProfileRow, SinkRows } from './rows.js';

/** Position of a source partition: the next offset to apply. */
export interface Position {
  source: string;
  partition: number;
  next: bigint;
}

/** Where a pipeline's commits go and where its state comes back from. */
export interface Sink {
  init(): Promise<void>;
  write(rows: SinkRows, positions: Position[]): Promise<void>;
  loadProfiles(): Promise<ProfileRow[]>;
  loadPositions(): Promise<Position[]>;
}

const CALLS: Typed = {
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
};
const TURNS: Typed = {
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
};
const HITS: Typed = {
  event_id: 'VARCHAR',
  call_id: 'VARCHAR',
  customer_id: 'VARCHAR',
  speaker: 'VARCHAR',
  rule: 'VARCHAR',
  term: 'VARCHAR',
  start_pos: 'INTEGER',
  end_pos: 'INTEGER',
  ts: 'TIMESTAMPTZ',
};
const VISITS: Typed = {
  event_id: 'VARCHAR',
  customer_id: 'VARCHAR',
  page: 'VARCHAR',
  product: 'VARCHAR',
  ts: 'TIMESTAMPTZ',
};
const CORRECTIONS: Typed = {
  event_id: 'VARCHAR',
  call_id: 'VARCHAR',
  turn: 'INTEGER',
  corrected_text: 'VARCHAR',
  corrected_intent: 'VARCHAR',
  submitted_by: 'VARCHAR',
  ts: 'TIMESTAMPTZ',
};
const PROFILES: Typed = {
  customer_id: 'VARCHAR',
  state: 'JSON',
  name_enc: 'VARCHAR',
  phone_enc: 'VARCHAR',
  phone_hash: 'VARCHAR',
  intent_score: 'DOUBLE',
  tags: 'JSON',
  updated_at: 'TIMESTAMPTZ',
};
const DEAD: Typed = {
  received_at: 'TIMESTAMPTZ',
  source: 'VARCHAR',
  reason: 'VARCHAR',
  payload: 'VARCHAR',
};

const cols = (c: Typed): string => Object.keys(c).join(', ');

/**
 * Timestamps (ISO 8601) and JSON are staged as text, and DuckDB casts them
 * on INSERT … SELECT: parsing happens in DuckDB's threads, not in JavaScript.
 */
const staged = (c: Typed): Columns =>
  Object.fromEntries(
    Object.entries(c).map(([k, t]) => [k, t === 'TIMESTAMPTZ' || t === 'JSON' ? 'VARCHAR' : t]),
  );

/** The staging table's columns as the target table's types, in order. */
const cast = (c: Typed): string =>
  Object.entries(c)
    .map(([k, t]) => (t === 'TIMESTAMPTZ' || t === 'JSON' ? `${k}::${t} AS ${k}` : k))
    .join(', ');

// A call's events can span commits and arrive late: a column keeps its stored
// value unless this commit knows it.
const CALL_MERGE = `INSERT INTO calls (${cols(CALLS)}) SELECT ${cast(CALLS)} FROM stage_calls
  ON CONFLICT (call_id) DO UPDATE SET ${Object.keys(CALLS)
    .filter((c) => c !== 'call_id')
    .map((c) => `${c} = COALESCE(excluded.${c}, calls.${c})`)
    .join(', ')}`;

/** Each kind of row goes through a staging table (appender, column order) into its table. */
const MERGES: {
  stage: string;
  columns: Typed;
  rows: (r: SinkRows) => readonly object[];
  into: string;
  /** For a loader fed at least once: skips rows whose event is already stored. */
  dedupe?: string;
}[] = [
  { stage: 'calls', columns: CALLS, rows: (r) => r.calls, into: CALL_MERGE },
  {
    stage: 'profiles',
    columns: PROFILES,
    rows: (r) => r.profiles,
    into: `INSERT OR REPLACE INTO profiles (${cols(PROFILES)}) SELECT ${cast(PROFILES)} FROM stage_profiles`,
  },
  {
    stage: 'turns',
    columns: TURNS,
    rows: (r) => r.turns,
    into: `INSERT INTO turns (${cols(TURNS)}) SELECT ${cast(TURNS)} FROM stage_turns`,
    dedupe: `INSERT INTO turns (${cols(TURNS)}) SELECT ${cast(TURNS)} FROM stage_turns s
      WHERE NOT EXISTS (SELECT 1 FROM turns t WHERE t.event_id = s.event_id)`,
  },
  {
    stage: 'hits',
    columns: HITS,
    rows: (r) => r.hits,
    into: `INSERT INTO compliance_hits (${cols(HITS)}) SELECT ${cast(HITS)} FROM stage_hits`,
    dedupe: `INSERT INTO compliance_hits (${cols(HITS)}) SELECT ${cast(HITS)} FROM stage_hits s
      WHERE NOT EXISTS (SELECT 1 FROM compliance_hits h
        WHERE h.event_id = s.event_id AND h.rule = s.rule AND h.start_pos = s.start_pos)`,
  },
  {
    stage: 'visits',
    columns: VISITS,
    rows: (r) => r.visits,
    into: `INSERT INTO web_visits (${cols(VISITS)}) SELECT ${cast(VISITS)} FROM stage_visits`,
    dedupe: `INSERT INTO web_visits (${cols(VISITS)}) SELECT ${cast(VISITS)} FROM stage_visits s
      WHERE NOT EXISTS (SELECT 1 FROM web_visits v WHERE v.event_id = s.event_id)`,
  },
  {
    stage: 'corrections',
    columns: CORRECTIONS,
    rows: (r) => r.corrections,
    into: `INSERT OR IGNORE INTO corrections (${cols(CORRECTIONS)}) SELECT ${cast(CORRECTIONS)} FROM stage_corrections`,
  },
  {
    stage: 'dead',
    columns: DEAD,
    rows: (r) => r.deadLetters,
    into: `INSERT INTO dead_letters (${cols(DEAD)}) SELECT ${cast(DEAD)} FROM stage_dead`,
  },
];

/**
 * Writes a commit's rows, stream positions and counters in one DuckDB
 * transaction: after a crash the file holds either all of a commit or none,
 * and the positions say exactly where to resume.
 */
export class DuckDbSink implements Sink {
  constructor(
    private readonly store: Store,
    private readonly opts: { dedupeByEventId?: boolean } = {},
  ) {}

  /** Creates the staging tables (per connection, in column order) that feed the set-based merges. */
  async init(): Promise<void> {
    await this.store.transaction(async (tx) => {
      for (const m of MERGES) {
        const defs = Object.entries(staged(m.columns))
          .map(([k, t]) => `${k} ${t}`)
          .join(', ');
        await tx.run(`CREATE TEMP TABLE IF NOT EXISTS stage_${m.stage} (${defs})`);
      }
    });
  }

  async write(rows: SinkRows, positions: Position[]): Promise<void> {
    await this.store.transaction(async (tx) => {
      for (const m of MERGES) {
        const batch = m.rows(rows);
        if (batch.length === 0) continue;
        await tx.append(`stage_${m.stage}`, staged(m.columns), batch);
        await tx.run((this.opts.dedupeByEventId && m.dedupe) || m.into);
        await tx.run(`DELETE FROM stage_${m.stage}`);
      }
      for (const [name, value] of Object.entries(rows.counters)) {
        if (value === 0) continue;
        await tx.run(
          `INSERT INTO ingest_counters VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET value = ingest_counters.value + excluded.value`,
          [name, value],
        );
      }
      for (const p of positions) {
        await tx.run(`INSERT OR REPLACE INTO stream_offsets VALUES (?, ?, ?)`, [
          p.source,
          p.partition,
          p.next,
        ]);
      }
    });
  }

  async loadProfiles(): Promise<ProfileRow[]> {
    return this.store.query<ProfileRow>(
      `SELECT customer_id, state::VARCHAR AS state, name_enc, phone_enc, phone_hash, intent_score,
        tags::VARCHAR AS tags, updated_at::VARCHAR AS updated_at FROM profiles`,
    );
  }

  async loadPositions(): Promise<Position[]> {
    const rows = await this.store.query<{ source: string; partition: number; next: bigint }>(
      'SELECT source, partition, next_offset AS next FROM stream_offsets',
    );
    return rows.map((r) => ({ ...r, next: BigInt(r.next) }));
  }
}
