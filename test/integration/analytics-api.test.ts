import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey } from '../../src/api/index.js';
import { startPlatform, type Platform } from '../../src/app/index.js';
import { loadTestConfig } from '../helpers/config.js';
import { gql } from '../helpers/gql.js';
import { callStarted, readUntil, subscribe } from '../helpers/sse.js';
import { tmpDir } from '../helpers/tmp.js';

describe('analytics over the API: transcripts, alert rules, KPI export', () => {
  let p: Platform;
  let analyst: string;
  let compliance: string;

  beforeAll(async () => {
    p = await startPlatform(
      loadTestConfig({
        env: { DIALWISE_PORT: '0', DIALWISE_DATA_DIR: tmpDir(), DIALWISE_LOG_LEVEL: 'error' },
      }),
      { simulate: { calls: 200, seed: 5, ratePerSec: 0 } },
    );
    await p.waitForIdle();
    analyst = await createApiKey(p.store, 'ana', 'analyst');
    compliance = await createApiKey(p.store, 'cora', 'compliance');
  });
  afterAll(() => p?.stop());

  const SEARCH = `query ($text: SearchText!, $after: Cursor) {
    transcripts(text: $text, limit: 5, after: $after) {
      hits { callId speaker text highlights { start end } } nextCursor total }
  }`;

  it('lets compliance search transcripts with highlights and pages, and audits every search', async () => {
    const [row] = await p.store.query<{ text: string }>(
      "SELECT text FROM turns WHERE speaker = 'customer' LIMIT 1",
    );
    const term = row!.text
      .split(/\s+/)
      .find((w) => w.length >= 2)!
      .slice(0, 2);
    const first = await gql(p.url, SEARCH, compliance, { text: term });
    const page = first.body.data!.transcripts;
    expect(page.hits.length).toBeGreaterThan(0);
    for (const h of page.hits)
      for (const { start, end } of h.highlights)
        expect(h.text.slice(start, end).toLowerCase()).toBe(term.toLowerCase());
    if (page.nextCursor) {
      const next = await gql(p.url, SEARCH, compliance, { text: term, after: page.nextCursor });
      expect(next.body.data!.transcripts.hits.length).toBeGreaterThan(0);
    }
    const denied = await gql(p.url, SEARCH, analyst, { text: term });
    expect(denied.body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const audit = await p.store.query<{ principal: string; action: string }>(
      "SELECT principal, action FROM audit_log WHERE action LIKE 'transcripts.search%' ORDER BY ts",
    );
    expect(audit.filter((a) => a.principal === 'cora').length).toBeGreaterThanOrEqual(1);
    expect(audit).toContainEqual({ principal: 'ana', action: 'transcripts.search.denied' });
  });

  it('edits alert rules through GraphQL, with a message for a bad one', async () => {
    const save = await gql(
      p.url,
      `mutation { saveAlertRule(rule: { id: "talk-time", metric: avgTalkSeconds, dimension: PRODUCT_LINE, threshold: 0.3 }) { id threshold minVolume } }`,
      analyst,
    );
    expect(save.body.data!.saveAlertRule).toEqual({
      id: 'talk-time',
      threshold: 0.3,
      minVolume: 20,
    });
    const rules = await gql(p.url, '{ alertRules { id metric } }', analyst);
    expect(rules.body.data!.alertRules.map((r: { id: string }) => r.id)).toContain('talk-time');
    const bad = await gql(
      p.url,
      'mutation { saveAlertRule(rule: { id: "x", metric: nope }) { id } }',
      analyst,
    );
    expect(bad.body.errors?.[0]?.message).toMatch(/AlertMetric/);
    expect((await gql(p.url, '{ alerts { ruleId } }', analyst)).body.data!.alerts).toEqual([]);
  });

  it('exports KPIs by region as CSV for the weekly review', async () => {
    const res = await fetch(`${p.url}/export/kpis?by=REGION&format=csv`, {
      headers: { authorization: `Bearer ${analyst}` },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-disposition')).toMatch(/kpis-region\.csv/);
    const lines = (await res.text()).trim().split('\n');
    expect(lines[0]).toMatch(/^key,calls,answered,conversions/);
    const calls = lines.slice(1).reduce((a, l) => a + Number(l.split(',')[1]), 0);
    expect(calls).toBe(p.simulator!.truth().calls);
    // Narrowed to one region: product lines of the east only.
    const east = await fetch(`${p.url}/export/kpis?by=PRODUCT_LINE&region=east&format=csv`, {
      headers: { authorization: `Bearer ${analyst}` },
    });
    const eastCalls = (await east.text())
      .trim()
      .split('\n')
      .slice(1)
      .reduce((a, l) => a + Number(l.split(',')[1]), 0);
    expect(eastCalls).toBe(p.simulator!.truthByRegion.get('east')!.calls);
    // ?dimension= names the dimension (REGION when absent).
    const byLine = await fetch(`${p.url}/export/kpis?dimension=PRODUCT_LINE`, {
      headers: { authorization: `Bearer ${analyst}` },
    });
    expect(byLine.headers.get('content-disposition')).toMatch(/kpis-product_line\.csv/);
    const byDefault = await fetch(`${p.url}/export/kpis`, {
      headers: { authorization: `Bearer ${analyst}` },
    });
    expect(byDefault.headers.get('content-disposition')).toMatch(/kpis-region\.csv/);
    const bad = await fetch(`${p.url}/export/kpis?format=xlsx`, {
      headers: { authorization: `Bearer ${analyst}` },
    });
    expect(bad.status).toBe(400);
  });

  it('refuses a query with too many aliases, before running it', async () => {
    const aliased = (n: number) =>
      `{ ${Array.from({ length: n }, (_, i) => `t${i}: totals { calls }`).join(' ')} }`;
    expect((await gql(p.url, aliased(30), analyst)).body.data).toBeDefined();
    const big = await gql(p.url, aliased(31), analyst);
    expect(big.body.errors?.[0]?.message).toBe('Aliases limit of 30 exceeded, found 31.');
    expect(big.body.data).toBeUndefined();
  });

  it('streams live totals over SSE as new data arrives', async () => {
    const res = await subscribe(p.url, analyst, 'subscription { totals { calls } }');
    expect(res.headers.get('content-type')).toMatch(/text\/event-stream/);
    const before = p.simulator!.truth().calls;
    const posted = await fetch(`${p.url}/events`, {
      method: 'POST',
      headers: { authorization: `Bearer ${p.adminKey}` },
      body: JSON.stringify([callStarted('east')]),
    });
    expect(posted.status).toBe(202);
    const text = await readUntil(res, `"calls":${before + 1}`);
    expect(text).toContain(`data: {"data":{"totals":{"calls":${before + 1}}}}`);
    const dialer = await createApiKey(p.store, 'bot-sse', 'dialer');
    const denied = await subscribe(p.url, dialer, 'subscription { totals { calls } }');
    const first = (await denied.body!.getReader().read()).value;
    expect(new TextDecoder().decode(first)).toMatch(/FORBIDDEN|may not/);
  });
});
