import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { DncRegister } from '../../src/analytics/records/index.js';
import { createFieldCipher } from '../../src/core/crypto.js';
import {
  cachedAuthenticator,
  createApiKey,
  issueApiKey,
  onApiKeyChange,
  putApiKeyRow,
  revokeApiKey,
  type ApiKeyRow,
  type Role,
  createApi,
  type Api,
} from '../../src/api/index.js';
import { manualClock } from '../../src/core/clock.js';
import { Registry } from 'prom-client';
import { openRegistry } from '../../src/training/kinds.js';
import { AlertRunner } from '../../src/analytics/alerts/index.js';
import { createPubSub } from 'graphql-yoga';
import {
  createComplianceGuard,
  DEFAULT_COMPLIANCE_CONFIG,
} from '../../src/models/compliance/index.js';
import { migrate, Store } from '../../src/core/store/store.js';
import type { DialwiseEvent } from '../../src/core/events/index.js';
import { loadCrmMapping, mapCrmFields } from '../../src/pipelines/index.js';
import { readFileSync } from 'node:fs';

const mapping = loadCrmMapping(JSON.parse(readFileSync('config/crm-mapping.json', 'utf8')));
import { eventFixtures } from '../helpers/fixtures.js';
import { tmpDir } from '../helpers/tmp.js';
import { Health } from '../../src/core/health.js';
import { loadConfig } from '../../src/core/config.js';

const KPI = JSON.stringify({ query: '{ totals { calls } }' });
const ME = JSON.stringify({ query: '{ me { name role } }' });

// The same cases run in-process (api.fetch) and over a real socket.
describe.each(['in-process', 'real server'])('API authentication and roles (%s)', (tier) => {
  let store: Store;
  let api: Api;
  let base = 'http://dialwise.test';
  let close: (() => Promise<void>) | undefined;
  const keys = {} as Record<Role, string>;
  const submitted: DialwiseEvent[] = [];

  const call = (path: string, init: RequestInit & { key?: string } = {}) => {
    const headers = new Headers(init.headers);
    headers.set('content-type', 'application/json');
    if (init.key) headers.set('authorization', `Bearer ${init.key}`);
    const req = new Request(`${base}${path}`, { ...init, headers });
    return tier === 'in-process' ? api.fetch(req) : fetch(req);
  };

  beforeAll(async () => {
    store = await Store.open(join(tmpDir(), 'auth.duckdb'));
    await migrate(store);
    for (const role of ['dialer', 'analyst', 'data_scientist', 'compliance', 'admin'] as Role[]) {
      keys[role] = await createApiKey(store, `test-${role}`, role);
    }
    api = createApi({
      store,
      submit: async (valid: DialwiseEvent[]) => void submitted.push(...valid),
      busKind: 'memory',
      dashboardDir: tmpDir(),
      metrics: new Registry(),
      profile: () => undefined,
      mapCrm: (raw) => mapCrmFields(mapping, raw),
      checkBotLine: createComplianceGuard(DEFAULT_COMPLIANCE_CONFIG).checkBotLine,
      dnc: await DncRegister.open(store, createFieldCipher(randomBytes(32).toString('base64'))),
      alerts: new AlertRunner(store, { dashboardUrl: () => base }),
      commits: createPubSub(),
      models: { registry: openRegistry(tmpDir()), served: () => ({}) },
      phoneHash: (phone) => phone,
      health: new Health(),
      limits: loadConfig({ env: {} }),
      unseal: (sealed) => sealed,
    });
    if (tier === 'real server') {
      const s = await api.listen('127.0.0.1', 0);
      base = s.url;
      close = s.close;
    }
  });
  afterAll(async () => {
    await close?.();
    await store.close();
  });

  it('GraphQL without a key is 401 with UNAUTHENTICATED', async () => {
    const res = await call('/graphql', { method: 'POST', body: KPI });
    expect(res.status).toBe(401);
    expect((await res.json()).errors[0].extensions.code).toBe('UNAUTHENTICATED');
  });

  it('GraphQL with an unknown or malformed key is 401', async () => {
    expect(
      (await call('/graphql', { method: 'POST', body: KPI, key: 'dw_not-a-real-key' })).status,
    ).toBe(401);
    const res = await call('/graphql', {
      method: 'POST',
      body: KPI,
      headers: { authorization: 'Basic abc' },
    });
    expect(res.status).toBe(401);
  });

  it('GraphQL KPIs with the dialer role are 403 with FORBIDDEN', async () => {
    const res = await call('/graphql', { method: 'POST', body: KPI, key: keys.dialer });
    expect(res.status).toBe(403);
    const body = await res.json();
    expect(body.errors[0].extensions.code).toBe('FORBIDDEN');
    expect(body.errors[0].message).toMatch(/role "dialer" may not/);
  });

  it.each(['analyst', 'data_scientist', 'compliance', 'admin'] as Role[])(
    'GraphQL KPIs are open to %s',
    async (role) => {
      const res = await call('/graphql', { method: 'POST', body: KPI, key: keys[role] });
      expect(res.status).toBe(200);
      expect((await res.json()).data.totals.calls).toBe(0);
    },
  );

  it('me tells every role who it is', async () => {
    const res = await call('/graphql', { method: 'POST', body: ME, key: keys.dialer });
    expect((await res.json()).data.me).toEqual({ name: 'test-dialer', role: 'dialer' });
  });

  it('REST ingest: 401 without a key, 403 for an analyst, 202 for the dialer', async () => {
    expect((await call('/events', { method: 'POST', body: '[]' })).status).toBe(401);
    const forbidden = await call('/events', { method: 'POST', body: '[]', key: keys.analyst });
    expect(forbidden.status).toBe(403);
    expect((await forbidden.json()).error.code).toBe('FORBIDDEN');
    const event = eventFixtures().get('web.visit');
    const body = JSON.stringify([event]);
    const ok = await call('/events', { method: 'POST', body, key: keys.dialer });
    expect(ok.status).toBe(202);
    expect(submitted).toEqual([event]);
  });

  it('bot-line guard: the dialer learns whether a line may be spoken, and why not', async () => {
    const check = (text: unknown, key?: string) =>
      call('/compliance/bot-line', { method: 'POST', body: JSON.stringify({ text }), key });
    expect((await check('您好', keys.analyst)).status).toBe(403);
    const fine = await (await check('这款产品不保本，投资有风险。', keys.dialer)).json();
    expect(fine).toEqual({ allowed: true, hits: [] });
    const line = '这款理财绝对稳 赚，保证收益';
    const blocked = await (await check(line, keys.dialer)).json();
    expect(blocked.allowed).toBe(false);
    const rules = blocked.hits.map((h: { rule: string }) => h.rule);
    expect(rules.length).toBeGreaterThanOrEqual(2);
    for (const h of blocked.hits) expect(line.slice(h.start, h.end)).toBeTruthy();
    const bad = await check(42, keys.dialer);
    expect(bad.status).toBe(400);
    expect((await bad.json()).error.message).toMatch(/text/);
  });

  it('REST dead letters: admin only', async () => {
    expect((await call('/dead-letters')).status).toBe(401);
    expect((await call('/dead-letters', { key: keys.compliance })).status).toBe(403);
    expect((await call('/dead-letters', { key: keys.admin })).status).toBe(200);
  });

  it('a replaced key stops working at once', async () => {
    const old = keys.analyst;
    keys.analyst = await createApiKey(store, 'test-analyst', 'analyst');
    expect((await call('/graphql', { method: 'POST', body: KPI, key: old })).status).toBe(401);
    expect((await call('/graphql', { method: 'POST', body: KPI, key: keys.analyst })).status).toBe(
      200,
    );
  });

  it('health is public; unknown routes are 404 with a message', async () => {
    expect((await call('/health')).status).toBe(200);
    const res = await call('/nope');
    expect(res.status).toBe(404);
    expect((await res.json()).error.message).toMatch(/no route for GET \/nope/);
  });
});

describe('remembered API keys', () => {
  it('answers a known key from memory, forgets it on a key change and after the TTL', async () => {
    const store = await Store.open(join(tmpDir(), 'auth-cache.duckdb'));
    await migrate(store);
    const clock = manualClock(0);
    const authenticate = cachedAuthenticator(store, 10_000, clock);
    const key = await createApiKey(store, 'bot-1', 'dialer');
    expect(await authenticate(`Bearer ${key}`)).toEqual({ name: 'bot-1', role: 'dialer' });
    // Deleted behind the cache's back (not through createApiKey): still remembered until the TTL.
    await store.transaction((tx) => tx.run("DELETE FROM api_keys WHERE name = 'bot-1'"));
    clock.set(9_999);
    expect(await authenticate(`Bearer ${key}`)).toEqual({ name: 'bot-1', role: 'dialer' });
    clock.set(10_001);
    expect(await authenticate(`Bearer ${key}`)).toBeNull();
    // Replaced through createApiKey: the old key stops at once.
    const a = await createApiKey(store, 'bot-2', 'dialer');
    expect(await authenticate(`Bearer ${a}`)).toEqual({ name: 'bot-2', role: 'dialer' });
    const b = await createApiKey(store, 'bot-2', 'dialer');
    expect(await authenticate(`Bearer ${a}`)).toBeNull();
    expect(await authenticate(`Bearer ${b}`)).toEqual({ name: 'bot-2', role: 'dialer' });
    expect(await authenticate('Bearer nope')).toBeNull();
    expect(await authenticate(null)).toBeNull();
    await store.close();
  });

  it("tells a key's changes as rows another store takes, and the other store's cache forgets", async () => {
    const open = async (n: string) => {
      const store = await Store.open(join(tmpDir(), `${n}.duckdb`));
      await migrate(store);
      return store;
    };
    const [here, there] = [await open('here'), await open('there')];
    const told: ApiKeyRow[] = [];
    onApiKeyChange(here, async (row) => void told.push(row));
    const authenticate = cachedAuthenticator(there, 60_000);
    const key = await createApiKey(here, 'bot-shared', 'dialer', { campaigns: ['spring'] });
    expect(told).toHaveLength(1);
    expect(JSON.stringify(told)).not.toContain(key);
    await putApiKeyRow(there, told[0]!);
    const principal = { name: 'bot-shared', role: 'dialer', campaigns: ['spring'] };
    expect(await authenticate(`Bearer ${key}`)).toEqual(principal);
    await revokeApiKey(here, 'bot-shared');
    expect(told[1]).toMatchObject({ name: 'bot-shared', revoked_at: expect.any(String) });
    await putApiKeyRow(there, told[1]!);
    // Remembered on `there`, yet refused at once: the row's arrival forgets what was known.
    expect(await authenticate(`Bearer ${key}`)).toBeNull();
    await Promise.all([here.close(), there.close()]);
  });

  it('shares one look-up among concurrent requests and refreshes a busy key ahead of its lapse', async () => {
    const store = await Store.open(join(tmpDir(), 'auth-flight.duckdb'));
    await migrate(store);
    const clock = manualClock(0);
    const authenticate = cachedAuthenticator(store, 10_000, clock);
    const key = await createApiKey(store, 'bot-4', 'dialer');
    const query = vi.spyOn(store, 'query');
    const burst = () =>
      Promise.all(Array.from({ length: 50 }, () => authenticate(`Bearer ${key}`)));
    expect(new Set((await burst()).map((p) => p?.name))).toEqual(new Set(['bot-4']));
    expect(query).toHaveBeenCalledTimes(1);
    // From 80% of the TTL: answered from memory while one look-up runs behind.
    clock.set(8_000);
    expect(new Set((await burst()).map((p) => p?.name))).toEqual(new Set(['bot-4']));
    await vi.waitFor(() => expect(query).toHaveBeenCalledTimes(2));
    // Past the first entry's lapse, the refreshed one answers: no look-up waited for.
    clock.set(12_000);
    expect(await authenticate(`Bearer ${key}`)).toEqual({ name: 'bot-4', role: 'dialer' });
    expect(query).toHaveBeenCalledTimes(2);
    await store.close();
  });

  it("counts a new key's expiry from the injected clock", async () => {
    const store = await Store.open(join(tmpDir(), 'auth-expiry.duckdb'));
    await migrate(store);
    const clock = manualClock(Date.parse('2031-03-01T00:00:00Z'));
    const admin = { name: 'root', role: 'admin' as const };
    const issued = await issueApiKey(
      store,
      admin,
      { name: 'bot-3', role: 'dialer', expiresInDays: 2 },
      clock,
    );
    expect(issued.expiresAt).toBe('2031-03-03T00:00:00.000Z');
    // Within 10 years of the clock's now, not of the wall clock's.
    await expect(
      issueApiKey(
        store,
        admin,
        { name: 'bot-4', role: 'dialer', expiresAt: '2026-12-01T00:00:00Z' },
        clock,
      ),
    ).rejects.toThrow(/next 10 years/);
    await store.close();
  });
});
