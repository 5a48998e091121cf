import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  parseRetentionConfig,
  runRetention,
  RETENTION_KINDS,
  type RetentionConfig,
} from '../../src/analytics/retention/index.js';
import { SearchIndexer } from '../../src/analytics/search/index.js';
import { search } from '../../src/analytics/search/index-query.js';
import { matchOf } from '../../src/analytics/search/format/index.js';
import { manualClock } from '../../src/core/clock.js';
import { migrate, Store } from '../../src/core/store/store.js';
import { tmpDir } from '../helpers/tmp.js';

const DAY = 86_400_000;
const NOW = Date.parse('2026-03-01T03:30:00Z');
const clock = manualClock(NOW);
const config: RetentionConfig = parseRetentionConfig({});
const cutoffOf = (days: number): number => clock.now() - days * DAY;

/** One row of each table a kind covers, with its time; what NOT NULL needs besides. */
const INSERT: Record<string, string> = {
  compliance_hits: `INSERT INTO compliance_hits VALUES ('e'||?, 'c', 'u', 'bot', 'r', 't', 0, 1, ?::TIMESTAMPTZ, NULL)`,
  corrections: `INSERT INTO corrections (event_id, call_id, turn, submitted_by, ts) VALUES ('e'||?, 'c', 1, 'a', ?::TIMESTAMPTZ)`,
  calls: `INSERT INTO calls (call_id, started_at) VALUES ('c'||?, ?::TIMESTAMPTZ)`,
  web_visits: `INSERT INTO web_visits VALUES ('e'||?, 'u', '/p', NULL, ?::TIMESTAMPTZ)`,
  dead_letters: `INSERT INTO dead_letters (received_at, source, reason, payload) SELECT ?::TIMESTAMPTZ, 's'||?, 'r', '{}'`,
  dialing_violations: `INSERT INTO dialing_violations VALUES ('v'||?, ?::TIMESTAMPTZ, 'c', 'u', NULL, 'do_not_call', 'd', 'refused')`,
  decisions: `INSERT INTO decisions VALUES ('d'||?, ?::TIMESTAMPTZ, 'c', 'u', NULL, 's', 'n', 'g', 'v', 1, 'v1', 'a', 'r', NULL, 1, 'turn', NULL, 'v1', NULL, NULL)`,
  kpi_hourly: `INSERT INTO kpi_hourly (hour, region, calls, answered, abandoned, conversions, complaints, transfers, talk_seconds, bot_seconds, agent_seconds)
    VALUES ((?::TIMESTAMPTZ) AT TIME ZONE 'UTC', 'r'||?, 1, 1, 0, 0, 0, 0, 1, 1, 0)`,
  kpi_customers: `INSERT INTO kpi_customers (hour, customer_id) VALUES ((?::TIMESTAMPTZ) AT TIME ZONE 'UTC', 'u'||?)`,
  audit_log: `INSERT INTO audit_log VALUES (?::TIMESTAMPTZ, 'p'||?, 'admin', 'a', 't')`,
  consent_changes: `INSERT INTO consent_changes (event_id, customer_id, scope, granted, ts) VALUES ('e'||?, 'u', 'call', false, ?::TIMESTAMPTZ)`,
  callbacks: `INSERT INTO callbacks (event_id, customer_id, due_at, source, scheduled_at) VALUES ('e'||?, 'u', now(), 'agent', ?::TIMESTAMPTZ)`,
  touches: `INSERT INTO touches (event_id, kind, touch_id, customer_id, channel, ts) VALUES ('e'||?, 'sent', 't', 'u', 'sms', ?::TIMESTAMPTZ)`,
};
// Tables whose insert takes the time first.
const TIME_FIRST = new Set(['dead_letters', 'kpi_hourly', 'kpi_customers', 'audit_log']);

let dir: string;
let store: Store;

beforeEach(async () => {
  dir = tmpDir();
  store = await Store.open(join(dir, 'r.duckdb'));
  await migrate(store);
});
afterEach(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

async function insert(table: string, i: number, ms: number): Promise<void> {
  const ts = new Date(ms).toISOString();
  await store.transaction((tx) =>
    tx.run(INSERT[table]!, TIME_FIRST.has(table) ? [ts, String(i)] : [String(i), ts]),
  );
}

const rows = async (table: string): Promise<number> =>
  Number((await store.query<{ n: bigint }>(`SELECT count(*) AS n FROM ${table}`))[0]!.n);

/** Turns with words of their own, seqs in order of `times`. */
async function addTurns(times: number[], from = 0): Promise<void> {
  for (const [k, ms] of times.entries()) {
    const i = from + k;
    await store.transaction((tx) =>
      tx.run(
        `INSERT INTO turns (event_id, call_id, customer_id, turn, speaker, text, asr_confidence, ts, seq)
         VALUES (?, 'c', 'u', ?, 'customer', ?, 1, ?::TIMESTAMPTZ, nextval('turn_seq'))`,
        [`t${i}`, i, `${word(i)} shared`, new Date(ms).toISOString()],
      ),
    );
  }
}

/** A word of four letters per turn: none a prefix of another. */
const word = (i: number): string =>
  `zz${String.fromCharCode(97 + i)}${String.fromCharCode(97 + i)}`;

async function find(text: string): Promise<number[]> {
  const r = await search(
    store,
    { tokens: [{ token: text, match: matchOf(text) }] },
    { want: 100, count: true },
  );
  return r.seqs.sort((a, b) => a - b);
}

const tables = Object.entries(RETENTION_KINDS).flatMap(([kind, k]) =>
  k.tables.filter((t) => !('searchIndex' in t)).map((t) => ({ kind, table: t.table })),
);

describe('runRetention, per kind', () => {
  it.each(tables)(
    '$kind: $table deletes rows before the cutoff, keeps the one at it',
    async ({ kind, table }) => {
      const cutoff = cutoffOf(config.days[kind as keyof RetentionConfig['days']]);
      const times = [cutoff - DAY, cutoff - 1, cutoff, cutoff + 1, clock.now()];
      for (const [i, ms] of times.entries()) await insert(table, i, ms);
      const dry = await runRetention(store, config, { nowMs: clock.now(), dryRun: true });
      expect(dry.kinds.find((k) => k.kind === kind)!.removed[table]).toBe(2);
      expect(await rows(table)).toBe(5);
      const report = await runRetention(store, config, { nowMs: clock.now() });
      expect(report.kinds.find((k) => k.kind === kind)!.removed[table]).toBe(2);
      expect(await rows(table)).toBe(3);
      const [oldest] = await store.query<{ n: bigint }>(
        `SELECT count(*) AS n FROM ${table} WHERE (${RETENTION_KINDS[kind as 'calls'].tables.find((t) => t.table === table)!.time}) < ?::TIMESTAMPTZ`,
        [new Date(cutoff).toISOString()],
      );
      expect(Number(oldest!.n)).toBe(0);
    },
  );

  it('deletes in batches of batchRows and counts them all', async () => {
    const cutoff = cutoffOf(config.days.dead_letters);
    for (let i = 0; i < 250; i++) await insert('dead_letters', i, cutoff - 1 - i);
    await insert('dead_letters', 999, cutoff);
    const report = await runRetention(store, { ...config, batchRows: 100 }, { nowMs: clock.now() });
    expect(report.kinds.find((k) => k.kind === 'dead_letters')!.removed).toEqual({
      dead_letters: 250,
    });
    expect(await rows('dead_letters')).toBe(1);
  });

  it('reports personal fields as cleared through the pipeline, removing no row itself', async () => {
    const report = await runRetention(store, config, { nowMs: clock.now() });
    const personal = report.kinds.find((k) => k.kind === 'personal')!;
    expect(personal.removed).toEqual({});
    expect(personal.handledBy).toMatch(/cleared through the pipeline/);
  });
});

describe('runRetention, turns and the search index', () => {
  it('removes expired turns and their postings, keeps the rest findable', async () => {
    const cutoff = cutoffOf(config.days.turns);
    const old = cutoff - 1;
    const kept = cutoff;
    // Segments of 3 seqs: [1-3] all expired, [4-6] mixed (a late turn), [7-9] kept.
    await addTurns([old, old, old, kept, old, kept, kept, kept, kept]);
    const run = await new SearchIndexer(store, { segmentSeqs: 3, fanIn: 100 }).run({
      maxTurns: 100,
    });
    expect(run.indexed).toBe(9);
    // A turn past its period that the index has not reached yet waits.
    await addTurns([old], 9);
    expect(await find('shared')).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);

    const report = await runRetention(store, config, { nowMs: clock.now() });
    const turns = report.kinds.find((k) => k.kind === 'turns')!;
    expect(turns.removed.turns).toBe(4);
    expect(report.index).toEqual({ dropped: 1, rewritten: 1, removed: 4 });
    expect(report.checkpoint).toBe('done');
    expect(await find('shared')).toEqual([4, 6, 7, 8, 9, 10]);
    for (const [i, seq] of [0, 1, 2, 4].map((i) => [i, i + 1] as const)) {
      expect(await find(word(i)), `turn ${seq}`).toEqual([]);
    }
    for (const i of [3, 5, 6, 7, 8]) expect(await find(word(i))).toEqual([i + 1]);
    expect(await find(word(9))).toEqual([10]);
    const [terms] = await store.query<{ n: bigint }>(
      `SELECT count(*) AS n FROM search_postings WHERE contains(decode(seqs), 'zzaa')`,
    );
    expect(Number(terms!.n)).toBe(0);
    const [control] = await store.query<{ n: bigint }>(
      `SELECT count(*) AS n FROM search_postings WHERE contains(decode(seqs), 'zzdd')`,
    );
    expect(Number(control!.n)).toBe(1);

    // Once indexed, the late turn goes on the next run.
    await new SearchIndexer(store, { segmentSeqs: 3, fanIn: 100 }).run({ maxTurns: 100 });
    const next = await runRetention(store, config, { nowMs: clock.now() });
    expect(next.kinds.find((k) => k.kind === 'turns')!.removed.turns).toBe(1);
    expect(await find('shared')).toEqual([4, 6, 7, 8, 9]);
    expect(await find(word(9))).toEqual([]);
  });

  it('a rewritten segment merges on with the next ones', async () => {
    const cutoff = cutoffOf(config.days.turns);
    const indexer = new SearchIndexer(store, { segmentSeqs: 2, fanIn: 2 });
    await addTurns([cutoff - 1, cutoff, cutoff, cutoff - 1]);
    await indexer.run({ maxTurns: 100 });
    expect(await rows('search_segments')).toBe(1);
    await runRetention(store, config, { nowMs: clock.now() });
    await addTurns([cutoff, cutoff, cutoff, cutoff], 4);
    await indexer.run({ maxTurns: 100 });
    expect(await find('shared')).toEqual([2, 3, 5, 6, 7, 8]);
    expect(await find(word(0))).toEqual([]);
    expect(await find(word(3))).toEqual([]);
    expect(await find(word(7))).toEqual([8]);
  });

  it('a dry run deletes nothing and leaves the index as it was', async () => {
    const cutoff = cutoffOf(config.days.turns);
    await addTurns([cutoff - 1, cutoff, cutoff - DAY]);
    await new SearchIndexer(store, { segmentSeqs: 2 }).run({ maxTurns: 100 });
    const before = await store.query(`SELECT * FROM search_segments ORDER BY segment`);
    const report = await runRetention(store, config, { nowMs: clock.now(), dryRun: true });
    expect(report.kinds.find((k) => k.kind === 'turns')!.removed.turns).toBe(2);
    expect(report.index).toEqual({ dropped: 0, rewritten: 0, removed: 0 });
    expect(await rows('turns')).toBe(3);
    expect(await store.query(`SELECT * FROM search_segments ORDER BY segment`)).toEqual(before);
    expect(await find('shared')).toEqual([1, 2, 3]);
  });

  it('archives the non-personal columns to Parquet before deleting', async () => {
    const cutoff = cutoffOf(config.days.turns);
    await addTurns([cutoff - 1, cutoff]);
    await new SearchIndexer(store).run();
    const archiveDir = join(dir, 'archive');
    const report = await runRetention(store, config, { nowMs: clock.now(), archiveDir });
    expect(report.archived).toHaveLength(1);
    const file = report.archived[0]!;
    expect(existsSync(file)).toBe(true);
    const [row] = await store.query<Record<string, unknown>>(
      `SELECT * FROM read_parquet('${file}')`,
    );
    expect(row).toMatchObject({ event_id: 't0', speaker: 'customer' });
    expect(row).not.toHaveProperty('text');
  });
});
