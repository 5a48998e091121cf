import { get as httpGet, type IncomingHttpHeaders } from 'node:http';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { createApiKey } from '../../src/api/index.js';
import { startPlatform, type Platform } from '../../src/app/index.js';
import { loadTestConfig } from '../helpers/config.js';
import { gql } from '../helpers/gql.js';
import { eventFixtures } from '../helpers/fixtures.js';
import { subscribe } from '../helpers/sse.js';
import { tmpDir } from '../helpers/tmp.js';

const fx = eventFixtures();
let seq = 0;
const ev = (type: string, patch: Record<string, unknown> = {}) => ({
  ...fx.get(type)!,
  event_id: `hardening-${type}-${++seq}-${Date.now()}`,
  ...patch,
});

describe('hardening: poison inputs, limits, personal data, keys, web', () => {
  let p: Platform;
  let dataDir: string;
  const keys: Record<string, string> = {};

  const req = (path: string, key: string | undefined, init: RequestInit = {}) =>
    fetch(`${p.url}${path}`, {
      ...init,
      headers: {
        'content-type': 'application/json',
        ...(key ? { authorization: `Bearer ${key}` } : {}),
        ...(init.headers as Record<string, string> | undefined),
      },
    });
  const post = (path: string, key: string, body: unknown) =>
    req(path, key, {
      method: 'POST',
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
  const audits = (action: string) =>
    p.store.query<{ principal: string; action: string; target: string }>(
      'SELECT principal, action, target FROM audit_log WHERE action = ? ORDER BY ts',
      [action],
    );
  const stored = async (sql: string, params: (string | number)[] = []) =>
    (await p.store.query<{ n: number }>(sql, params))[0]!.n;

  beforeAll(async () => {
    dataDir = tmpDir();
    p = await startPlatform(
      loadTestConfig({
        env: {
          DIALWISE_PORT: '0',
          DIALWISE_DATA_DIR: dataDir,
          DIALWISE_LOG_LEVEL: 'error',
          DIALWISE_RATE_LIMIT: '20',
          DIALWISE_LIMIT_SUBSCRIPTIONS: '2',
        },
      }),
    );
    for (const role of ['dialer', 'analyst', 'data_scientist', 'compliance'] as const)
      keys[role] = await createApiKey(p.store, `hard-${role}`, role);
    keys.admin = p.adminKey;
  });
  afterAll(() => p?.stop());

  describe('one event cannot stop ingestion', () => {
    it.each([
      ['a turn number past INTEGER', ev('dialog.turn', { turn: 1_000_000_000_000_000 }), /turn/],
      ['a correction turn of 2^31', ev('correction.submitted', { turn: 2_147_483_648 }), /turn/],
      ['a 5 MB region', ev('call.started', { region: 'r'.repeat(5_000_000) }), /region/],
      [
        'a 129-character campaign',
        ev('call.started', { campaign_id: 'c'.repeat(129) }),
        /campaign/,
      ],
    ])('refuses %s at the door, and the next event is stored', async (_, bad, reason) => {
      const res = await post('/events', keys.dialer!, [bad]);
      expect(res.status).toBe(400);
      expect(JSON.stringify(await res.json())).toMatch(reason);
      const id = `after-${seq}`;
      const ok = await post('/events', keys.dialer!, [
        ev('call.started', { call_id: id, customer_id: id }),
      ]);
      expect(ok.status).toBe(202);
      expect(await stored('SELECT count(*)::INTEGER AS n FROM calls WHERE call_id = ?', [id])).toBe(
        1,
      );
      expect((await req('/health', undefined)).status).toBe(200);
    });

    it('refuses a lone surrogate anywhere: an event, a CRM value, a decision request', async () => {
      // Written as JSON escapes, as an attacker would send them.
      const lone = JSON.stringify(ev('web.visit', { customer_id: 'lsXcust' })).replace(
        'lsXcust',
        'ls\\udc00cust',
      );
      const res = await post('/events', keys.dialer!, `[${lone}]`);
      expect(res.status).toBe(400);
      expect(JSON.stringify(await res.json())).toMatch(/surrogate/);
      const crm = await post(
        '/customer/update',
        keys.dialer!,
        '{"customer_id":"c-sur","fields":{"公司":"\\ud800x"}}',
      );
      expect(crm.status).toBe(400);
      const turn = await post(
        '/dialog/turn',
        keys.dialer!,
        '{"call_id":"c1","customer_id":"ls\\udc00cust","text":"hi","asr_confidence":0.9}',
      );
      expect(turn.status).toBe(400);
      expect((await turn.json()).error.message).toMatch(/surrogate/);
      expect((await req('/health', undefined)).status).toBe(200);
    });

    it.each(['__proto__', 'constructor'])(
      'refuses %s as a call id, which would reach Object.prototype',
      async (name) => {
        const res = await post('/events', keys.dialer!, [ev('call.started', { call_id: name })]);
        expect(res.status).toBe(400);
        expect(JSON.stringify(await res.json())).toMatch(/reserved name/);
        const key = await post('/events', keys.dialer!, `[{"__proto__": {"x": 1}}]`);
        expect(key.status).toBe(400);
        expect(Object.keys(Object.getPrototypeOf({}))).toEqual([]);
      },
    );

    it('takes only the ids the event schema can store on /dialog/turn (64 characters)', async () => {
      const res = await post('/dialog/turn', keys.dialer!, {
        call_id: 'x'.repeat(65),
        customer_id: 'c',
        text: '你好',
        asr_confidence: 0.9,
      });
      expect(res.status).toBe(400);
      expect((await res.json()).error.message).toMatch(/call_id/);
    });
  });

  describe('limits', () => {
    it('answers 413 to a body over the route limit, before reading it all', async () => {
      const big = await post('/customer/update', keys.dialer!, 'x'.repeat(2 << 20));
      expect(big.status).toBe(413);
      const events = await post('/events', keys.dialer!, `[${'1,'.repeat(5 << 20)}1]`);
      expect(events.status).toBe(413);
      // Chunked, with no declared length: counted as it arrives.
      const stream = new ReadableStream({
        start(c) {
          for (let i = 0; i < 40; i++) c.enqueue(new TextEncoder().encode('y'.repeat(64 << 10)));
          c.close();
        },
      });
      const chunked = await req('/compliance/bot-line', keys.dialer!, {
        method: 'POST',
        body: stream,
        duplex: 'half',
      } as RequestInit);
      expect(chunked.status).toBe(413);
    });

    it('refuses JSON nested 5,000 deep with a 400 (and dead-letters it)', async () => {
      const res = await post('/events', keys.dialer!, '['.repeat(5000) + ']'.repeat(5000));
      expect(res.status).toBe(400);
      expect((await res.json()).error.message).toMatch(/nests 5000 levels/);
    });

    it('refuses a fragment bomb in linear time, the server staying responsive', async () => {
      let doc = 'fragment F0 on Query { totals { calls } }\n';
      for (let i = 1; i <= 22; i++)
        doc += `fragment F${i} on Query { ...F${i - 1} ...F${i - 1} }\n`;
      const started = Date.now();
      const health = req('/health', undefined);
      const { body } = await gql(p.url, `{ ...F22 }\n${doc}`, keys.dialer);
      expect(Date.now() - started).toBeLessThan(2_000);
      expect(body.errors?.[0]?.message).toMatch(/Cost limit/);
      expect((await health).status).toBe(200);
    });

    it('counts introspection and keeps it to admins and data scientists', async () => {
      const intro = '{ __schema { queryType { name } } }';
      for (const role of ['dialer', 'analyst', 'compliance']) {
        const { body } = await gql(p.url, intro, keys[role]);
        expect(body.errors?.[0]?.message).toMatch(/introspection is for the roles/);
      }
      const ok = await gql(p.url, intro, keys.data_scientist);
      expect(ok.body.data?.__schema.queryType.name).toBe('Query');
      const many = `{ ${Array.from({ length: 40 }, (_, i) => `a${i}: __schema { types { name fields { name } } }`).join(' ')} }`;
      const refused = await gql(p.url, many, keys.admin);
      expect(refused.body.errors?.map((e) => e.message).join(' ')).toMatch(
        /Aliases limit|Cost limit/,
      );
      const typename = await gql(p.url, '{ __typename me { name } }', keys.analyst);
      expect(typename.body.data?.__typename).toBe('Query');
    });

    it('refuses a GraphQL document past the size or token limit', async () => {
      const huge = `{ me { ${'name '.repeat(20_000)} } }`;
      expect((await gql(p.url, huge, keys.analyst).catch(() => ({ status: 0 }))).status).toBe(413);
      const tokens = `{ me { ${'name '.repeat(3_500)} } }`;
      const { body } = await gql(p.url, tokens, keys.analyst);
      expect(body.errors?.[0]?.message).toMatch(/token/i);
    });

    it('holds a key to its live subscriptions, and frees a slot when its client goes', async () => {
      const q = 'subscription { totals { calls } }';
      const first = async (res: Response) => {
        const reader = res.body!.getReader();
        const text = new TextDecoder().decode((await reader.read()).value);
        return { text, close: () => reader.cancel() };
      };
      const open = [
        await first(await subscribe(p.url, keys.analyst!, q)),
        await first(await subscribe(p.url, keys.analyst!, q)),
      ];
      for (const s of open) expect(s.text).not.toMatch(/errors/);
      const third = await first(await subscribe(p.url, keys.analyst!, q));
      expect(third.text).toMatch(/holds 2 live subscriptions; at most 2/);
      await third.close();
      await open[0]!.close();
      // No commit needs to come first: the slot is free when the client goes.
      await expect
        .poll(async () => {
          const again = await first(await subscribe(p.url, keys.analyst!, q));
          await again.close();
          return again.text;
        })
        .not.toMatch(/errors/);
      await open[1]!.close();
    });

    it('answers 429 with Retry-After to a key over its request rate', async () => {
      const key = await createApiKey(p.store, 'hard-burst', 'analyst');
      const codes = await Promise.all(
        Array.from({ length: 60 }, () => req('/export/kpis', key).then((r) => r)),
      );
      const limited = codes.filter((r) => r.status === 429);
      expect(limited.length).toBeGreaterThan(0);
      expect(Number(limited[0]!.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      // Another key is not slowed by it.
      expect((await req('/export/kpis', keys.compliance)).status).toBe(200);
    });
  });

  describe('personal data', () => {
    it('seals personal CRM fields, mapped or not, and shows them masked but to compliance', async () => {
      const res = await post('/customer/update', keys.dialer!, {
        customer_id: 'pii-1',
        fields: {
          公司: '示例科技',
          'Mobile Phone': '13912345678',
          Email: 'wang.wei@example.cn',
          身份证号: '11010519491231002X',
          微信号: 'wangwei_88',
          偏好: '早上联系',
        },
      });
      expect(res.status).toBe(202);
      const [row] = await p.store.query<{ state: string; personal_enc: string }>(
        "SELECT state::VARCHAR AS state, personal_enc FROM profiles WHERE customer_id = 'pii-1'",
      );
      for (const secret of [
        '13912345678',
        'wang.wei@example.cn',
        '11010519491231002X',
        'wangwei_88',
      ])
        expect(row!.state).not.toContain(secret);
      expect(row!.state).toContain('早上联系');
      expect(row!.personal_enc).toMatch(/^v1\./);
      const q =
        '{ customer(id: "pii-1") { crmUnmapped { key value } personal { key kind value } } }';
      const seen = (await gql(p.url, q, keys.analyst)).body.data!.customer;
      expect(JSON.stringify(seen.crmUnmapped)).not.toMatch(/1391234|example\.cn|wangwei/);
      expect(seen.personal).toContainEqual({
        key: 'Mobile Phone',
        kind: 'phone',
        value: '*******5678',
      });
      expect(JSON.stringify(seen.personal)).not.toContain('wang.wei@');
      const whole = (await gql(p.url, q, keys.compliance)).body.data!.customer;
      // Mapped to the canonical fields (config/crm-mapping.json), or kept under the CRM's name.
      expect(whole.personal).toEqual(
        expect.arrayContaining([
          { key: 'email', kind: 'email', value: 'wang.wei@example.cn' },
          { key: 'id_number', kind: 'id_number', value: '11010519491231002X' },
          { key: '微信号', kind: 'wechat', value: 'wangwei_88' },
          { key: 'Mobile Phone', kind: 'phone', value: '13912345678' },
        ]),
      );
      expect(await audits('customer.pii.read')).toContainEqual(
        expect.objectContaining({ principal: 'hard-compliance', target: 'pii-1' }),
      );
    });

    it('redacts dead letters, keeps the original sealed, and can replay it', async () => {
      const bad = ev('customer.updated', {
        customer_id: 'pii-dead',
        fields: { phone: '+86 139 1234 5678', name: '王伟' },
        unknown_field: 1,
      });
      const res = await post('/events', keys.dialer!, [bad]);
      expect(res.status).toBe(400);
      const list = await (await req('/dead-letters?limit=5', keys.admin)).json();
      const letter = list.deadLetters.find((d: { payload: string }) =>
        d.payload.includes('pii-dead'),
      );
      expect(letter.payload).not.toMatch(/139 1234|王伟/);
      expect(letter.payload).toContain('[redacted]');
      const [sealed] = await p.store.query<{ payload_sealed: string }>(
        'SELECT payload_sealed FROM dead_letters WHERE id = ?',
        [letter.id],
      );
      expect(sealed!.payload_sealed).toMatch(/^v1\./);
      const replay = await post('/dead-letters/replay', keys.admin!, { ids: [letter.id] });
      expect(replay.status).toBe(200);
      expect((await replay.json()).invalid[0].reason).toMatch(/unknown_field|Unrecognized/);
    });

    it('lists dead letters newest first by number, not as text', async () => {
      for (let i = 0; i < 12; i++) await post('/events', keys.dialer!, [{ type: 'nope' }]);
      const { deadLetters } = await (await req('/dead-letters?limit=12', keys.admin)).json();
      const ids = deadLetters.map((d: { id: number }) => d.id);
      expect(ids).toEqual([...ids].sort((a: number, b: number) => b - a));
      const older = await (await req(`/dead-letters?limit=3&before=${ids[2]}`, keys.admin)).json();
      expect(older.deadLetters[0].id).toBe(ids[3]);
    });

    it('audits every read of a live call, allowed or denied, over REST and GraphQL', async () => {
      const turn = await post('/dialog/turn', keys.dialer!, {
        call_id: 'live-1',
        customer_id: 'live-cust',
        text: '你好，请问是哪位',
        asr_confidence: 0.9,
      });
      expect(turn.status).toBe(200);
      expect((await req('/dialog/context?call_id=live-1', keys.compliance)).status).toBe(200);
      expect((await req('/dialog/context?call_id=live-1', keys.analyst)).status).toBe(403);
      const g = await gql(
        p.url,
        '{ dialogContext(callId: "live-1") { lastTurns { text } } }',
        keys.data_scientist,
      );
      expect(g.body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
      expect(await audits('transcript.live.read')).toContainEqual(
        expect.objectContaining({ principal: 'hard-compliance', target: 'live-1' }),
      );
      const denied = await audits('transcript.live.read.denied');
      expect(denied.map((d) => d.principal)).toEqual(
        expect.arrayContaining(['hard-analyst', 'hard-data_scientist']),
      );
    });

    it('audits denied reads of personal data', async () => {
      await gql(p.url, '{ customer(id: "pii-1") { phone name } }', keys.analyst);
      await gql(p.url, '{ customerByPhone(phone: "13912345678") { customerId } }', keys.analyst);
      expect((await audits('customer.pii.denied')).map((a) => a.principal)).toContain(
        'hard-analyst',
      );
      expect((await audits('customer.lookup.phone.denied')).map((a) => a.principal)).toContain(
        'hard-analyst',
      );
    });
  });

  describe('errors are the caller’s, with a 400', () => {
    it.each([
      ['/export/kpis?from=garbage', /from/],
      ['/export/kpis?by=NOPE', /by/],
      ['/export/kpis?dimension=NOPE', /dimension/],
      ['/dead-letters?limit=-5', /limit/],
      ['/%', /URL path/],
    ])('GET %s', async (path, reason) => {
      const res = await req(path, keys.admin);
      expect(res.status).toBe(400);
      expect((await res.json()).error.message).toMatch(reason);
    });

    it('answers flaggedCalls(minRisk: 1e308) and an empty KPI range without an internal error', async () => {
      // minRisk is held to 0..1,000,000 (the schema's description): nothing is that risky.
      const risky = await gql(p.url, '{ flaggedCalls(minRisk: 1e308) { total } }', keys.compliance);
      expect(risky.body).toEqual({ data: { flaggedCalls: { total: 0 } } });
      const empty = await gql(
        p.url,
        '{ kpis(from: "2030-01-01T00:00:00Z", to: "2030-01-02T00:00:00Z") { key calls conversionRate } }',
        keys.analyst,
      );
      expect(empty.body.data?.kpis).toEqual([{ key: 'all', calls: 0, conversionRate: 0 }]);
    });

    it('writes text cells that a spreadsheet would run as plain text', async () => {
      for (const region of ["=cmd|' /C calc'!A0", '@SUM(1)', '+1', '-2'])
        await post('/events', keys.dialer!, [
          ev('call.started', {
            call_id: `csv-${region.length}-${seq}`,
            customer_id: `csv-${seq}`,
            region,
          }),
        ]);
      const csv = await (await req('/export/kpis?by=REGION', keys.analyst)).text();
      expect(csv).toContain(`'=cmd|`);
      expect(csv).toContain(`'@SUM(1)`);
      expect(csv).not.toMatch(/^[=+\-@]/m);
    });
  });

  describe('keys managed while running', () => {
    it('creates, lists, expires and revokes keys through the API, effective at once', async () => {
      const made = await post('/admin/keys', keys.admin!, { name: 'new-bot', role: 'dialer' });
      expect(made.status).toBe(201);
      const { key } = await made.json();
      expect((await post('/dialer/next', key, { limit: 1 })).status).toBe(200);
      const list = await (await req('/admin/keys', keys.admin)).json();
      const listed = list.keys.find((k: { name: string }) => k.name === 'new-bot');
      expect(listed).toMatchObject({ role: 'dialer', createdBy: 'local-admin', revokedAt: null });
      expect(JSON.stringify(list)).not.toContain(key);
      expect((await req('/admin/keys/new-bot', keys.admin, { method: 'DELETE' })).status).toBe(200);
      expect((await post('/dialer/next', key, { limit: 1 })).status).toBe(401);

      const soon = new Date(Date.now() + 1_500).toISOString();
      const g = await gql(
        p.url,
        `mutation { createApiKey(name: "brief", role: analyst, expiresAt: "${soon}") { key expiresAt } }`,
        keys.admin,
      );
      const brief = g.body.data!.createApiKey.key;
      expect((await req('/export/kpis', brief)).status).toBe(200);
      await new Promise((r) => setTimeout(r, 1_700));
      expect((await req('/export/kpis', brief)).status).toBe(401);
      expect((await post('/admin/keys', keys.analyst!, { name: 'x', role: 'admin' })).status).toBe(
        403,
      );
      // An admin cannot lock themselves out: their own key is not theirs to revoke.
      const self = await req('/admin/keys/local-admin', keys.admin, { method: 'DELETE' });
      expect(self.status).toBe(409);
      expect((await self.json()).error.code).toBe('CONFLICT');
      expect((await req('/admin/keys', keys.admin)).status).toBe(200);
      // A method the path does not take: 405 and the methods it does.
      const put = await req('/admin/keys', keys.admin, { method: 'PUT' });
      expect(put.status).toBe(405);
      expect(put.headers.get('allow')).toBe('GET, POST, HEAD');
    });
  });

  describe('the web surface', () => {
    it('sends CSP, frame and sniffing headers, answers HEAD, and serves no source map', async () => {
      const page = await req('/', undefined);
      expect(page.headers.get('content-security-policy')).toMatch(/frame-ancestors 'none'/);
      expect(page.headers.get('x-frame-options')).toBe('DENY');
      expect(page.headers.get('x-content-type-options')).toBe('nosniff');
      const head = await req('/health', undefined, { method: 'HEAD' });
      expect(head.status).toBe(200);
      expect(await head.text()).toBe('');
      expect((await req('/assets/main.js.map', undefined)).status).toBe(404);
      expect((await req('/events', keys.dialer, { method: 'GET' })).status).toBe(405);
    });

    it('sends the dashboard gzipped to a browser that accepts it, within its 500 KiB budget', async () => {
      const raw = (encoding?: string) =>
        new Promise<{ headers: IncomingHttpHeaders; body: Buffer }>((resolve, reject) => {
          const r = httpGet(
            `${p.url}/assets/main.js`,
            { headers: encoding ? { 'accept-encoding': encoding } : {} },
            (res) => {
              const chunks: Buffer[] = [];
              res.on('data', (c: Buffer) => chunks.push(c));
              res.on('end', () => resolve({ headers: res.headers, body: Buffer.concat(chunks) }));
            },
          );
          r.on('error', reject);
        });
      const [zipped, plain] = [await raw('gzip, deflate, br'), await raw()];
      expect(zipped.headers['content-encoding']).toBe('gzip');
      expect(zipped.headers['content-type']).toMatch(/javascript/);
      expect(zipped.body.length).toBeLessThan(500 * 1024);
      expect(plain.headers['content-encoding']).toBeUndefined();
      expect(plain.body.length).toBeGreaterThan(zipped.body.length);
      expect(gunzipSync(zipped.body).equals(plain.body)).toBe(true);
    });

    it('keeps the data folder and its files private (0700, 0600)', () => {
      expect(statSync(dataDir).mode & 0o777).toBe(0o700);
      for (const f of ['dialwise.duckdb', 'data.key', 'run.json'])
        expect(statSync(join(dataDir, f)).mode & 0o777).toBe(0o600);
    });
  });
});
