import { randomBytes } from 'node:crypto';
import { describe, expect, it, vi } from 'vitest';
import { createFieldCipher } from '../../src/core/crypto.js';
import { parseEvent } from '../../src/core/events/index.js';
import { createLogger } from '../../src/core/log.js';
import { createKeywordModels } from '../../src/models/keyword/index.js';
import { migrate, Store } from '../../src/core/store/store.js';
import { DuckDbSink, erasureRecord, namesCustomer, Pipeline } from '../../src/pipelines/index.js';
import { keywordEnricher } from '../helpers/enricher.js';
import { customerStory } from '../helpers/erasure.js';

const VICTIM = 'cust-erase-1';
const OTHER = 'cust-keep-2';
/** Tables an erasure empties of the customer (by customer_id; corrections by their calls). */
const TABLES = [
  'profiles',
  'turns',
  'calls',
  'web_visits',
  'touches',
  'callbacks',
  'compliance_hits',
  'decisions',
  'dialing_violations',
  'kpi_customers',
] as const;

async function setup() {
  const store = await Store.open(':memory:');
  await migrate(store);
  const cipher = createFieldCipher(randomBytes(32).toString('base64'));
  const enricher = keywordEnricher();
  const pipeline = await Pipeline.open({
    sink: new DuckDbSink(store, { cipher }),
    enricher,
    cipher,
    logger: createLogger('error', () => undefined),
    commitIntervalMs: 3_600_000,
    maxPending: 1_000_000,
  });
  let offset = 0;
  const send = async (events: object[], raw: string[] = []) => {
    await pipeline.process(
      [...events.map((e) => JSON.stringify(e)), ...raw].map((value) => ({
        source: 't',
        partition: 0,
        offset: String(offset++),
        value,
      })),
    );
    await pipeline.flush();
  };
  const count = async (table: string, id: string) => {
    const where =
      table === 'corrections'
        ? `call_id = 'call-${id}'`
        : table === 'dead_letters'
          ? `payload LIKE '%${id}%'`
          : `customer_id = '${id}'`;
    const [row] = await store.query<{ n: number }>(
      `SELECT count(*)::INTEGER AS n FROM ${table} WHERE ${where}`,
    );
    return row!.n;
  };
  // Rows other writers make: the decision log, dialing violations and the KPI roll-up.
  const sideRows = (id: string) =>
    store.transaction(async (tx) => {
      await tx.run(
        `INSERT INTO decisions VALUES ('d-${id}', now(), 'call-${id}', ?, 'spring', 'open', 'greet',
          'all', 'a', 0.5, 'v2', 'speak', 'r', NULL, 10, 'turn', NULL, 'v2', NULL, NULL)`,
        [id],
      );
      await tx.run(
        `INSERT INTO dialing_violations VALUES ('call-${id}/do_not_call', now(), 'call-${id}', ?,
          'spring', 'do_not_call', 'marked do-not-call in the CRM', 'refused')`,
        [id],
      );
      await tx.run(
        `INSERT INTO kpi_customers VALUES (now(), 'east', 'wealth', 'v2', 'spring', 'bot', ?)`,
        [id],
      );
    });
  return { store, cipher, enricher, pipeline, send, count, sideRows };
}

const erased = (id: string, n = 1) => ({
  event_id: `erase-${id}-${n}`,
  type: 'customer.erased',
  ts: '2026-11-21T00:00:00Z',
  schema_version: 1,
  customer_id: id,
  requested_by: 'root',
});

describe('erasure through the pipeline', () => {
  it('makes the served models forget the texts they remember having heard', () => {
    const forget = vi.fn();
    const enricher = keywordEnricher({ turn: { ...createKeywordModels(), forget } });
    const event = parseEvent(erased(VICTIM));
    if (!event.ok) throw new Error(event.reason);
    enricher.apply([event.event], Date.parse('2026-11-21T00:00:00Z'));
    expect(forget).toHaveBeenCalledTimes(1);
  });

  it('deletes the customer from every table, keeps the consent proof pseudonymised', async () => {
    const { store, cipher, enricher, pipeline, send, count, sideRows } = await setup();
    const words = { name: '张三丰', phone: '+86 139 0000 1111', word: 'xylophonequartz' };
    await send(
      [
        ...customerStory(VICTIM, words),
        ...customerStory(OTHER, { ...words, name: '李四', word: 'keepsake' }),
      ],
      // A dead letter of each: invalid turns (no text) that name them.
      [VICTIM, OTHER].map((id) =>
        JSON.stringify({ ...customerStory(id, words)[4], event_id: `${id}-bad`, turn: -1 }),
      ),
    );
    await sideRows(VICTIM);
    await sideRows(OTHER);
    const before = Object.fromEntries(
      await Promise.all(
        [...TABLES, 'corrections', 'dead_letters', 'consent_changes'].map(
          async (t) => [t, await count(t, VICTIM)] as const,
        ),
      ),
    );
    for (const [table, n] of Object.entries(before)) expect(n, table).toBeGreaterThan(0);
    const kept = before.consent_changes!;

    // In one batch: a consent change and a turn of theirs, then the erasure.
    const [update, , , , , turn2] = customerStory(VICTIM, words).map((e) => ({
      ...e,
      event_id: `${e.event_id}-late`,
    }));
    const consent = { ...customerStory(VICTIM, words)[8]!, event_id: 'late-consent-0' };
    await send([update!, consent, turn2!, erased(VICTIM)]);

    for (const table of [...TABLES, 'corrections', 'dead_letters', 'consent_changes'])
      expect(await count(table, VICTIM), table).toBe(0);
    for (const table of [...TABLES, 'corrections', 'dead_letters'])
      expect(await count(table, OTHER), table).toBeGreaterThan(0);
    expect(enricher.profiles.has(VICTIM)).toBe(false);
    expect(enricher.profiles.has(OTHER)).toBe(true);

    const pseudonym = cipher.pseudonym(VICTIM);
    const proof = await store.query<{ text_enc: string | null; scope: string; source: string }>(
      'SELECT text_enc, scope, source FROM consent_changes WHERE customer_id = ?',
      [pseudonym],
    );
    expect(proof).toHaveLength(kept + 1);
    expect(proof.every((r) => r.text_enc === null)).toBe(true);
    expect(proof.map((r) => r.source)).toContain('sms_reply');
    expect(proof.map((r) => r.source)).toContain('call_turn');

    const record = await erasureRecord(store, `erase-${VICTIM}-1`);
    expect(record).toMatchObject({
      pseudonym,
      requested_by: 'root',
      kept: { consent_changes: kept + 1 },
    });
    // Counted as stored when the erasure ran (the batch's own turn was never stored).
    expect(record!.erased).toEqual({ ...before, consent_changes: undefined, dead_letters: 1 });
    await pipeline.stop();
    await store.close();
  });

  it('starts a new, empty profile for events after the erasure, even in the same batch', async () => {
    const { store, enricher, pipeline, send, count } = await setup();
    const words = { name: '王五', phone: '+86 137 0000 2222', word: 'zebrafinch' };
    const story = customerStory(VICTIM, words);
    const visit = (n: number) => ({ ...story[1]!, event_id: `visit-${n}-0000` });
    await send([...story, visit(1), erased(VICTIM), visit(2)]);
    expect(await count('web_visits', VICTIM)).toBe(1);
    expect(await count('turns', VICTIM)).toBe(0);
    const p = enricher.profiles.get(VICTIM)!;
    expect(p.name).toBeNull();
    expect(p.phone).toBeNull();
    expect(p.calls).toBe(0);
    const [row] = await store.query<{ name_enc: string | null }>(
      'SELECT name_enc FROM profiles WHERE customer_id = ?',
      [VICTIM],
    );
    expect(row!.name_enc).toBeNull();
    // Applying the erasure again removes what came since and keeps the first record.
    await send([erased(VICTIM)]);
    expect(await count('web_visits', VICTIM)).toBe(0);
    await pipeline.stop();
    await store.close();
  });
});

describe('a dead letter names a customer', () => {
  it.each([
    ['{"customer_id":"c-1","type":"x"}', true],
    ['{"row":{"customer_id":"c-1"}}', true],
    ['[{"customer_id":"c-1"}]', true],
    ['{"customer_id":"c-10"}', false],
    ['{"customer_id": "c-1", "text": "truncated', true],
    ['{"note":"customer_id c-1"}', false],
    ['not json at all c-1', false],
  ])('%s → %s', (payload, expected) => {
    expect(namesCustomer(payload, 'c-1')).toBe(expected);
  });
});
