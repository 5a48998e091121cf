import { systemClock, type Clock } from '../../core/clock.js';
import type { FieldCipher } from '../../core/crypto.js';
import type { Columns, Store, Tx } from '../../core/store/store.js';
import { eraseStored } from './erase-stored.js';
import { deadLetter, type ProfileRow, type SinkRows } from './rows.js';
import {
  CALLBACKS,
  CALLS,
  cast,
  cols,
  CORRECTIONS,
  DEAD,
  HITS,
  PROFILE_COLUMNS,
  PROFILES,
  staged,
  TURNS,
  CONSENTS,
  TOUCHES,
  VISITS,
  type Typed,
} from './sink-tables.js';

/** Position of a source partition: the next offset to apply. */
export interface Position {
  source: string;
  partition: number;
  next: bigint;
}

/** A row the store would not take on its own, and DuckDB's reason. */
export interface Refusal {
  table: RowTable;
  row: object;
  reason: string;
}

/** The kinds of rows a commit writes (the arrays of SinkRows). */
export type RowTable = Exclude<keyof SinkRows, 'counters' | 'erasures'>;

/** Where a pipeline's commits go and where its state comes back from. */
export interface Sink {
  init(): Promise<void>;
  write(rows: SinkRows, positions: Position[]): Promise<void>;
  /** The stored profiles: at most `limit`, those awaiting a callback and then the latest updated first. */
  loadProfiles(limit?: number): Promise<ProfileRow[]>;
  /** These customers' stored profiles, where a store can look one up (else all stay in memory). */
  loadProfilesOf?(ids: readonly string[]): Promise<ProfileRow[]>;
  loadPositions(): Promise<Position[]>;
  /**
   * After a failed write: the rows the store refuses one by one (a poison
   * pill), or null when each kind of row alone is taken, so the fault is the
   * store's (disk full, I/O) and retrying the whole commit is right.
   */
  refusals?(rows: SinkRows): Promise<Refusal[] | null>;
}

/** Each kind of row goes through a staging table (appender, column order) into its table. */
interface Merge {
  stage: string;
  /** The staging table's columns (see `staged`). */
  staging: Columns;
  rows: RowTable;
  into: string;
  /** For a loader fed at least once: skips rows already stored (same key). */
  dedupe?: string;
  /** The table's primary key: one statement takes each key once. */
  unique?: readonly string[];
  /** Runs after the rows are in, while the staging table still holds them. */
  then?: string;
}

function merge(
  stage: string,
  table: string,
  columns: Typed,
  rows: RowTable,
  opts: {
    verb?: string;
    conflict?: string;
    key?: readonly string[];
    /** Columns DuckDB fills in: name → SQL expression. */
    generated?: Record<string, string>;
    then?: string;
    unique?: readonly string[];
  } = {},
): Merge {
  const generated = Object.entries(opts.generated ?? {});
  const names = [cols(columns), ...generated.map(([k]) => k)].join(', ');
  const values = [cast(columns), ...generated.map(([k, v]) => `${v} AS ${k}`)].join(', ');
  const insert = `${opts.verb ?? 'INSERT'} INTO ${table} (${names})
    SELECT ${values} FROM stage_${stage} s`;
  const stored = opts.key?.map((k) => `t.${k} = s.${k}`).join(' AND ');
  return {
    stage,
    staging: staged(columns),
    rows,
    into: insert + (opts.conflict ?? ''),
    ...(stored && {
      dedupe: `${insert} WHERE NOT EXISTS (SELECT 1 FROM ${table} t WHERE ${stored})`,
    }),
    ...(opts.then && { then: opts.then }),
    ...(opts.unique && { unique: opts.unique }),
  };
}

// A call's events can span commits and arrive late: a column keeps its stored
// value unless this commit knows it.
const KEEP_KNOWN = ` ON CONFLICT (call_id) DO UPDATE SET ${Object.keys(CALLS)
  .filter((c) => c !== 'call_id')
  .map((c) => `${c} = COALESCE(excluded.${c}, calls.${c})`)
  .join(', ')}`;

// The hours these calls started in: the KPI roll-up recomputes them (analytics/kpi-rollup).
// A row here carries its start whenever the call's start is known at all.
const DIRTY_HOURS = `INSERT INTO kpi_dirty
  SELECT DISTINCT date_trunc('hour', started_at::TIMESTAMPTZ AT TIME ZONE 'UTC') FROM stage_calls
  WHERE started_at IS NOT NULL ON CONFLICT DO NOTHING`;

/**
 * A call belongs to the customer it was first stored for: a row of another
 * customer's with the same call_id is left alone (and comes back missing
 * from RETURNING), so two people's calls are never merged.
 */
const OWNER_ONLY = ` WHERE calls.customer_id IS NULL OR calls.customer_id = excluded.customer_id RETURNING call_id`;

// A callback's row comes again when it is kept or missed: what is known stays
// known. Another customer's event with the same id never touches it.
const CALLBACK_UPDATE = ` ON CONFLICT (event_id) DO UPDATE SET
  kept_at = COALESCE(callbacks.kept_at, excluded.kept_at),
  kept_by = COALESCE(callbacks.kept_by, excluded.kept_by),
  missed = callbacks.missed OR excluded.missed
  WHERE callbacks.customer_id = excluded.customer_id`;

const MERGES: Merge[] = [
  merge('calls', 'calls', CALLS, 'calls', { conflict: KEEP_KNOWN + OWNER_ONLY, then: DIRTY_HOURS }),
  merge('profiles', 'profiles', PROFILES, 'profiles', { verb: 'INSERT OR REPLACE' }),
  // Numbered as stored: the search index follows seq.
  merge('turns', 'turns', TURNS, 'turns', {
    key: ['event_id'],
    generated: { seq: "nextval('turn_seq')" },
  }),
  merge('hits', 'compliance_hits', HITS, 'hits', {
    key: ['event_id', 'rule', 'start_pos'],
  }),
  merge('visits', 'web_visits', VISITS, 'visits', { key: ['event_id'] }),
  merge('consents', 'consent_changes', CONSENTS, 'consents', {
    key: ['event_id'],
    unique: ['event_id'],
  }),
  merge('touches', 'touches', TOUCHES, 'touches', { key: ['event_id'], unique: ['event_id'] }),
  merge('callbacks', 'callbacks', CALLBACKS, 'callbacks', {
    conflict: CALLBACK_UPDATE,
    unique: ['event_id'],
  }),
  merge('corrections', 'corrections', CORRECTIONS, 'corrections', {
    verb: 'INSERT OR IGNORE',
    unique: ['event_id'],
  }),
  merge('dead', 'dead_letters', DEAD, 'deadLetters'),
];

/** The rows whose primary key an earlier row of the batch has. */
function repeatedKeys(m: Merge, batch: readonly object[]): Set<object> {
  const again = new Set<object>();
  if (!m.unique) return again;
  const seen = new Set<string>();
  for (const row of batch) {
    const key = JSON.stringify(m.unique.map((k) => (row as Record<string, unknown>)[k]));
    if (seen.has(key)) again.add(row);
    seen.add(key);
  }
  return again;
}

/**
 * Writes a commit's rows, stream positions and counters in one DuckDB
 * transaction: after a crash the file holds either all of a commit or none,
 * and the positions say exactly where to resume.
 */
export class DuckDbSink implements Sink {
  constructor(
    private readonly store: Store,
    private readonly opts: {
      dedupeByEventId?: boolean;
      /** Stamps the dead letters a write makes; the system clock if absent. */
      clock?: Clock;
      /** Opens sealed dead letters an erasure cannot tell the owner of from the redacted form. */
      cipher?: FieldCipher;
    } = {},
  ) {}

  /** Creates the staging tables (per connection, in column order) that feed the set-based merges. */
  async init(): Promise<void> {
    await this.store.onConnect(async (tx) => {
      for (const m of MERGES) {
        const defs = Object.entries(m.staging)
          .map(([k, t]) => `${k} ${t}`)
          .join(', ');
        await tx.run(`CREATE TEMP TABLE IF NOT EXISTS stage_${m.stage} (${defs})`);
      }
    });
  }

  /** Stages a batch and merges it into its table; the call_ids a calls merge applied. */
  private async merge(tx: Tx, m: Merge, batch: readonly object[]): Promise<Set<string>> {
    if (batch.length === 0) return new Set();
    await tx.append(`stage_${m.stage}`, m.staging, batch);
    const sql = (this.opts.dedupeByEventId && m.dedupe) || m.into;
    // The calls upsert names the calls it applied (RETURNING): the others are another customer's.
    const applied = m.rows === 'calls' ? await tx.all<{ call_id: string }>(sql) : [];
    if (m.rows !== 'calls') await tx.run(sql);
    if (m.then) await tx.run(m.then);
    await tx.run(`DELETE FROM stage_${m.stage}`);
    return new Set(applied.map((r) => r.call_id));
  }

  async write(rows: SinkRows, positions: Position[]): Promise<void> {
    await this.store.transaction(async (tx) => {
      // Erasures first: every other row of the commit came after them.
      for (const e of rows.erasures) await eraseStored(tx, e, this.now(), this.opts.cipher);
      let out = rows;
      for (const m of MERGES) {
        if (m.rows !== 'calls') {
          await this.merge(tx, m, out[m.rows]);
          continue;
        }
        // One row per call_id per statement (an upsert takes no key twice), the first owner's.
        const first = new Map<string, SinkRows['calls'][number]>();
        for (const c of rows.calls) if (!first.has(c.call_id)) first.set(c.call_id, c);
        const applied = await this.merge(tx, m, [...first.values()]);
        const foreign = rows.calls.filter(
          (c) => !applied.has(c.call_id) || first.get(c.call_id) !== c,
        );
        if (foreign.length) out = withoutForeignCalls(rows, foreign, this.now());
      }
      for (const [name, value] of Object.entries(out.counters)) {
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

  async refusals(rows: SinkRows): Promise<Refusal[] | null> {
    // A store that takes no write at all (disk full, invalidated) refuses
    // every row: that is its fault, not the rows'.
    if (!(await this.takesWrites())) return null;
    const out: Refusal[] = [];
    for (const m of MERGES) {
      const isolated = await this.isolate(m, rows[m.rows]);
      if (isolated === null) return null;
      out.push(...isolated);
    }
    return out.length && (await this.takesWrites()) ? out : null;
  }

  private takesWrites(): Promise<boolean> {
    return this.store
      .trial((tx) =>
        tx.run(`INSERT INTO dead_letters (received_at, source, reason, payload)
          VALUES (now(), 'probe', 'probe', '')`),
      )
      .then(
        () => true,
        () => false,
      );
  }

  /**
   * Bisects a table's rows with rolled-back trial writes down to the rows
   * refused alone. A row whose key an earlier row of the commit has is
   * refused first: each alone is fine, the pair never is.
   */
  private async isolate(m: Merge, batch: readonly object[]): Promise<Refusal[] | null> {
    if (batch.length === 0) return [];
    const again = repeatedKeys(m, batch);
    if (again.size) {
      const rest = await this.isolate(
        m,
        batch.filter((row) => !again.has(row)),
      );
      const reason = `another event of the same commit has this ${m.unique!.join(', ')}: the first is kept`;
      return rest && [...[...again].map((row) => ({ table: m.rows, row, reason })), ...rest];
    }
    const reason = await this.store
      .trial(async (tx) => void (await this.merge(tx, m, batch)))
      .then(
        () => undefined,
        (err: unknown) => (err instanceof Error ? err.message : String(err)),
      );
    if (reason === undefined) return [];
    if (batch.length === 1) return [{ table: m.rows, row: batch[0]!, reason }];
    const half = Math.ceil(batch.length / 2);
    const a = await this.isolate(m, batch.slice(0, half));
    const b = await this.isolate(m, batch.slice(half));
    // Each half alone is fine but not both together: no single row is to blame.
    if (a === null || b === null || a.length + b.length === 0) return null;
    return [...a, ...b];
  }

  private now(): string {
    return new Date((this.opts.clock ?? systemClock).now()).toISOString();
  }

  async loadProfiles(limit?: number): Promise<ProfileRow[]> {
    if (limit === undefined || !Number.isFinite(limit))
      return this.store.query<ProfileRow>(`SELECT ${PROFILE_COLUMNS} FROM profiles`);
    return this.store.query<ProfileRow>(
      `SELECT ${PROFILE_COLUMNS} FROM profiles
       ORDER BY coalesce(json_type(state, '$.callback'), 'NULL') = 'NULL', updated_at DESC LIMIT ?`,
      [limit],
    );
  }

  async loadProfilesOf(ids: readonly string[]): Promise<ProfileRow[]> {
    const out: ProfileRow[] = [];
    // In lists DuckDB answers from the primary key's index (index_scan_max_count is 2,048).
    for (let i = 0; i < ids.length; i += 1_000) {
      const chunk = ids.slice(i, i + 1_000);
      out.push(
        ...(await this.store.query<ProfileRow>(
          `SELECT ${PROFILE_COLUMNS} FROM profiles WHERE customer_id IN (${chunk.map(() => '?').join(', ')})`,
          chunk,
        )),
      );
    }
    return out;
  }

  async loadPositions(): Promise<Position[]> {
    const rows = await this.store.query<{ source: string; partition: number; next: bigint }>(
      'SELECT source, partition, next_offset AS next FROM stream_offsets',
    );
    return rows.map((r) => ({ ...r, next: BigInt(r.next) }));
  }

  /** Deletes erased customers' profile rows (a loader's changelog tombstones). */
  async dropProfiles(customerIds: readonly string[]): Promise<void> {
    await this.store.transaction((tx) =>
      tx.run(
        `DELETE FROM profiles WHERE customer_id IN (${customerIds.map(() => '?').join(', ')})`,
        [...customerIds],
      ),
    );
  }

  /** Events taken in so far, stored or dead-lettered: grows with every commit that took any. */
  async takenIn(): Promise<number> {
    const [row] = await this.store.query<{ n: number }>(
      `SELECT (SELECT COALESCE(sum(value), 0) FROM ingest_counters)::DOUBLE
         + (SELECT count(*) FROM dead_letters)::DOUBLE AS n`,
    );
    return row!.n;
  }
}

/**
 * The commit without the rows of calls another customer owns (the call rows
 * themselves and that customer's turns and hits in them), each a dead letter.
 */
function withoutForeignCalls(
  rows: SinkRows,
  foreign: SinkRows['calls'],
  receivedAt: string,
): SinkRows {
  const key = (callId: string, customerId: string) => `${callId}\u0000${customerId}`;
  const theirs = new Set(foreign.map((c) => key(c.call_id, c.customer_id)));
  const isTheirs = (r: { call_id: string; customer_id: string }) =>
    theirs.has(key(r.call_id, r.customer_id));
  const letter = (r: { call_id: string }) =>
    deadLetter(
      undefined,
      'store',
      `call_id ${r.call_id} belongs to another customer`,
      JSON.stringify(r),
      receivedAt,
    );
  const turns = rows.turns.filter(isTheirs);
  const hits = rows.hits.filter(isTheirs);
  const letters = [...foreign, ...turns, ...hits].map(letter);
  return {
    ...rows,
    turns: rows.turns.filter((t) => !isTheirs(t)),
    hits: rows.hits.filter((h) => !isTheirs(h)),
    deadLetters: [...rows.deadLetters, ...letters],
    counters: { ...rows.counters, dead_letters: rows.counters.dead_letters + letters.length },
  };
}
