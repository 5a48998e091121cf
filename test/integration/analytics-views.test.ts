// The dashboard's GraphQL views against a real platform fed by the simulator:
// filtered KPIs and trends, the roll-up, compliance review, customers, consent,
// experiments, models and the query limits.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { refreshRollup } from '../../src/analytics/kpis/index.js';
import { createApiKey } from '../../src/api/index.js';
import { startPlatform, type Platform } from '../../src/app/index.js';
import { loadTestConfig } from '../helpers/config.js';
import { openRegistry } from '../../src/training/kinds.js';
import { gql } from '../helpers/gql.js';
import { callStarted, readUntil, subscribe } from '../helpers/sse.js';
import { tmpDir } from '../helpers/tmp.js';

const sum = (rows: { calls: number }[]) => rows.reduce((a, r) => a + r.calls, 0);

describe('analytics views over GraphQL', () => {
  let p: Platform;
  let dataDir: string;
  let analyst: string;
  let compliance: string;
  const audits = (action: string) =>
    p.store.query<{ principal: string; target: string }>(
      'SELECT principal, target FROM audit_log WHERE action = ? ORDER BY ts',
      [action],
    );

  beforeAll(async () => {
    dataDir = tmpDir();
    p = await startPlatform(
      loadTestConfig({
        env: { DIALWISE_PORT: '0', DIALWISE_DATA_DIR: dataDir, DIALWISE_LOG_LEVEL: 'error' },
      }),
      { simulate: { calls: 400, seed: 11, ratePerSec: 0 } },
    );
    await p.waitForIdle();
    analyst = await createApiKey(p.store, 'ana', 'analyst');
    compliance = await createApiKey(p.store, 'cora', 'compliance');
  });
  afterAll(() => p?.stop());

  it('narrows KPIs and hourly trends to one dimension value', async () => {
    const east = p.simulator!.truthByRegion.get('east')!;
    const { body } = await gql(
      p.url,
      `{ byProduct: kpis(by: PRODUCT_LINE, where: { region: "east" }) { key calls abandoned }
         all: kpis { key calls conversions }
         trend: kpiTrend(bucket: HOUR, where: { region: "east" }) { at key calls }
         days: kpiTrend(bucket: DAY, by: REGION) { at key calls }
         none: kpis(by: REGION, where: { region: "nowhere" }) { key } }`,
      analyst,
    );
    const d = body.data!;
    expect(sum(d.byProduct)).toBe(east.calls);
    expect(d.byProduct.reduce((a: number, r: { abandoned: number }) => a + r.abandoned, 0)).toBe(
      p.simulator!.detailByRegion.get('east')!.abandoned,
    );
    expect(d.all).toEqual([
      {
        key: 'all',
        calls: p.simulator!.truth().calls,
        conversions: p.simulator!.truth().conversions,
      },
    ]);
    expect(sum(d.trend)).toBe(east.calls);
    for (const r of d.trend) {
      expect(r.key).toBe('all');
      expect(new Date(r.at).getUTCMinutes()).toBe(0);
    }
    expect(sum(d.days)).toBe(p.simulator!.truth().calls);
    expect(d.none).toEqual([]);
  });

  it('answers the same from the hourly roll-up as from the calls it summarises', async () => {
    const query = `{ kpis(by: REGION) { key calls answered conversions abandoned avgTalkSeconds contactsPerCustomer costPerConversion } }`;
    const before = (await gql(p.url, query, analyst)).body.data!.kpis;
    while ((await refreshRollup(p.store)) > 0);
    const [dirty] = await p.store.query<{ n: number }>(
      'SELECT count(*)::INTEGER AS n FROM kpi_dirty',
    );
    expect(dirty!.n).toBe(0);
    const [rolled] = await p.store.query<{ n: number }>(
      'SELECT sum(calls)::INTEGER AS n FROM kpi_hourly',
    );
    expect(rolled!.n).toBe(p.simulator!.truth().calls);
    expect((await gql(p.url, query, analyst)).body.data!.kpis).toEqual(before);
  });

  it('lists flagged calls riskiest first, in pages, to compliance only', async () => {
    const FLAGGED = `query ($after: Cursor) { flaggedCalls(limit: 4, after: $after) {
      calls { callId hits risk rules region } nextCursor total } }`;
    const [truth] = await p.store.query<{ n: number }>(
      'SELECT count(DISTINCT call_id)::INTEGER AS n FROM compliance_hits',
    );
    expect(truth!.n).toBeGreaterThan(4);
    const seen: { callId: string; risk: number }[] = [];
    let after: string | null = null;
    let total: number | undefined;
    do {
      const res = await gql(p.url, FLAGGED, compliance, { after });
      const page = res.body.data!.flaggedCalls;
      total ??= page.total;
      seen.push(...page.calls);
      after = page.nextCursor;
    } while (after);
    expect(total).toBe(truth!.n);
    expect(new Set(seen.map((c) => c.callId)).size).toBe(truth!.n);
    for (let i = 1; i < seen.length; i++)
      expect(seen[i]!.risk).toBeLessThanOrEqual(seen[i - 1]!.risk);
    // An agent's promise weighs 3: the risk is the sum over the call's hits.
    const top = seen[0]!;
    const [hits] = await p.store.query<{ risk: number }>(
      `SELECT sum(CASE WHEN speaker = 'customer' THEN 1 ELSE 3 END)::DOUBLE AS risk
       FROM compliance_hits WHERE call_id = ?`,
      [top.callId],
    );
    expect(top.risk).toBe(hits!.risk);

    const denied = await gql(p.url, FLAGGED, analyst, { after: null });
    expect(denied.body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect((await audits('calls.flagged.denied')).map((a) => a.principal)).toEqual(['ana']);
  });

  it('opens a call transcript with its hits highlighted, auditing every read', async () => {
    const [call] = await p.store.query<{ call_id: string }>(
      'SELECT call_id FROM compliance_hits LIMIT 1',
    );
    const TRANSCRIPT = `query ($id: ID!) { callTranscript(callId: $id) {
      callId turns { turn speaker text highlights { start end } } hits { turn rule term start end } } }`;
    const res = await gql(p.url, TRANSCRIPT, compliance, { id: call!.call_id });
    const t = res.body.data!.callTranscript;
    expect(t.callId).toBe(call!.call_id);
    expect(t.turns.map((x: { turn: number }) => x.turn)).toEqual(
      [...t.turns.map((x: { turn: number }) => x.turn)].sort((a, b) => a - b),
    );
    expect(t.hits.length).toBeGreaterThan(0);
    for (const h of t.hits) {
      const turn = t.turns.find((x: { turn: number }) => x.turn === h.turn);
      expect(turn.text.slice(h.start, h.end).toLowerCase()).toBe(h.term.toLowerCase());
      expect(turn.highlights).toContainEqual({ start: h.start, end: h.end });
    }
    expect(await audits('transcripts.read')).toContainEqual({
      principal: 'cora',
      target: call!.call_id,
    });
    const missing = await gql(p.url, TRANSCRIPT, compliance, { id: 'no-such-call' });
    expect(missing.body.data!.callTranscript).toBeNull();
    const denied = await gql(p.url, TRANSCRIPT, analyst, { id: call!.call_id });
    expect(denied.body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(await audits('transcripts.read.denied')).toContainEqual({
      principal: 'ana',
      target: call!.call_id,
    });
  });

  it('masks the phone for analysts; compliance sees it, audited, and finds customers by phone', async () => {
    const [row] = await p.store.query<{ customer_id: string }>(
      'SELECT customer_id FROM calls ORDER BY call_id LIMIT 1',
    );
    const id = row!.customer_id;
    const CUSTOMER = `query ($id: ID!) { customer(id: $id) { customerId phoneMasked phone name
      recentCalls { callId startedAt outcome } } }`;
    const seenByAnalyst = (await gql(p.url, CUSTOMER, analyst, { id })).body.data!.customer;
    expect(seenByAnalyst.phone).toBeNull();
    expect(seenByAnalyst.name).toBeNull();
    expect(seenByAnalyst.phoneMasked).toMatch(/^\d{3}\*+\d{4}$/);
    expect(seenByAnalyst.recentCalls.length).toBeGreaterThan(0);
    const [calls] = await p.store.query<{ n: number }>(
      'SELECT count(*)::INTEGER AS n FROM calls WHERE customer_id = ?',
      [id],
    );
    expect(seenByAnalyst.recentCalls.length).toBe(Math.min(calls!.n, 20));
    expect((await audits('customer.pii.read')).some((a) => a.principal === 'ana')).toBe(false);

    const seenByCompliance = (await gql(p.url, CUSTOMER, compliance, { id })).body.data!.customer;
    expect(seenByCompliance.phone).toMatch(/^\+86 138\d{8}$/);
    expect(seenByCompliance.name).toBeTruthy();
    expect(await audits('customer.pii.read')).toContainEqual({ principal: 'cora', target: id });

    const BY_PHONE = `query ($phone: String!) { customerByPhone(phone: $phone) { customerId } }`;
    const reformatted = seenByCompliance.phone.replace(' ', '-');
    const found = await gql(p.url, BY_PHONE, compliance, { phone: reformatted });
    expect(found.body.data!.customerByPhone).toEqual({ customerId: id });
    const nobody = await gql(p.url, BY_PHONE, compliance, { phone: '+1 555 0000000' });
    expect(nobody.body.data!.customerByPhone).toBeNull();
    // Not a phone number: nobody has it.
    const bad = await gql(p.url, BY_PHONE, compliance, { phone: 'call me' });
    expect(bad.body.data!.customerByPhone).toBeNull();
    const denied = await gql(p.url, BY_PHONE, analyst, { phone: reformatted });
    expect(denied.body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });

  it('revokes consent for compliance: stored, audited, and binding the next dialing decision', async () => {
    const [row] = await p.store.query<{ customer_id: string }>(
      'SELECT customer_id FROM calls ORDER BY call_id DESC LIMIT 1',
    );
    const id = row!.customer_id;
    const SET = `mutation ($id: CustomerId!, $granted: Boolean!) {
      setConsent(customerId: $id, scope: call, granted: $granted) { scope granted } }`;
    const denied = await gql(p.url, SET, analyst, { id, granted: false });
    expect(denied.body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const res = await gql(p.url, SET, compliance, { id, granted: false });
    expect(res.body.data!.setConsent).toContainEqual({ scope: 'call', granted: false });
    const profile = await gql(
      p.url,
      '{ customer(id: "' + id + '") { consent { scope granted } } }',
      analyst,
    );
    expect(profile.body.data!.customer.consent).toContainEqual({ scope: 'call', granted: false });
    expect(p.decisions.next(1000).next.map((t) => t.customerId)).not.toContain(id);
    expect(await audits('consent.revoked')).toContainEqual({
      principal: 'cora',
      target: `${id}:call`,
    });
    const scope = await gql(
      p.url,
      `mutation { setConsent(customerId: "${id}", scope: fax, granted: true) { scope } }`,
      compliance,
    );
    expect(scope.body.errors?.[0]?.message).toMatch(/ConsentScope/);
  });

  it('pages customers by intent score and filters them by tag', async () => {
    const LIST = `query ($tag: String, $after: Cursor) { customers(tag: $tag, limit: 10, after: $after) {
      customers { customerId intentScore tags } nextCursor } }`;
    const first = (await gql(p.url, LIST, analyst, {})).body.data!.customers;
    const second = (await gql(p.url, LIST, analyst, { after: first.nextCursor })).body.data!
      .customers;
    const both = [...first.customers, ...second.customers];
    expect(both).toHaveLength(20);
    expect(new Set(both.map((c) => c.customerId)).size).toBe(20);
    for (let i = 1; i < both.length; i++)
      expect(both[i]!.intentScore).toBeLessThanOrEqual(both[i - 1]!.intentScore);
    const tag = both.find((c) => c.tags.length > 0)!.tags[0];
    const tagged = (await gql(p.url, LIST, analyst, { tag })).body.data!.customers;
    expect(tagged.customers.length).toBeGreaterThan(0);
    for (const c of tagged.customers) expect(c.tags).toContain(tag);
  });

  it('compares the script versions over the calls as an experiment', async () => {
    const { body } = await gql(
      p.url,
      `{ experiments { id source leader trials variants { variant trials conversions pBest } }
         kpis(by: SCRIPT_VERSION) { key calls conversions } }`,
      analyst,
    );
    const stored = body.data!.experiments.find(
      (e: { id: string }) => e.id === 'calls:script_version',
    );
    expect(stored.source).toBe('calls');
    expect(stored.trials).toBe(p.simulator!.truth().calls);
    const byKey = new Map(body.data!.kpis.map((k: { key: string }) => [k.key, k]));
    for (const v of stored.variants)
      expect(byKey.get(v.variant)).toMatchObject({ calls: v.trials, conversions: v.conversions });
    const total = stored.variants.reduce((s: number, v: { pBest: number }) => s + v.pBest, 0);
    expect(total).toBeCloseTo(1, 6);
    const best = stored.variants.reduce((a: { pBest: number }, b: { pBest: number }) =>
      b.pBest > a.pBest ? b : a,
    );
    expect(stored.leader).toBe(best.variant);
  });

  it('lists model versions with their aliases and metrics', async () => {
    expect((await gql(p.url, '{ models { model } }', analyst)).body.data!.models).toEqual([]);
    const registry = openRegistry(join(dataDir, 'registry'));
    const dir = join(dataDir, 'candidate');
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, 'model.json'), '{}');
    const v = await registry.register('emotion', dir, {
      parent: null,
      dataSha256: 'abc123',
      params: {},
      metrics: { macroF1: 0.567 },
    });
    await registry.setAlias('emotion', 'challenger', v.version);
    const { body } = await gql(
      p.url,
      '{ models { model version aliases served dataSha256 metrics { key value } } }',
      analyst,
    );
    expect(body.data!.models).toEqual([
      {
        model: 'emotion',
        version: v.version,
        aliases: ['challenger'],
        served: false,
        dataSha256: 'abc123',
        metrics: [{ key: 'macroF1', value: '0.567' }],
      },
    ]);
  });

  it('refuses a query nested deeper than the limit, before running it', async () => {
    const { body } = await gql(
      p.url,
      '{ customer(id: "x") { recentCalls { callId { a { b { c { d } } } } } } }',
      analyst,
    );
    expect(body.errors?.map((e) => e.message)).toContain(
      'Query depth limit of 6 exceeded, found 7.',
    );
  });

  it('streams KPIs by region over SSE, again once new data is committed', async () => {
    const res = await subscribe(
      p.url,
      analyst,
      'subscription { kpis(by: REGION, where: { region: "west" }) { key calls } }',
    );
    const before = (
      await gql(p.url, '{ kpis(by: REGION, where: { region: "west" }) { calls } }', analyst)
    ).body.data!.kpis[0].calls;
    const posted = await fetch(`${p.url}/events`, {
      method: 'POST',
      headers: { authorization: `Bearer ${p.adminKey}` },
      body: JSON.stringify(callStarted('west')),
    });
    expect(posted.status).toBe(202);
    const want = `{"key":"west","calls":${before + 1}}`;
    expect(await readUntil(res, want)).toContain(want);
  });
});
