import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SearchIndexer, searchTranscripts } from '../../src/analytics/search/index.js';
import { migrate, Store } from '../../src/core/store/store.js';
import { tmpDir } from '../helpers/tmp.js';

const compliance = { name: 'carol', role: 'compliance' };

// Every outcome must hold whether the turns are found in the index, past its
// watermark (not indexed yet) or partly in each.
const INDEXED: Record<string, number> = { 'not indexed': 0, indexed: 1_000, 'partly indexed': 17 };

describe.each(Object.keys(INDEXED))('transcript search, %s', (mode) => {
  let store: Store;
  const turn = (id: string, speaker: string, text: string, ts: string) =>
    store.transaction((tx) =>
      tx.run(
        `INSERT INTO turns (event_id, call_id, customer_id, turn, speaker, text, asr_confidence, ts, seq)
         VALUES (?, ?, ?, 1, ?, ?, 0.9, ?::TIMESTAMPTZ, nextval('turn_seq'))`,
        [id, `call-${id}`, `cust-${id}`, speaker, text, ts],
      ),
    );
  const audits = (action: string) =>
    store.query<{ principal: string; role: string; target: string }>(
      'SELECT principal, role, target FROM audit_log WHERE action = ? ORDER BY ts',
      [action],
    );

  beforeAll(async () => {
    store = await Store.open(join(tmpDir(), 'transcripts.duckdb'));
    await migrate(store);
    await turn('a1', 'bot', '本产品保证收益，年化百分之五', '2024-05-01T10:00:00Z');
    await turn('a2', 'customer', 'I want a Refund please', '2024-05-01T11:00:00Z');
    await turn('a3', 'agent', 'refund processed, REFUND again', '2024-05-01T12:00:00Z');
    await turn('a4', 'customer', 'refund later, not now', '2024-05-02T09:00:00Z');
    await turn('a5', 'customer', "it's fine", '2024-05-02T10:00:00Z');
    // 25 hits for pagination, five share one timestamp: order is by storage, not by time.
    for (let i = 0; i < 25; i++) {
      const ts = i < 5 ? '2024-04-01T00:00:00Z' : `2024-04-02T00:${String(i).padStart(2, '0')}:00Z`;
      await turn(`p${String(i).padStart(2, '0')}`, 'bot', `page marker 分页 ${i}`, ts);
    }
    // Small segments, so that several are written and merged.
    await new SearchIndexer(store, { segmentSeqs: 4, fanIn: 2 }).run({ maxTurns: INDEXED[mode] });
  });
  afterAll(() => store.close());

  it('matches a Chinese term by its bigrams, with highlights that slice back to it', async () => {
    const page = await searchTranscripts(store, compliance, { text: '保证收益' });
    expect(page.hits.map((h) => h.call_id)).toEqual(['call-a1']);
    const hit = page.hits[0]!;
    expect(hit.highlights).toHaveLength(1);
    expect(hit.text.slice(hit.highlights[0]!.start, hit.highlights[0]!.end)).toBe('保证收益');
    expect(hit.ts).toBe('2024-05-01T10:00:00.000Z');
    expect(page.total).toBe(1);
  });

  it('matches English case-insensitively and highlights every occurrence', async () => {
    const page = await searchTranscripts(store, compliance, { text: 'Refund' });
    expect(page.hits.map((h) => h.call_id)).toEqual(['call-a4', 'call-a3', 'call-a2']);
    const a3 = page.hits[1]!;
    expect(a3.highlights.map((h) => a3.text.slice(h.start, h.end))).toEqual(['refund', 'REFUND']);
  });

  it('requires every term (AND) and merges overlapping highlights', async () => {
    const page = await searchTranscripts(store, compliance, { text: 'refund  NOT' });
    expect(page.hits.map((h) => h.call_id)).toEqual(['call-a4']);
    const both = await searchTranscripts(store, compliance, { text: 'refund refun' });
    const a4 = both.hits.find((h) => h.call_id === 'call-a4')!;
    expect(a4.highlights).toEqual([{ start: 0, end: 6 }]);
  });

  it('filters by speaker and time', async () => {
    const byCustomer = await searchTranscripts(store, compliance, {
      text: 'refund',
      speaker: 'customer',
    });
    expect(byCustomer.hits.map((h) => h.call_id)).toEqual(['call-a4', 'call-a2']);
    const inRange = await searchTranscripts(store, compliance, {
      text: 'refund',
      from: '2024-05-01T11:30:00Z',
      to: '2024-05-02T00:00:00Z',
    });
    expect(inRange.hits.map((h) => h.call_id)).toEqual(['call-a3']);
  });

  it('pages 25 hits as 10, 10 and 5 without duplicates, newest first', async () => {
    const seen: string[] = [];
    const sizes: number[] = [];
    let after: string | undefined;
    let first = true;
    do {
      const page = await searchTranscripts(store, compliance, { text: 'marker', limit: 10, after });
      if (first) expect(page.total).toBe(25);
      else expect(page.total).toBeUndefined();
      first = false;
      sizes.push(page.hits.length);
      seen.push(...page.hits.map((h) => h.call_id));
      after = page.nextCursor ?? undefined;
    } while (after);
    expect(sizes).toEqual([10, 10, 5]);
    expect(new Set(seen).size).toBe(25);
    expect(seen.slice(0, 2)).toEqual(['call-p24', 'call-p23']);
    expect(seen.slice(-5)).toEqual(['call-p04', 'call-p03', 'call-p02', 'call-p01', 'call-p00']);
  });

  it('treats quotes and SQL as plain text', async () => {
    const page = await searchTranscripts(store, compliance, { text: "' OR 1=1 --" });
    expect(page.hits).toEqual([]);
    const quote = await searchTranscripts(store, compliance, { text: "it's" });
    expect(quote.hits.map((h) => h.call_id)).toEqual(['call-a5']);
  });

  it('rejects bad input naming the field', async () => {
    const bad = async (q: object, field: string) =>
      expect(searchTranscripts(store, compliance, q as never)).rejects.toMatchObject({
        code: 'BAD_REQUEST',
        message: expect.stringContaining(field),
      });
    await bad({ text: '   ' }, 'text');
    await bad({ text: 'x', limit: 0 }, 'limit');
    await bad({ text: 'x', limit: 101 }, 'limit');
    await bad({ text: 'x', after: 'not-a-cursor' }, 'after');
    await bad({ text: 'x', from: 'yesterday' }, 'from');
    await bad({ text: 'x', to: '2024-13-45' }, 'to');
  });

  it('forbids other roles and audits the denial', async () => {
    await expect(
      searchTranscripts(store, { name: 'ann', role: 'analyst' }, { text: '保证收益' }),
    ).rejects.toMatchObject({ code: 'FORBIDDEN' });
    const denied = await audits('transcripts.search.denied');
    expect(denied).toHaveLength(1);
    expect(denied[0]).toMatchObject({ principal: 'ann', role: 'analyst' });
    expect(JSON.parse(denied[0]!.target).terms).toEqual(['保证收益']);
  });

  it('audits every allowed search with the principal and the query, not the results', async () => {
    const before = (await audits('transcripts.search')).length;
    await searchTranscripts(
      store,
      { name: 'root', role: 'admin' },
      {
        text: 'Refund Later',
        speaker: 'customer',
      },
    );
    const rows = await audits('transcripts.search');
    expect(rows).toHaveLength(before + 1);
    const row = rows[rows.length - 1]!;
    expect(row).toMatchObject({ principal: 'root', role: 'admin' });
    expect(JSON.parse(row.target)).toMatchObject({
      terms: ['refund', 'later'],
      speaker: 'customer',
    });
    expect(row.target).not.toContain('call-');
    expect((await audits('transcripts.search')).some((r) => r.principal === 'carol')).toBe(true);
  });
});
