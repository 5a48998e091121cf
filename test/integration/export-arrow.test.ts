/**
 * Facts for data scientists from a started platform: GET /export/turns
 * (and calls, decisions, kpis) as an Arrow IPC stream read back with
 * apache-arrow and with pyarrow, as Parquet read back by DuckDB and as
 * CSV; personal text masked by role, narrowed by time, dimension and the
 * key's campaigns, every call audited.
 */
import { execFile, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { tableFromIPC, type Table } from 'apache-arrow';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey } from '../../src/api/index.js';
import { migrate, Store } from '../../src/core/store/store.js';
import type { Platform } from '../../src/app/index.js';
import { eventually } from '../helpers/eventually.js';
import { eventFixtures } from '../helpers/fixtures.js';
import { startTestPlatform } from '../helpers/platform.js';
import { requireService } from '../helpers/services.js';
import { tmpDir } from '../helpers/tmp.js';

const fx = eventFixtures();
const ARROW = 'application/vnd.apache.arrow.stream';
const T0 = Date.parse('2026-03-02T01:00:00Z');
const at = (s: number) => new Date(T0 + s * 1_000).toISOString();
const PHONE_TEXT = '我的手机号是13800138000，有空回电';

/** The pytools venv's Python (scripts/services/pytools.sh): PYARROW_PYTHON, else beside Schemathesis. */
const st = process.env.SCHEMATHESIS_BIN;
const python =
  process.env.PYARROW_PYTHON ||
  (st ? join(dirname(st), 'python') : requireService('pyarrow', 'PYARROW_PYTHON'));

/** `dialwise …` on the data folder `dataDir`. */
const cli = (dataDir: string, args: string[]) =>
  promisify(execFile)(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], {
    env: { ...process.env, DIALWISE_DATA_DIR: dataDir, DIALWISE_LOG_LEVEL: 'warn' },
  });

/** A call of a campaign in a region, its turns `seconds` after T0 (the first says a phone number). */
function call(id: string, campaign: string, region: string, start: number, turns: number) {
  const e = (type: string, ts: string, patch: Record<string, unknown> = {}) => ({
    ...fx.get(type),
    event_id: randomUUID(),
    ts,
    customer_id: `cust-${id}`,
    call_id: id,
    ...patch,
  });
  return [
    e('call.started', at(start), { campaign_id: campaign, region, product_line: 'wealth' }),
    e('call.answered', at(start + 1)),
    ...Array.from({ length: turns }, (_, i) =>
      e('dialog.turn', at(start + 2 + i), {
        turn: i + 1,
        speaker: i % 2 ? 'bot' : 'customer',
        text: i === 0 ? PHONE_TEXT : `第${i + 1}句`,
        prosody: undefined,
      }),
    ),
    e('call.ended', at(start + 30), { outcome: 'converted', duration_s: 30 }),
  ];
}

/** Runs `code` in the venv's Python with `bytes` on stdin; its stdout as JSON. */
function py(code: string, bytes: Uint8Array): Promise<unknown> {
  const child = spawn(python!, ['-c', code]);
  let out = '';
  let err = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (err += d));
  child.stdin.end(bytes);
  return new Promise((resolve, reject) =>
    child.on('exit', (status) =>
      status === 0
        ? resolve(JSON.parse(out))
        : reject(new Error(`python exited ${status}: ${err}`)),
    ),
  );
}

describe('exports for data scientists: Arrow, Parquet, CSV', () => {
  let p: Platform;
  const dataDir = tmpDir();
  const keys: Record<string, string> = {};
  const get = (path: string, key: string, headers: Record<string, string> = {}) =>
    fetch(`${p.url}${path}`, { headers: { authorization: `Bearer ${key}`, ...headers } });
  const arrow = async (path: string, key: string, headers: Record<string, string> = {}) => {
    const res = await get(path, key, headers);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe(ARROW);
    const bytes = new Uint8Array(await res.arrayBuffer());
    return { bytes, table: tableFromIPC(bytes) };
  };
  const rows = (t: Table) => t.toArray().map((r) => r.toJSON());

  beforeAll(async () => {
    p = await startTestPlatform({ DIALWISE_SIM_RATE: '0', DIALWISE_DATA_DIR: dataDir });
    keys.analyst = await createApiKey(p.store, 'exp-analyst', 'analyst');
    keys.compliance = await createApiKey(p.store, 'exp-compliance', 'compliance');
    keys.dialer = await createApiKey(p.store, 'exp-dialer', 'dialer');
    keys.scopedA = await createApiKey(p.store, 'exp-ds-a', 'data_scientist', {
      campaigns: ['camp-a'],
    });
    const events = [
      ...call('call-a-east', 'camp-a', 'east', 0, 3),
      ...call('call-a-west', 'camp-a', 'west', 100, 2),
      ...call('call-b-west', 'camp-b', 'west', 200, 2),
    ];
    const res = await fetch(`${p.url}/events`, {
      method: 'POST',
      headers: { authorization: `Bearer ${p.adminKey}`, 'content-type': 'application/json' },
      body: JSON.stringify(events),
    });
    expect(res.status).toBe(202);
    await eventually(async () => {
      const [n] = await p.store.query<{ n: number }>('SELECT count(*)::INTEGER AS n FROM turns');
      expect(n!.n).toBe(7);
    });
    // A decision whose context carries a phone number, as a future engine might put there.
    await p.store.transaction((tx) =>
      tx.run(
        `INSERT INTO decisions (decision_id, ts, call_id, customer_id, campaign_id, state, node,
           segment, variant, propensity, script_version, action, reason, micros, kind, context,
           policy_version)
         VALUES ('d1', ?::TIMESTAMPTZ, 'call-a-east', 'cust-call-a-east', 'camp-a', 'pitch',
           'pitch', 'vip', 'benefit', 0.5, 'v2', '请拨打 13900139000', 'intent price', 12,
           'turn', ?::JSON, 'v2')`,
        [at(5), JSON.stringify({ tags: ['vip'], mobile: '13900139000', hour: 9 })],
      ),
    );
  });
  afterAll(() => p?.stop());

  it('answers turns as an Arrow stream, by ?format= or by Accept, text masked for an analyst', async () => {
    const byFormat = await arrow('/export/turns?format=arrow', keys.analyst!);
    const byAccept = await arrow('/export/turns', keys.analyst!, { accept: `${ARROW}, */*;q=0.1` });
    expect(rows(byAccept.table)).toEqual(rows(byFormat.table));
    const t = byFormat.table;
    expect(t.numRows).toBe(7);
    expect(t.schema.fields.map((f) => f.name)).toEqual([
      'event_id',
      'call_id',
      'customer_id',
      'turn',
      'ts',
      'speaker',
      'text',
      'asr_confidence',
      'intent',
      'intent_confidence',
      'out_of_scope',
      'emotion',
      'valence',
      'impatience',
      'call_intent_score',
      'late',
    ]);
    expect(String(t.schema.fields[4]!.type)).toBe('Timestamp<MILLISECOND, UTC>');
    const first = rows(t)[0]!;
    expect(first).toMatchObject({
      call_id: 'call-a-east',
      customer_id: 'cust-call-a-east',
      turn: 1,
      ts: Date.parse(at(2)),
      speaker: 'customer',
      text: '我的手机号是[redacted]，有空回电',
    });
    expect(rows(t).map((r) => r.call_id)).toEqual([
      ...Array(3).fill('call-a-east'),
      ...Array(2).fill('call-a-west'),
      ...Array(2).fill('call-b-west'),
    ]);
    expect(JSON.stringify(rows(t), (_, v) => (typeof v === 'bigint' ? Number(v) : v))).not.toMatch(
      /13800138000/,
    );
  });

  it('gives compliance the whole text', async () => {
    const { table } = await arrow('/export/turns?format=arrow', keys.compliance!);
    expect(rows(table)[0]!.text).toBe(PHONE_TEXT);
  });

  it('narrows by time, by the call’s dimensions and to the key’s campaigns', async () => {
    const ids = async (query: string, key = keys.analyst!) =>
      rows((await arrow(`/export/turns?format=arrow&${query}`, key)).table).map(
        (r) => `${r.call_id}#${r.turn}`,
      );
    const range = `from=${encodeURIComponent(at(3))}&to=${encodeURIComponent('2026-03-02T09:01:43+08:00')}`;
    expect(await ids(range)).toEqual(['call-a-east#2', 'call-a-east#3', 'call-a-west#1']);
    expect(await ids('region=west&campaign_id=camp-a')).toEqual(['call-a-west#1', 'call-a-west#2']);
    const scoped = await ids('', keys.scopedA);
    expect(scoped.every((id) => id.startsWith('call-a-'))).toBe(true);
    expect(scoped).toHaveLength(5);
    // Another campaign's rows: none, and the schema all the same.
    const none = await arrow('/export/turns?format=arrow&campaign_id=camp-b', keys.scopedA!);
    expect(none.table.numRows).toBe(0);
    expect(none.table.schema.fields).toHaveLength(16);
  });

  it.skipIf(!python)('reads back with pyarrow as it does with apache-arrow', async () => {
    const { bytes, table } = await arrow('/export/turns?format=arrow', keys.analyst!);
    const read =
      'import json, sys, pyarrow.ipc as ipc\nt = ipc.open_stream(sys.stdin.buffer).read_all()\n';
    const code = `${read}print(json.dumps({"rows": t.num_rows, "types": [str(f.type) for f in t.schema],
  "text": t.column("text").to_pylist(), "ts": t.column("ts").cast("int64").to_pylist(),
  "turn": t.column("turn").to_pylist()}))`;
    expect(await py(code, bytes)).toEqual({
      rows: 7,
      types: [
        ...['string', 'string', 'string', 'int32', 'timestamp[ms, tz=UTC]', 'string', 'string'],
        ...['double', 'string', 'double', 'bool', 'string', 'double', 'double', 'double', 'bool'],
      ],
      text: rows(table).map((r) => r.text),
      ts: rows(table).map((r) => r.ts),
      turn: [1, 2, 3, 1, 2, 1, 2],
    });
    // No rows: the schema all the same.
    const empty = await arrow('/export/decisions?format=arrow&region=nowhere', keys.analyst!);
    const fields = `${read}print(json.dumps({"rows": t.num_rows, "names": t.schema.names}))`;
    expect(await py(fields, empty.bytes)).toEqual({
      rows: 0,
      names: empty.table.schema.fields.map((f) => f.name),
    });
  });

  it('answers Parquet that DuckDB reads back, masked the same way, and leaves no file behind', async () => {
    const before = new Set(readdirSync(tmpdir()).filter((f) => f.startsWith('dialwise-export-')));
    const res = await get('/export/turns?format=parquet&region=east', keys.analyst!);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/vnd.apache.parquet');
    expect(res.headers.get('content-disposition')).toMatch(/turns\.parquet/);
    const file = join(tmpDir(), 'turns.parquet');
    writeFileSync(file, new Uint8Array(await res.arrayBuffer()));
    const back = await p.store.query<Record<string, unknown>>(
      `SELECT call_id, turn, text, ts FROM read_parquet(?) ORDER BY ts`,
      [file],
    );
    expect(back.map((r) => [r.call_id, r.turn, r.text])).toEqual([
      ['call-a-east', 1, '我的手机号是[redacted]，有空回电'],
      ['call-a-east', 2, '第2句'],
      ['call-a-east', 3, '第3句'],
    ]);
    expect((back[0]!.ts as Date).toISOString()).toBe(at(2));
    const [ts] = await p.store.query<{ t: string }>(
      `SELECT column_type AS t FROM (DESCRIBE SELECT * FROM read_parquet(?)) WHERE column_name = 'ts'`,
      [file],
    );
    expect(ts!.t).toBe('TIMESTAMP WITH TIME ZONE');
    const left = readdirSync(tmpdir()).filter(
      (f) => f.startsWith('dialwise-export-') && !before.has(f),
    );
    expect(left).toEqual([]);
  });

  it('answers CSV when nothing is asked, safe for spreadsheets, with a byte-order mark on request', async () => {
    const res = await get('/export/turns?campaign_id=camp-b', keys.analyst!);
    expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    const lines = (await res.text()).trim().split('\n');
    expect(lines[0]).toMatch(/^event_id,call_id,customer_id,turn,ts,speaker,text,/);
    expect(lines).toHaveLength(3);
    expect(lines[1]).toContain(`,${at(202)},customer,我的手机号是[redacted]，有空回电,`);
    const bom = await get('/export/calls?bom=true', keys.analyst!, { accept: 'text/csv' });
    const bytes = new Uint8Array(await bom.arrayBuffer());
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(Buffer.from(bytes.subarray(3)).toString('utf8')).toMatch(/^call_id,customer_id,/);
  });

  it('exports calls, decisions (context masked) and KPIs as Arrow', async () => {
    const calls = rows((await arrow('/export/calls?format=arrow', keys.analyst!)).table);
    expect(calls.map((c) => [c.call_id, c.campaign_id, c.region, c.answered, c.outcome])).toEqual([
      ['call-a-east', 'camp-a', 'east', true, 'converted'],
      ['call-a-west', 'camp-a', 'west', true, 'converted'],
      ['call-b-west', 'camp-b', 'west', true, 'converted'],
    ]);
    expect(calls[0]!.started_at).toBe(T0);
    const d1 = async (key: string) =>
      rows((await arrow('/export/decisions?format=arrow', key)).table).find(
        (d) => d.decision_id === 'd1',
      )!;
    const masked = await d1(keys.analyst!);
    expect(masked).toMatchObject({ call_id: 'call-a-east', action: '请拨打 [redacted]' });
    expect(JSON.parse(masked.context as string)).toEqual({
      tags: ['vip'],
      mobile: '[redacted]',
      hour: 9,
    });
    const whole = await d1(keys.compliance!);
    expect(JSON.parse(whole.context as string).mobile).toBe('13900139000');
    expect(
      (await arrow('/export/decisions?format=arrow&campaign_id=camp-a&region=west', keys.analyst!))
        .table.numRows,
    ).toBe(0);
    const kpis = await arrow('/export/kpis?dimension=CAMPAIGN', keys.scopedA!, { accept: ARROW });
    expect(rows(kpis.table).map((r) => [r.key, Number(r.calls)])).toEqual([['camp-a', 2]]);
    expect(String(kpis.table.schema.fields.find((f) => f.name === 'calls')!.type)).toBe('Int64');
  });

  it('refuses what is not an export, and audits every call, allowed or denied', async () => {
    expect((await get('/export/turns?format=xlsx', keys.analyst!)).status).toBe(400);
    expect((await get('/export/turns?from=yesterday', keys.analyst!)).status).toBe(400);
    expect((await get('/export/turns', keys.dialer!)).status).toBe(403);
    const audits = await p.store.query<{ principal: string; action: string; target: string }>(
      `SELECT principal, action, target FROM audit_log WHERE action LIKE 'export.%' ORDER BY ts`,
    );
    expect(audits).toContainEqual({
      principal: 'exp-analyst',
      action: 'export.turns',
      target: 'turns?format=arrow&region=west&campaign_id=camp-a',
    });
    expect(audits).toContainEqual({
      principal: 'exp-ds-a',
      action: 'export.kpis',
      target: 'kpis?dimension=CAMPAIGN',
    });
    expect(audits).toContainEqual({
      principal: 'exp-dialer',
      action: 'export.turns.denied',
      target: 'turns',
    });
    const actions = new Set(audits.map((a) => a.action));
    for (const t of ['turns', 'calls', 'decisions', 'kpis'])
      expect(actions).toContain(`export.${t}`);
  });

  it('dialwise export streams to a file through the running platform', async () => {
    const out = join(tmpDir(), 'east.arrows');
    const { stdout } = await cli(dataDir, ['export', 'turns', '--out', out, '--region', 'east']);
    expect(JSON.parse(stdout)).toMatchObject({ table: 'turns', format: 'arrow', out });
    const t = tableFromIPC(readFileSync(out));
    expect(rows(t).map((r) => [r.call_id, r.text])).toEqual([
      ['call-a-east', PHONE_TEXT],
      ['call-a-east', '第2句'],
      ['call-a-east', '第3句'],
    ]);
    const [row] = await p.store.query<{ role: string }>(
      `SELECT role FROM audit_log WHERE action = 'export.turns' AND target = ?`,
      ['turns?format=arrow&region=east'],
    );
    expect(row).toEqual({ role: 'admin' });
    await expect(cli(dataDir, ['export', 'everything', '--out', out])).rejects.toMatchObject({
      stderr: expect.stringContaining('usage: dialwise export'),
    });
  });

  it('holds a paused reader to a few pages and stops when the reader leaves', async () => {
    const n = 200_000; // 49 pages
    await p.store.transaction((tx) =>
      tx.run(
        `INSERT INTO turns (event_id, call_id, customer_id, turn, speaker, text, asr_confidence, ts)
         SELECT 'bulk-' || i, 'bulk', 'bulk', i, 'customer', '一段很长的话 ' || i, 0.9,
           TIMESTAMPTZ '2026-03-01 00:00:00+00' + to_milliseconds(i)
         FROM range(${n}) t(i)`,
      ),
    );
    let pages = 0;
    const query = p.store.query.bind(p.store);
    p.store.query = ((sql: string, params?: never) => {
      if (sql.includes(' AS _us')) pages++;
      return query(sql, params);
    }) as typeof p.store.query;
    try {
      const leave = new AbortController();
      const res = await fetch(`${p.url}/export/turns?format=arrow`, {
        headers: { authorization: `Bearer ${keys.analyst}` },
        signal: leave.signal,
      });
      const reader = res.body!.getReader();
      expect((await reader.read()).done).toBe(false);
      await new Promise((r) => setTimeout(r, 1_500));
      const paused = pages;
      // Socket buffers hold some pages; the rest waits for the reader.
      expect(paused).toBeGreaterThan(0);
      expect(paused).toBeLessThan(25);
      leave.abort();
      await new Promise((r) => setTimeout(r, 500));
      const left = pages;
      await new Promise((r) => setTimeout(r, 1_000));
      expect(pages).toBe(left);
      expect(left).toBeLessThan(25);
    } finally {
      p.store.query = query;
    }
  });
});

/** The CLI on a DuckDB file no platform holds: it reads the file itself, as the admin "cli". */
describe('dialwise export on the DuckDB file', () => {
  it('writes Parquet from the file and audits it there', async () => {
    const dataDir = tmpDir();
    const file = join(dataDir, 'dialwise.duckdb');
    const store = await Store.open(file);
    await migrate(store);
    await store.transaction((tx) =>
      tx.run(
        `INSERT INTO turns (event_id, call_id, customer_id, turn, speaker, text, asr_confidence, ts)
         VALUES ('e1', 'c1', 'u1', 1, 'customer', ?, 0.9, '2026-03-01T10:00:00Z'),
                ('e2', 'c1', 'u1', 2, 'bot', '=SUM(A1)', 0.9, '2026-03-01T11:00:00Z')`,
        [PHONE_TEXT],
      ),
    );
    await store.close();
    const out = join(tmpDir(), 'turns.parquet');
    await cli(dataDir, ['export', 'turns', '--out', out, '--to', '2026-03-01T10:30:00+00:00']);
    const back = await Store.open(file);
    try {
      const rows = await back.query(`SELECT event_id, text FROM read_parquet(?)`, [out]);
      expect(rows).toEqual([{ event_id: 'e1', text: PHONE_TEXT }]);
      const audits = await back.query(`SELECT principal, role, action, target FROM audit_log`);
      expect(audits).toEqual([
        {
          principal: 'cli',
          role: 'admin',
          action: 'export.turns',
          target: 'turns?format=parquet&to=2026-03-01T10%3A30%3A00%2B00%3A00',
        },
      ]);
    } finally {
      await back.close();
    }
  });
});
