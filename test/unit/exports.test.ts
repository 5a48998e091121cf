/**
 * The exports' pieces: Arrow and CSV encoding of pages, the masking of
 * personal text by role, and the store read a page at a time in (time,
 * key) order, ties and page edges included.
 */
import { tableFromIPC } from 'apache-arrow';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  arrowEncoder,
  csvEncoder,
  EXPORT_TABLES,
  exportPages,
  pullStream,
  type ExportColumn,
  type Row,
} from '../../src/analytics/exports/index.js';
import { formatOf } from '../../src/api/rest/export-routes.js';
import { migrate, Store } from '../../src/core/store/store.js';

const COLUMNS: ExportColumn[] = [
  { name: 'id', type: 'utf8' },
  { name: 'n', type: 'int32' },
  { name: 'big', type: 'int64' },
  { name: 'x', type: 'float64' },
  { name: 'ok', type: 'bool' },
  { name: 'at', type: 'timestamp' },
];
const AT = Date.parse('2026-03-01T15:30:00.123Z');

const streamOf = (enc: ReturnType<typeof arrowEncoder>, pages: Row[][]) =>
  Buffer.concat([enc.head, ...pages.map((p) => enc.page(p)), enc.tail]);

describe('Arrow encoding', () => {
  it('round-trips pages as one IPC stream, types and nulls kept', () => {
    const enc = arrowEncoder(COLUMNS);
    const pages: Row[][] = [
      [
        { id: 'a', n: 1, big: 5n, x: 1.5, ok: true, at: AT },
        { id: '电话', n: null, big: null, x: null, ok: null, at: null },
      ],
      [
        { id: 'c', n: -3, big: 2, x: 0, ok: false, at: AT + 1 },
        { id: '', n: 0, big: 0n, x: -0.25, ok: true, at: 0 },
        { id: '😀 "x",\n', n: 2 ** 31 - 1, big: 2n ** 62n, x: 1e300, ok: false, at: AT },
      ],
    ];
    const table = tableFromIPC(streamOf(enc, pages));
    expect(table.batches).toHaveLength(2);
    expect(table.schema.fields.map((f) => `${f.name}:${f.type}`)).toEqual([
      'id:Utf8',
      'n:Int32',
      'big:Int64',
      'x:Float64',
      'ok:Bool',
      'at:Timestamp<MILLISECOND, UTC>',
    ]);
    expect(table.toArray().map((r) => r.toJSON())).toEqual([
      { id: 'a', n: 1, big: 5n, x: 1.5, ok: true, at: AT },
      { id: '电话', n: null, big: null, x: null, ok: null, at: null },
      { id: 'c', n: -3, big: 2n, x: 0, ok: false, at: AT + 1 },
      { id: '', n: 0, big: 0n, x: -0.25, ok: true, at: 0 },
      { id: '😀 "x",\n', n: 2 ** 31 - 1, big: 2n ** 62n, x: 1e300, ok: false, at: AT },
    ]);
  });

  it('keeps the schema when there are no rows', () => {
    const enc = arrowEncoder(EXPORT_TABLES.turns.columns);
    const table = tableFromIPC(streamOf(enc, []));
    expect(table.numRows).toBe(0);
    expect(table.schema.fields.map((f) => f.name)).toEqual(
      EXPORT_TABLES.turns.columns.map((c) => c.name),
    );
    expect(String(table.schema.fields.find((f) => f.name === 'ts')!.type)).toBe(
      'Timestamp<MILLISECOND, UTC>',
    );
  });

  it('writes a page of thousands of rows as one batch', () => {
    const rows = Array.from({ length: 5_000 }, (_, i) => ({ id: `r${i}`, n: i, at: AT + i }));
    const table = tableFromIPC(streamOf(arrowEncoder(COLUMNS), [rows]));
    expect(table.batches).toHaveLength(1);
    expect(table.numRows).toBe(5_000);
    expect(table.get(4_999)!.toJSON()).toMatchObject({ id: 'r4999', n: 4_999, at: AT + 4_999 });
  });
});

describe('CSV encoding', () => {
  const cols: ExportColumn[] = [
    { name: 'text', type: 'utf8' },
    { name: 'n', type: 'float64' },
    { name: 'at', type: 'timestamp' },
  ];
  const csv = (rows: Row[], bom = false) => {
    const enc = csvEncoder(cols, bom);
    return Buffer.concat([enc.head, enc.page(rows), enc.tail]);
  };

  it('makes formulas plain text and quotes what must be quoted', () => {
    const out = csv([
      { text: '=HYPERLINK("x")', n: -1.5, at: AT },
      { text: '+1', n: null, at: null },
      { text: '@SUM(1)', n: 2, at: null },
      { text: '-2', n: 0, at: null },
      { text: 'a,b\n"c"', n: 1, at: null },
      { text: '', n: 1, at: null },
      { text: null, n: 1, at: null },
    ]).toString('utf8');
    expect(out.split('\n').slice(0, -1)).toEqual([
      'text,n,at',
      `"'=HYPERLINK(""x"")",-1.5,2026-03-01T15:30:00.123Z`,
      "'+1,,",
      "'@SUM(1),2,",
      "'-2,0,",
      '"a,b',
      '""c""",1,',
      '"",1,',
      ',1,',
    ]);
  });

  it('puts a UTF-8 byte-order mark first only when asked, Chinese intact', () => {
    const bytes = csv([{ text: '华东', n: 1, at: null }], true);
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(bytes.subarray(3).toString('utf8')).toBe('text,n,at\n华东,1,\n');
    expect(csv([]).toString('utf8')).toBe('text,n,at\n');
  });
});

describe('reading the store a page at a time', () => {
  let store: Store;
  const T = '2026-03-01T10:00:00Z';

  beforeAll(async () => {
    store = await Store.open(':memory:');
    await migrate(store);
    await store.transaction(async (tx) => {
      for (const [call, campaign, region] of [
        ['c1', 'camp-a', 'east'],
        ['c2', 'camp-b', 'west'],
      ] as const)
        await tx.run(
          `INSERT INTO calls (call_id, customer_id, campaign_id, region, started_at)
           VALUES (?, ?, ?, ?, ?::TIMESTAMPTZ)`,
          [call, `u-${call}`, campaign, region, T],
        );
      // Seven turns at one instant and three later: pages of three break inside the tie.
      for (let i = 0; i < 10; i++)
        await tx.run(
          `INSERT INTO turns (event_id, call_id, customer_id, turn, speaker, text, asr_confidence, ts)
           VALUES (?, ?, 'u', ?, 'customer', ?, 0.9, ?::TIMESTAMPTZ + to_seconds(?))`,
          [
            `e${i}`,
            i % 2 ? 'c1' : 'c2',
            i,
            `我的手机是13800138000，邮箱 a${i}@example.com`,
            T,
            i < 7 ? 0 : i,
          ],
        );
    });
  });
  afterAll(() => store.close());

  const read = async (filter: object, whole: boolean, pageRows = 3) => {
    const pages: Row[][] = [];
    for await (const p of exportPages(store, EXPORT_TABLES.turns, filter, { whole, pageRows }))
      pages.push(p);
    return pages;
  };

  it('reads every row once, in (time, key) order, across ties and page edges', async () => {
    const pages = await read({}, true);
    expect(pages.map((p) => p.length)).toEqual([3, 3, 3, 1]);
    expect(pages.flat().map((r) => r.event_id)).toEqual(
      Array.from({ length: 10 }, (_, i) => `e${i}`),
    );
    expect(pages.flat()[0]).toMatchObject({ turn: 0, ts: Date.parse(T), call_id: 'c2' });
  });

  it('masks phones and e-mails unless the reader may read transcripts', async () => {
    const [whole] = await read({}, true);
    expect(whole![0]!.text).toBe('我的手机是13800138000，邮箱 a0@example.com');
    const [masked] = await read({}, false);
    expect(masked![0]!.text).toBe('我的手机是[redacted]，邮箱 [redacted]');
  });

  it("filters by time, by the call's dimensions and by campaign", async () => {
    const later = await read(
      { from: '2026-03-01T10:00:01Z', to: '2026-03-01T10:00:09+00:00' },
      true,
    );
    expect(later.flat().map((r) => r.event_id)).toEqual(['e7', 'e8']);
    const east = await read({ where: { REGION: 'east' } }, true);
    expect(east.flat().map((r) => r.event_id)).toEqual(['e1', 'e3', 'e5', 'e7', 'e9']);
    const campB = await read({ campaigns: ['camp-b'] }, true);
    expect(campB.flat().every((r) => r.call_id === 'c2')).toBe(true);
    expect(await read({ campaigns: [] }, true)).toEqual([]);
  });

  it('refuses a time that is not one', async () => {
    await expect(read({ from: 'yesterday' }, true)).rejects.toMatchObject({ code: 'BAD_REQUEST' });
  });
});

describe('the byte stream', () => {
  /** Chunks for ever, noting when the source is closed. */
  const endless = () => {
    const seen = { pulled: 0, returned: false, closed: 0 };
    async function* chunks() {
      try {
        for (;;) {
          seen.pulled++;
          yield Uint8Array.of(seen.pulled);
        }
      } finally {
        seen.returned = true;
      }
    }
    return { seen, chunks: chunks(), close: async () => void seen.closed++ };
  };

  it('takes a chunk only when one is read, and closes once when the reader leaves', async () => {
    const { seen, chunks, close } = endless();
    const leave = new AbortController();
    const reader = pullStream(chunks, close, leave.signal).getReader();
    await reader.read();
    await reader.read();
    await new Promise((r) => setTimeout(r, 20));
    // What was read, and one chunk queued ahead.
    expect(seen.pulled).toBeLessThanOrEqual(3);
    leave.abort();
    await new Promise((r) => setTimeout(r, 20));
    expect(seen).toMatchObject({ returned: true, closed: 1 });
    // A chunk queued before then may still be read; then the stream ends.
    const after = [await reader.read(), await reader.read()];
    expect(after.some((r) => r.done)).toBe(true);
    expect(seen.pulled).toBeLessThanOrEqual(3);
  });

  it('closes once when cancelled', async () => {
    const { seen, chunks, close } = endless();
    const reader = pullStream(chunks, close).getReader();
    await reader.read();
    await reader.cancel();
    expect(seen).toMatchObject({ returned: true, closed: 1 });
  });
});

describe('the format a request asks for', () => {
  it.each([
    [undefined, null, 'csv'],
    [undefined, '*/*', 'csv'],
    [undefined, 'text/html,application/xhtml+xml,*/*;q=0.8', 'csv'],
    [undefined, 'application/vnd.apache.arrow.stream', 'arrow'],
    [undefined, 'text/csv;q=0.5, application/vnd.apache.parquet', 'parquet'],
    [
      undefined,
      'application/vnd.apache.parquet;q=0.2, APPLICATION/VND.APACHE.ARROW.STREAM',
      'arrow',
    ],
    [undefined, 'application/vnd.apache.arrow.stream;q=0', 'csv'],
    ['parquet', 'application/vnd.apache.arrow.stream', 'parquet'],
  ] as const)('format=%s, Accept: %s → %s', (asked, accept, want) => {
    expect(formatOf(asked, accept)).toBe(want);
  });
});
