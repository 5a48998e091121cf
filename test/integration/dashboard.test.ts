// The dashboard end to end: the platform in-process, the built page in
// headless Chromium (playwright-core, Debian's /usr/bin/chromium). Walks every
// view, checks what it shows against what the server answers, and saves a
// screenshot per view into artifacts/.
import { randomUUID } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, ConsoleMessage, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { AlertRunner } from '../../src/analytics/alerts/index.js';
import { rollUpAgain } from '../../src/analytics/kpis/index.js';
import { createApiKey } from '../../src/api/index.js';
import { startPlatform } from '../../src/app/index.js';
import { manualClock } from '../../src/core/clock.js';
import { loadTestConfig } from '../helpers/config.js';
import { CallSimulator } from '../../src/datasets/simulator.js';
import { openRegistry } from '../../src/training/kinds.js';
import { fillTrend } from '../../src/dashboard/charts/trend-chart.js';
import { rangeStart, whereArg } from '../../src/dashboard/shell/range-filters.js';
import { hashFilters, parseRoute } from '../../src/dashboard/shell/hash-router.js';
import { readEvents } from '../../src/dashboard/shell/sse-link.js';
import {
  ARTIFACTS,
  ensureDashboardBuilt,
  launchChromium,
  requireChromium,
} from '../helpers/browser.js';

/** What an agent should never say: guaranteed returns, no risk (config/compliance.json). */
const RISKY_LINE = '这个产品保证收益，年化百分之八，绝对没有风险。';
const HOUR = 3_600_000;
const WEEK = 7 * 24 * HOUR;
/** Operations only the compliance and admin roles may send. */
const COMPLIANCE_FIELDS =
  /\b(flaggedCalls|transcripts|callTranscript|customerByPhone|setConsent|dialingViolations)\b/;

const HAS_CHROMIUM = requireChromium('dashboard.test');

// The dashboard's pure parts, without a browser.
describe('dashboard helpers', () => {
  it.each([
    ['#/customers/cust-1', { view: 'customers', rest: ['cust-1'] }],
    ['#alerts', { view: 'alerts', rest: [] }], // Slack's links
    ['#/compliance/call/call%2Fx', { view: 'compliance', rest: ['call', 'call/x'] }],
    ['#/nowhere', { view: 'overview', rest: [] }],
    ['', { view: 'overview', rest: [] }],
  ])('routes %s', (hash, route) => expect(parseRoute(hash)).toEqual(route));

  it.each([
    ['#/overview?range=24h&region=east', { range: '24h', where: { region: 'east' } }],
    ['#/overview?range=7d', { range: '7d', where: {} }],
    [
      '#/overview?campaign=spring&productLine=%E4%BF%9D%E9%99%A9',
      { where: { campaign: 'spring', productLine: '保险' } },
    ],
    ['#/overview?range=forever&colour=red', null],
    ['#/overview', null],
  ])('reads the filters of a link %s (an alert from Slack)', (hash, filters) => {
    expect(parseRoute(hash).view).toBe('overview');
    expect(hashFilters(hash)).toEqual(filters);
  });

  it('starts ranges on whole hours and UTC days', () => {
    const now = Date.parse('2026-12-02T14:25:00Z');
    expect(rangeStart('24h', now)).toBe('2026-12-01T15:00:00.000Z');
    expect(rangeStart('7d', now)).toBe('2026-11-26T00:00:00.000Z');
    expect(rangeStart('30d', now)).toBe('2026-11-03T00:00:00.000Z');
    expect(rangeStart('all', now)).toBeNull();
    expect(whereArg({ region: 'east', campaign: '' })).toEqual({ region: 'east' });
    expect(whereArg({})).toBeNull();
  });

  it('fills the hours without calls of a trend', () => {
    const point = (at: string, calls: number) => ({
      at,
      calls,
      answered: calls,
      conversions: 0,
      connectRate: 1,
      conversionRate: 0,
      transferRate: 0,
      complaintRate: 0,
      abandonRate: 0,
    });
    const filled = fillTrend(
      [point('2026-12-02T10:00:00.000Z', 3), point('2026-12-02T12:00:00.000Z', 5)],
      'HOUR',
      '2026-12-02T09:00:00.000Z',
      Date.parse('2026-12-02T13:30:00Z'),
    );
    expect(filled.map((p) => [p.at, p.calls, p.empty])).toEqual([
      ['2026-12-02T09:00:00.000Z', 0, true],
      ['2026-12-02T10:00:00.000Z', 3, false],
      ['2026-12-02T11:00:00.000Z', 0, true],
      ['2026-12-02T12:00:00.000Z', 5, false],
      ['2026-12-02T13:00:00.000Z', 0, true],
    ]);
  });

  it('reads server-sent events split anywhere, keep-alives and CRLF included', async () => {
    const text =
      ':\n\nevent: next\ndata: {"data":{"a":1}}\n\r\nevent: next\ndata: {"data":\ndata: {"a":2}}\n\nevent: complete\ndata:\n\n';
    const bytes = new TextEncoder().encode(text);
    const body = new ReadableStream<Uint8Array>({
      start(c) {
        for (let i = 0; i < bytes.length; i += 7) c.enqueue(bytes.slice(i, i + 7));
        c.close();
      },
    });
    const events = [];
    for await (const e of readEvents(body)) events.push(e);
    expect(events).toEqual([
      { event: 'next', data: '{"data":{"a":1}}' },
      { event: 'next', data: '{"data":\n{"a":2}}' },
      { event: 'complete', data: '' },
    ]);
  });
});

describe.skipIf(!HAS_CHROMIUM)('dashboard', () => {
  let platform: Awaited<ReturnType<typeof startPlatform>>;
  let dataDir: string;
  let browser: Browser;
  let page: Page;
  let analystKey: string;
  let complianceKey: string;
  let consoleErrors: string[] = [];
  /** Method and body of every /graphql request the page sent. */
  let graphqlRequests: { method: string; body: string; accept: string }[] = [];
  /** Errors a test expects (the browser logs every HTTP 4xx it receives). */
  let expectedErrors: RegExp[] = [];
  /** The call with a risky agent line, posted through the pipeline. */
  let risky: { callId: string; customerId: string; phone: string };
  const sim = new CallSimulator(4242, 40);

  async function graphql<T>(query: string, variables: object = {}, key?: string): Promise<T> {
    const res = await fetch(`${platform.url}/graphql`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: `Bearer ${key ?? platform.adminKey}`,
      },
      body: JSON.stringify({ query, variables }),
    });
    const body = (await res.json()) as { data?: T; errors?: unknown };
    if (!res.ok || !body.data || body.errors)
      throw new Error(`GraphQL ${res.status}: ${JSON.stringify(body)}`);
    return body.data;
  }

  async function postEvents(events: unknown[]): Promise<void> {
    const res = await fetch(`${platform.url}/events`, {
      method: 'POST',
      headers: { authorization: `Bearer ${platform.adminKey}` },
      body: JSON.stringify(events),
    });
    expect(res.status).toBe(202);
  }

  async function openPage(path: string, viewport = { width: 1366, height: 768 }): Promise<Page> {
    const context = await browser.newContext({ viewport });
    const p = await context.newPage();
    p.on('console', (msg: ConsoleMessage) => {
      if (msg.type() !== 'error') return;
      const text = `${msg.text()} (${msg.location().url})`;
      if (!expectedErrors.some((re) => re.test(text))) consoleErrors.push(`console: ${text}`);
    });
    p.on('pageerror', (err) => consoleErrors.push(`pageerror: ${err.message}`));
    p.on('request', (req) => {
      if (new URL(req.url()).pathname === '/graphql')
        graphqlRequests.push({
          method: req.method(),
          body: req.postData() ?? '',
          accept: req.headers()['accept'] ?? '',
        });
    });
    await p.goto(`${platform.url}${path}`);
    return p;
  }

  /** Signs in with `key` and opens `route` (#/…), waiting for the view. */
  async function openView(route: string, key = platform.adminKey): Promise<Page> {
    const p = await openPage(`/#key=${encodeURIComponent(key)}`);
    await p.getByTestId('role').waitFor();
    await p.evaluate((r) => (window.location.hash = r), route);
    await p.getByTestId(`view-${route.split('/')[1]!.split('?')[0]}`).waitFor();
    return p;
  }

  const shot = async (name: string): Promise<void> => {
    await page.waitForTimeout(500); // let chart animations settle
    await page.screenshot({ path: join(ARTIFACTS, `${name}.png`) });
  };

  const numberOf = async (testid: string): Promise<number> =>
    Number(await page.getByTestId(testid).getAttribute('data-value'));

  beforeAll(async () => {
    ensureDashboardBuilt();
    await mkdir(ARTIFACTS, { recursive: true });
    dataDir = await mkdtemp(join(tmpdir(), 'dialwise-dashboard-'));
    platform = await startPlatform(
      loadTestConfig({
        // The test evaluates the alert rules itself, at a time it chooses.
        env: {
          DIALWISE_PORT: '0',
          DIALWISE_DATA_DIR: dataDir,
          DIALWISE_ALERT_INTERVAL_MS: '3600000',
        },
      }),
      { simulate: { calls: 50, seed: 7, ratePerSec: 0 } },
    );
    await platform.waitForIdle();
    analystKey = await createApiKey(platform.store, 'ana', 'analyst');
    complianceKey = await createApiKey(platform.store, 'comp', 'compliance');

    // One call whose agent promises returns: a flagged call, a search hit, a customer to look up.
    for (;;) {
      const events = sim.nextCall(new Date()) as any[];
      const started = events.find((e) => e.type === 'call.started');
      const ours = events.find((e) => e.type === 'dialog.turn' && e.speaker !== 'customer');
      const crm = events.find((e) => e.type === 'customer.updated');
      if (ours && crm) {
        ours.text = RISKY_LINE;
        await postEvents(events);
        risky = {
          callId: started.call_id,
          customerId: started.customer_id,
          phone: crm.fields.phone,
        };
        break;
      }
      await postEvents(events);
    }

    // Two versions in the model registry (challenger only: nothing to load and serve).
    const registry = openRegistry(join(dataDir, 'registry'));
    const modelDir = await mkdtemp(join(tmpdir(), 'dialwise-model-'));
    await writeFile(join(modelDir, 'model.json'), '{}');
    const v1 = await registry.register('intent', modelDir, {
      parent: null,
      dataSha256: 'a1'.repeat(32),
      params: { epochs: 3 },
      metrics: { accuracy: 0.912, macroF1: 0.887 },
    });
    const v2 = await registry.register('intent', modelDir, {
      parent: v1.version,
      dataSha256: 'b2'.repeat(32),
      params: { epochs: 4 },
      metrics: { accuracy: 0.921, macroF1: 0.894 },
    });
    await registry.setAlias('intent', 'challenger', v2.version);
    await rm(modelDir, { recursive: true, force: true });

    browser = await launchChromium();
  });

  afterEach(async () => {
    await page?.context().close();
    const errors = consoleErrors;
    consoleErrors = [];
    expectedErrors = [];
    graphqlRequests = [];
    expect(errors, 'browser console errors').toEqual([]);
  });

  afterAll(async () => {
    await browser?.close();
    await platform?.stop();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it('asks for an API key and shows no data without one', async () => {
    page = await openPage('/');
    const login = page.getByTestId('login');
    await login.waitFor();
    await expect(login.getByLabel('API key').getAttribute('type')).resolves.toBe('password');
    await expect(login.getByRole('button', { name: 'Sign in' }).count()).resolves.toBe(1);
    await page.waitForTimeout(500);
    expect(await page.getByTestId('kpi-chart').count()).toBe(0);
    expect(await page.locator('[data-testid^="kpi-"]').count()).toBe(0);
    expect(graphqlRequests, 'GraphQL requests without a key').toEqual([]);
    await page.screenshot({ path: join(ARTIFACTS, 'dashboard-login.png') });
  });

  it('shows the overview: KPI cards, trends and the breakdown chart, live, with #key=<admin key>', async () => {
    page = await openPage(`/#key=${encodeURIComponent(platform.adminKey)}`);
    const chart = page.getByTestId('kpi-chart');
    await page.waitForSelector('[data-testid="kpi-chart"][data-rows]:not([data-rows="0"])');
    // The key leaves the address bar at once and stays in sessionStorage only.
    expect(page.url()).not.toContain(platform.adminKey);
    expect(new URL(page.url()).hash).toBe('#/overview');
    await expect(page.getByRole('heading', { name: 'Dialwise' }).count()).resolves.toBe(1);
    await expect(page.getByTestId('role').textContent()).resolves.toMatch(/\S/);

    const card = page.getByTestId('kpi-calls');
    let seen = {};
    // Poll until the page agrees with the server for the range it shows (last
    // 24 h); on timeout the last mismatch is what the assertion prints.
    await expect
      .poll(
        async () => {
          const from = await page
            .getByRole('region', { name: 'Key figures' })
            .getAttribute('data-from');
          const server = await graphql<{ kpis: { calls: number }[]; byRegion: unknown[] }>(
            'query($from: DateTime) { kpis(from: $from) { calls } byRegion: kpis(by: REGION, from: $from) { key } }',
            { from },
          );
          const text = (await card.locator('.kpi-value').textContent()) ?? '';
          const now = {
            card: Number(await card.getAttribute('data-value')),
            text: Number(text.replace(/\D/g, '')),
            server: server.kpis[0]?.calls,
            rows: Number(await chart.getAttribute('data-rows')),
            serverRows: server.byRegion.length,
          };
          seen = now;
          const agree =
            now.card === now.server && now.text === now.server && now.rows === now.serverRows;
          return agree ? 'in sync' : `dashboard vs server: ${JSON.stringify(now)}`;
        },
        { timeout: 15_000, interval: 500 },
      )
      .toBe('in sync');
    expect((seen as { card: number }).card).toBeGreaterThan(0);
    // Every card has a value; the trends have drawn the calls.
    for (const key of [
      'connectRate',
      'conversionRate',
      'abandonRate',
      'transferRate',
      'complaintRate',
      'avgTalkSeconds',
      'costPerConversion',
      'contactsPerCustomer',
    ])
      await expect(page.getByTestId(`kpi-${key}`).getAttribute('data-value')).resolves.toMatch(
        /^\d/,
      );
    await expect(page.getByTestId('trend-volume').getAttribute('data-calls')).resolves.toBe(
      String(await numberOf('kpi-calls')),
    );
    // Updates arrive over SSE (POST /graphql, Accept: text/event-stream), not by polling.
    expect(
      graphqlRequests.some(
        (r) => r.accept.includes('text/event-stream') && /subscription/.test(r.body),
      ),
    ).toBe(true);
    await expect(page.getByTestId('live').getAttribute('data-state')).resolves.toBe('live');
    await shot('dashboard');

    // New calls show up without a reload.
    const before = await numberOf('kpi-calls');
    const more = [sim.nextCall(new Date()), sim.nextCall(new Date())].flat();
    await postEvents(more);
    await expect.poll(() => numberOf('kpi-calls'), { timeout: 8_000 }).toBe(before + 2);

    await page.getByTestId('dimension').selectOption('CAMPAIGN');
    await expect(page.getByRole('heading', { name: /by campaign/ }).count()).resolves.toBe(1);
    const campaigns = await graphql<{ kpis: unknown[] }>('{ kpis(by: CAMPAIGN) { key } }');
    await page.waitForSelector(`[data-testid="kpi-chart"][data-rows="${campaigns.kpis.length}"]`);

    // All time: the dials card is the server's total.
    await page.getByTestId('range-all').click();
    const totals = await graphql<{ totals: { calls: number } }>('{ totals { calls } }');
    await expect.poll(() => numberOf('kpi-calls'), { timeout: 8_000 }).toBe(totals.totals.calls);
  });

  it('counts the agents warned live of a forbidden promise, per agent', async () => {
    const said = (n: number, agent: string, text: string) => ({
      event_id: `assist-dash-${n}`,
      type: 'dialog.turn',
      ts: new Date().toISOString(),
      schema_version: 1,
      customer_id: 'c-assist-dash',
      call_id: 'call-assist-dash',
      turn: n,
      speaker: 'agent',
      text,
      asr_confidence: 0.9,
      agent_id: agent,
    });
    await postEvents([
      said(1, 'agent-dash-li', '这个产品保本保息'),
      said(2, 'agent-dash-li', '稳赚不赔'),
      said(3, 'agent-dash-wang', '零风险的'),
      said(4, 'agent-dash-wang', '我把合同发给您'),
    ]);
    page = await openView('#/compliance', complianceKey);
    await page.getByTestId('tab-violations').click();
    const row = (agent: string) =>
      page.locator('[data-testid="agent-warnings"] tbody tr', { hasText: agent });
    await expect.poll(() => row('agent-dash-li').count(), { timeout: 8_000 }).toBe(1);
    // Agent, turns warned, promises, calls.
    await expect(row('agent-dash-li').locator('td').nth(1).textContent()).resolves.toBe('2');
    await expect(row('agent-dash-wang').locator('td').nth(1).textContent()).resolves.toBe('1');
  });

  it("opens an alert's link from Slack on the Overview filtered to its scope", async () => {
    page = await openView('#/overview?range=7d&region=east');
    await expect.poll(() => page.getByTestId('filter-region').inputValue()).toBe('east');
    await expect.poll(() => page.getByTestId('range-7d').getAttribute('aria-pressed')).toBe('true');
  });

  it('applies a filter to the cards and the trends', async () => {
    page = await openView('#/overview');
    await page
      .locator('#filter-region option:not([value=""])')
      .first()
      .waitFor({ state: 'attached' });
    const region = await page
      .locator('#filter-region option:not([value=""])')
      .first()
      .getAttribute('value');
    expect(region).toBeTruthy();
    await page.getByTestId('filter-region').selectOption(region!);
    const from = await page.getByRole('region', { name: 'Key figures' }).getAttribute('data-from');
    const server = await graphql<{
      kpis: { calls: number; conversionRate: number }[];
      kpiTrend: { calls: number }[];
    }>(
      `
        query ($from: DateTime, $where: KpiWhere) {
          kpis(from: $from, where: $where) {
            calls
            conversionRate
          }
          kpiTrend(bucket: HOUR, from: $from, where: $where) {
            calls
          }
        }
      `,
      { from, where: { region } },
    );
    const expected = server.kpis[0]!;
    const trendCalls = server.kpiTrend.reduce((s, p) => s + p.calls, 0);
    await expect.poll(() => numberOf('kpi-calls'), { timeout: 8_000 }).toBe(expected.calls);
    expect(await numberOf('kpi-conversionRate')).toBeCloseTo(expected.conversionRate, 9);
    await expect
      .poll(async () => Number(await page.getByTestId('trend-volume').getAttribute('data-calls')))
      .toBe(trendCalls);
    const total = await graphql<{ kpis: { calls: number }[] }>(
      'query($from: DateTime) { kpis(from: $from) { calls } }',
      { from },
    );
    expect(expected.calls).toBeLessThan(total.kpis[0]!.calls);
    await shot('dashboard-filtered');
  });

  it('fits a 1440×900 screen', async () => {
    page = await openPage(`/#key=${encodeURIComponent(platform.adminKey)}`, {
      width: 1440,
      height: 900,
    });
    await page.waitForSelector('[data-testid="kpi-chart"][data-rows]:not([data-rows="0"])');
    const width = await page.evaluate(() => document.documentElement.scrollWidth);
    expect(width).toBeLessThanOrEqual(1440);
    // Every view's link is shown whole, none under the signed-in key's corner.
    const nav = await page.evaluate(() => {
      const box = (el: Element) => el.getBoundingClientRect();
      const links = [...document.querySelectorAll('.nav-link')].map(box);
      return {
        links: links.length,
        lastRight: Math.max(...links.map((r) => r.right)),
        rightStart: box(document.querySelector('.topbar-right')!).left,
        scrolls:
          document.querySelector('.nav')!.scrollWidth > document.querySelector('.nav')!.clientWidth,
      };
    });
    expect(nav.links).toBe(9);
    expect(nav.scrolls).toBe(false);
    expect(nav.lastRight).toBeLessThanOrEqual(nav.rightStart);
    await shot('dashboard-1440');
  });

  it('breaks every KPI down by a dimension, with a metric selector and a sortable table', async () => {
    page = await openView('#/breakdown');
    await page.getByTestId('breakdown-by').selectOption('HANDLED_BY');
    const server = await graphql<{ kpis: { key: string; calls: number }[] }>(
      'query($from: DateTime) { kpis(by: HANDLED_BY, from: $from) { key calls } }',
      { from: new Date(Math.floor(Date.now() / HOUR) * HOUR - 23 * HOUR).toISOString() },
    );
    const rows = page.locator('[data-testid="breakdown-table"] tbody tr');
    await expect.poll(() => rows.count(), { timeout: 8_000 }).toBe(server.kpis.length);
    await page.waitForSelector(
      `[data-testid="breakdown-chart"][data-rows="${server.kpis.length}"]`,
    );
    // Sorted by dials, most first; one click on the header sorts ascending.
    const byCalls = [...server.kpis].sort((a, b) => b.calls - a.calls).map((r) => r.key);
    await expect.poll(() => rows.locator('td:first-child').allTextContents()).toEqual(byCalls);
    await page.locator('[data-testid="breakdown-table"] button[data-sort="calls"]').click();
    await expect(rows.locator('td:first-child').allTextContents()).resolves.toEqual(
      [...byCalls].reverse(),
    );
    await page.getByTestId('breakdown-metric').selectOption('transferRate');
    await expect(
      page.getByRole('heading', { name: 'Transfer rate by bot/agent' }).count(),
    ).resolves.toBe(1);
    await page.getByTestId('breakdown-by').selectOption('REGION');
    await page.waitForSelector('[data-testid="breakdown-table"] tbody tr:nth-child(3)');
    await shot('dashboard-breakdown');
  });

  it('lists experiments with P(best) per variant, and an empty state for live bandits', async () => {
    page = await openView('#/experiments');
    const server = await graphql<{ experiments: { source: string; variants: unknown[] }[] }>(
      'query($from: DateTime) { experiments(from: $from) { source variants { variant } } }',
      { from: new Date(Math.floor(Date.now() / HOUR) * HOUR - 23 * HOUR).toISOString() },
    );
    const byCalls = server.experiments.filter((e) => e.source === 'calls');
    expect(byCalls.length).toBeGreaterThan(0);
    await page
      .locator('[data-testid="script-experiments"] [data-testid="experiment"]')
      .first()
      .waitFor();
    await expect(
      page.locator('[data-testid="script-experiments"] [data-testid="experiment"]').count(),
    ).resolves.toBe(byCalls.length);
    await page.waitForSelector(
      `[data-testid="pbest-chart"][data-bars="${byCalls[0]!.variants.length}"]`,
    );
    await expect(
      page.locator('[data-testid="script-experiments"] [data-testid="pbest"]').count(),
    ).resolves.toBe(byCalls[0]!.variants.length);
    if (server.experiments.every((e) => e.source === 'calls'))
      await page.getByTestId('bandits').getByText('No live bandit experiments yet').waitFor();
    await shot('dashboard-experiments');
  });

  it('shows an alert with value, baseline and deviation, acknowledges it, and edits the rules', async () => {
    // A 25% drop in conversion in 24 regions of their own (more alerts than a
    // page), at a time chosen here: 20% in the same hour of the four past
    // weeks, 15% in the hour evaluated; 2,000 calls a region an hour, so the
    // drop is significant too (z ≈ 5 against the rules' minZ of 4).
    const at = new Date(Math.floor(Date.now() / HOUR) * HOUR - 30 * 60_000);
    const calls = (start: Date, converted: number, tag: string) =>
      platform.store.transaction((tx) =>
        tx.run(
          `INSERT INTO calls (call_id, customer_id, region, campaign_id, product_line,
             script_version, handled_by, started_at, answered, outcome, duration_s)
           SELECT ? || '-' || r || '-' || i || '-' || k, 'lab-' || i, 'lab-' || lpad(r::VARCHAR, 2, '0'),
             'renewal', 'loan', 'v1', 'bot', ?::TIMESTAMPTZ + to_seconds(i), true,
             CASE WHEN i < ? THEN 'converted' ELSE 'rejected' END, 60
           FROM range(1, 25) a(r), range(0, 100) t(i), range(0, 20) c(k)`,
          [`lab-${tag}`, start.toISOString(), converted],
        ),
      );
    for (let w = 1; w <= 4; w++)
      await calls(new Date(at.getTime() - w * WEEK - 25 * 60_000), 20, `w${w}`);
    await calls(new Date(at.getTime() - 25 * 60_000), 15, 'now');
    await rollUpAgain(platform.store); // written around the pipeline
    // Evaluated at that time by a runner of its own over the platform's store.
    const runner = new AlertRunner(platform.store, {
      dashboardUrl: () => platform.url,
      clock: manualClock(at.getTime()),
    });
    await runner.run();
    const open = await graphql<{ alerts: { ruleId: string; key: string; deviation: number }[] }>(
      '{ alerts(status: open, limit: 200) { ruleId key deviation } }',
    );
    const labs = open.alerts.filter((a) => a.key.startsWith('lab-'));
    expect(labs, JSON.stringify(open)).toHaveLength(24);
    for (const a of labs) expect(a.deviation).toBeCloseTo(-0.25, 9);

    // 20 a page; "Load more" brings the rest by cursor.
    page = await openView('#/alerts');
    const rows = page.locator('[data-testid="alerts-table"] tbody tr');
    await expect.poll(() => rows.count(), { timeout: 8_000 }).toBe(20);
    await page.getByTestId('alerts-more').click();
    await expect.poll(() => rows.count()).toBe(open.alerts.length);
    await expect(page.getByTestId('alerts-more').isHidden()).resolves.toBe(true);
    const keys = await rows.evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-key')));
    expect(new Set(keys).size).toBe(keys.length);

    const row = rows.filter({ hasText: 'lab-07' });
    await expect(row.textContent()).resolves.toMatch(/Conversion rate.*15\.0%.*20\.0%.*−25\.0%/);
    await page.evaluate(() => window.scrollTo(0, 0));
    await shot('dashboard-alerts');
    await row.getByRole('button', { name: /Acknowledge/ }).click();
    await page
      .getByTestId('alert-notice')
      .getByText(/Acknowledged: Conversion rate · lab-07/)
      .waitFor();
    await expect.poll(() => row.count()).toBe(0); // no longer open
    await expect(rows.count()).resolves.toBe(open.alerts.length - 1);
    const acked = await graphql<{ alerts: { key: string; status: string }[] }>(
      '{ alerts(status: acknowledged) { key status } }',
    );
    expect(acked.alerts).toEqual([{ key: 'lab-07', status: 'acknowledged' }]);
    await page.getByTestId('tab-acknowledged').click();
    await rows.filter({ hasText: 'lab-07' }).waitFor();
    await expect(rows.count()).resolves.toBe(1);

    // A rule the server refuses shows the server's reason; a good one is saved.
    expectedErrors = [/status of 400 .*\/graphql\)$/];
    await page.getByTestId('rule-new').click();
    await page.getByTestId('rule-id').fill('complaints-by-campaign');
    await page.getByTestId('rule-metric').selectOption('complaintRate');
    await page.getByTestId('rule-dimension').selectOption('CAMPAIGN');
    await page.getByTestId('rule-weeks').fill('0');
    await page.getByTestId('rule-save').click();
    await page.getByTestId('rule-error').getByText(/weeks/).waitFor();
    await page.getByTestId('rule-weeks').fill('6');
    await page.getByTestId('rule-threshold').fill('35');
    await page.getByTestId('rule-save').click();
    await page.getByTestId('rule-saved').getByText('Saved rule complaints-by-campaign.').waitFor();
    const rules = await graphql<{
      alertRules: { id: string; threshold: number; weeks: number; dimension: string }[];
    }>('{ alertRules { id threshold weeks dimension } }');
    expect(rules.alertRules.find((r) => r.id === 'complaints-by-campaign')).toEqual({
      id: 'complaints-by-campaign',
      threshold: 0.35,
      weeks: 6,
      dimension: 'CAMPAIGN',
    });
    await page
      .locator('[data-testid="rules-table"] tbody tr', { hasText: 'complaints-by-campaign' })
      .waitFor();
  });

  it('reviews flagged calls and their transcripts, searches transcripts and changes consent (admin)', async () => {
    page = await openView('#/compliance');
    const flagged = page.locator('[data-testid="flagged-table"] tbody tr');
    const row = flagged.filter({ hasText: risky.callId });
    await row.waitFor();
    const server = await graphql<{ flaggedCalls: { total: number } }>(
      'query($from: DateTime) { flaggedCalls(from: $from) { total } }',
      { from: new Date(Math.floor(Date.now() / HOUR) * HOUR - 23 * HOUR).toISOString() },
    );
    await expect(page.getByTestId('flagged-total').textContent()).resolves.toContain(
      String(server.flaggedCalls.total),
    );
    await row.click();
    expect(new URL(page.url()).hash).toBe(`#/compliance/call/${risky.callId}`);
    const marks = page.locator('[data-testid="transcript"] mark');
    await marks.first().waitFor();
    const hits = await graphql<{
      callTranscript: { turns: { text: string; highlights: { start: number; end: number }[] }[] };
    }>(
      'query($id: ID!) { callTranscript(callId: $id) { turns { text highlights { start end } } } }',
      { id: risky.callId },
    );
    const expected = hits.callTranscript.turns.flatMap((t) =>
      t.highlights.map((x) => t.text.slice(x.start, x.end)),
    );
    expect(expected.length).toBeGreaterThan(0);
    const marked = await marks.allTextContents();
    for (const term of expected)
      expect(
        marked.some((m) => m.includes(term)),
        term,
      ).toBe(true);
    await shot('dashboard-compliance');

    // Keyword search in Chinese: every hit shows the term marked, the total is the server's.
    await page.getByTestId('tab-search').click();
    await page.getByTestId('search-text').fill('保证收益');
    await page.getByTestId('search-submit').click();
    await page.getByTestId('search-hit').first().waitFor();
    const search = await graphql<{ transcripts: { total: number } }>(
      '{ transcripts(text: "保证收益") { total } }',
    );
    await expect(page.getByTestId('search-total').getAttribute('data-total')).resolves.toBe(
      String(search.transcripts.total),
    );
    const shown = await page.getByTestId('search-hit').count();
    expect(shown).toBe(Math.min(20, search.transcripts.total));
    const found = await page.locator('[data-testid="search-hit"] mark').allTextContents();
    expect(found.length).toBeGreaterThanOrEqual(shown);
    expect(new Set(found)).toEqual(new Set(['保证收益']));
    await page
      .locator(`[data-testid="search-hit"][data-call="${risky.callId}"] button`)
      .first()
      .click();
    await page
      .locator(`[data-testid="transcript-panel"][data-call="${risky.callId}"] mark`)
      .first()
      .waitFor();
    await shot('dashboard-compliance-search');

    // Consent by phone number: withdraw SMS marketing (never granted: refused), and the server agrees.
    await page.getByTestId('tab-consent').click();
    await page.getByTestId('consent-mode').selectOption('phone');
    await page.getByTestId('consent-query').fill(risky.phone);
    await page.getByTestId('consent-lookup').click();
    await expect(page.getByTestId('consent-phone').textContent()).resolves.toBe(risky.phone);
    await page.getByTestId('withdraw-sms-marketing').click();
    await page
      .getByTestId('consent-notice')
      .getByText('SMS, marketing: consent withdrawn.')
      .waitFor();
    await expect(
      page.getByTestId('consent-sms-marketing').getAttribute('data-state'),
    ).resolves.toBe('refused');
    const consent = await graphql<{ customer: { consent: { scope: string; state: string }[] } }>(
      'query($id: ID!) { customer(id: $id) { consent { scope purpose state } } }',
      { id: risky.customerId },
    );
    expect(consent.customer.consent).toContainEqual({
      scope: 'sms',
      purpose: 'marketing',
      state: 'refused',
    });
    await shot('dashboard-consent');
  });

  it('shows the consent ledger with its proof, withdraws a granted channel, and counts touches by channel', async () => {
    const id = 'cust-ledger-1';
    const ago = (min: number) => new Date(Date.now() - min * 60_000).toISOString();
    const event = (type: string, min: number, fields: object) => ({
      event_id: randomUUID(),
      type,
      ts: ago(min),
      schema_version: 1,
      customer_id: id,
      ...fields,
    });
    const reply = event('touch.replied', 1, {
      touch_id: 'ledger-sms-1',
      channel: 'sms',
      text: '退订',
    });
    await postEvents([
      event('consent.changed', 5, {
        scope: 'sms',
        granted: true,
        evidence: { source: 'web_form', text: '我同意接收短信优惠信息' },
      }),
      event('consent.changed', 4, { scope: 'wechat', purpose: 'marketing', granted: true }),
      event('touch.sent', 3, { touch_id: 'ledger-sms-1', channel: 'sms', campaign_id: 'ledger' }),
      event('touch.delivered', 3, { touch_id: 'ledger-sms-1', channel: 'sms' }),
      reply,
      event('touch.sent', 2, { touch_id: 'ledger-wx-1', channel: 'wechat', campaign_id: 'ledger' }),
    ]);

    // The compliance role: the ledger per channel and purpose, and the words of the proof.
    page = await openView('#/compliance/consent', complianceKey);
    await page.getByTestId('consent-query').fill(id);
    await page.getByTestId('consent-lookup').click();
    const state = (cell: string) => page.getByTestId(`consent-${cell}`).getAttribute('data-state');
    await page.getByTestId('consent-ledger').waitFor();
    await expect(state('sms-marketing')).resolves.toBe('withdrawn');
    await expect(state('sms-service')).resolves.toBe('withdrawn');
    await expect(state('wechat-marketing')).resolves.toBe('granted');
    await expect(state('wechat-service')).resolves.toBe('unknown');
    await expect(state('call-marketing')).resolves.toBe('unknown');
    const changes = page.locator('[data-testid="consent-changes"] tbody tr');
    await expect(changes.count()).resolves.toBe(3);
    // Newest first: the reply "退订", its source, the reply event and the words.
    const newest = changes.first();
    await expect(newest.textContent()).resolves.toMatch(/SMS.*Every purpose.*refused.*SMS reply/);
    await expect(newest.textContent()).resolves.toContain(reply.event_id);
    await expect(newest.locator('q').textContent()).resolves.toBe('退订');
    await expect(changes.last().textContent()).resolves.toMatch(/Web form.*我同意接收短信优惠信息/);
    await shot('dashboard-consent-ledger');

    // Withdraw on a granted channel: withdrawn, on the page and on the server, with its proof.
    await page.getByTestId('withdraw-wechat-marketing').click();
    await page
      .getByTestId('consent-notice')
      .getByText('WeChat, marketing: consent withdrawn.')
      .waitFor();
    await expect.poll(() => state('wechat-marketing')).toBe('withdrawn');
    await expect.poll(() => changes.count()).toBe(4);
    await expect(changes.first().textContent()).resolves.toMatch(
      /WeChat.*Marketing.*refused.*Dashboard or API/,
    );
    const server = await graphql<{ customer: { consent: object[] } }>(
      'query($id: ID!) { customer(id: $id) { consent { scope purpose state } } }',
      { id },
    );
    expect(server.customer.consent).toContainEqual({
      scope: 'wechat',
      purpose: 'marketing',
      state: 'withdrawn',
    });

    // Touches by channel on the overview (an analyst): the server's counts, SMS's reply and opt-out.
    await page.context().close();
    page = await openView('#/overview', analystKey);
    const touches = await graphql<{ touchesByChannel: Record<string, number | string>[] }>(
      `
        query ($from: DateTime!) {
          touchesByChannel(from: $from) {
            channel
            sent
            delivered
            deliveryRate
            replied
            replyRate
            optOuts
          }
        }
      `,
      { from: rangeStart('24h') },
      analystKey,
    );
    const sms = touches.touchesByChannel.find((r) => r.channel === 'sms')!;
    expect(sms).toMatchObject({ sent: 1, delivered: 1, replied: 1, replyRate: 1, optOuts: 1 });
    const rows = page.locator('[data-testid="touches-table"] tbody tr');
    await expect.poll(() => rows.count(), { timeout: 8_000 }).toBe(4);
    const cells = (channel: string) =>
      page
        .locator(`[data-testid="touches-table"] tbody tr[data-key="${channel}"] td`)
        .allTextContents();
    expect(await cells('sms')).toEqual(['SMS', '1', '1', '100.0%', '1', '100.0%', '1']);
    const wechat = touches.touchesByChannel.find((r) => r.channel === 'wechat')!;
    expect((await cells('wechat')).slice(1, 2)).toEqual([String(wechat.sent)]);
    await page.waitForSelector(
      `[data-testid="touch-chart"][data-sent="${touches.touchesByChannel.reduce((s, r) => s + Number(r.sent), 0)}"]`,
    );
    await page.getByTestId('panel-touches').scrollIntoViewIfNeeded();
    await shot('dashboard-touches');
    // Per campaign; a range longer than 400 days is cut to the last 400.
    const ledger = await graphql<{ touchesByChannel: { channel: string; sent: number }[] }>(
      `
        query ($from: DateTime!) {
          touchesByChannel(from: $from, campaign: "ledger") {
            channel
            sent
          }
        }
      `,
      { from: rangeStart('24h') },
    );
    expect(ledger.touchesByChannel.filter((r) => r.sent > 0)).toEqual([
      { channel: 'sms', sent: 1 },
      { channel: 'wechat', sent: 1 },
    ]);
    const cut = await graphql<{ touchesByChannel: { channel: string; sent: number }[] }>(
      '{ touchesByChannel(from: "2020-01-01T00:00:00Z", campaign: "ledger") { channel sent } }',
    );
    expect(cut.touchesByChannel).toEqual(ledger.touchesByChannel);
  });

  it('opens a customer profile: an analyst sees a masked phone and no compliance data', async () => {
    page = await openView('#/customers', analystKey);
    const list = page.locator('[data-testid="customers-table"] tbody tr');
    await list.first().waitFor();
    const server = await graphql<{ customers: { customers: { customerId: string }[] } }>(
      '{ customers(limit: 25) { customers { customerId } } }',
      {},
      analystKey,
    );
    await expect(list.locator('td:first-child').allTextContents()).resolves.toEqual(
      server.customers.customers.map((c) => c.customerId),
    );
    await shot('dashboard-customers');

    await page.evaluate((id) => (window.location.hash = `#/customers/${id}`), risky.customerId);
    const phone = page.getByTestId('profile-phone');
    await phone.waitFor();
    await expect(phone.getAttribute('data-masked')).resolves.toBe('true');
    const text = (await phone.textContent()) ?? '';
    expect(text).toContain('*');
    expect(text.replace(/\D/g, '')).not.toContain(risky.phone.replace(/\D/g, ''));
    await expect(page.getByTestId('profile-name').textContent()).resolves.toBe(risky.customerId);
    await page.locator('[data-testid="recent-calls"] tbody tr').first().waitFor();
    await expect(
      page.locator('[data-testid="recent-calls"] th', { hasText: 'Hits' }).count(),
    ).resolves.toBe(0);
    // The ledger, read only: no Grant / Withdraw, no words of the proof.
    await page.getByTestId('consent-ledger').waitFor();
    await expect(page.locator('[data-testid^="withdraw-"]').count()).resolves.toBe(0);
    await expect(
      page.locator('[data-testid="consent-changes"] th', { hasText: 'Words' }).count(),
    ).resolves.toBe(0);
    await shot('dashboard-profile');

    await page.evaluate(() => (window.location.hash = '#/compliance'));
    await page
      .getByTestId('compliance-locked')
      .getByText('Compliance review needs the compliance role')
      .waitFor();
    await page.waitForTimeout(500);
    expect(
      graphqlRequests.filter((r) => COMPLIANCE_FIELDS.test(r.body)).map((r) => r.body),
    ).toEqual([]);
    // Full phone and name are not even asked for on the analyst's behalf.
    const profiles = graphqlRequests.filter((r) => r.body.includes('"operationName":"Customer"'));
    expect(profiles.length).toBeGreaterThan(0);
    for (const r of profiles) expect(JSON.parse(r.body).variables.full).toBe(false);
    await shot('dashboard-compliance-analyst');
  });

  it('shows the full phone of a profile to the admin', async () => {
    page = await openView(`#/customers/${risky.customerId}`);
    const phone = page.getByTestId('profile-phone');
    await phone.waitFor();
    await expect(phone.getAttribute('data-masked')).resolves.toBe('false');
    await expect(phone.textContent()).resolves.toBe(risky.phone);
  });

  it('lists model versions with their metrics and aliases', async () => {
    page = await openView('#/models');
    const card = page.getByTestId('model-intent');
    await card.waitFor();
    const rows = card.locator('tbody tr');
    await expect(rows.count()).resolves.toBe(2);
    await expect(rows.first().textContent()).resolves.toMatch(/v2.*challenger.*accuracy.*0\.921/);
    await shot('dashboard-models');
  });

  it('says "Invalid API key" for a wrong key', async () => {
    // Chromium logs each HTTP 401 as a console error; those two are the point here.
    expectedErrors = [/status of 401 .*\/graphql\)$/];
    page = await openPage('/');
    const login = page.getByTestId('login');
    await login.getByLabel('API key').fill('not-a-real-key-0000000000');
    await login.getByRole('button', { name: 'Sign in' }).click();
    await login.getByText('Invalid API key').waitFor();
    expect(await page.getByTestId('kpi-chart').count()).toBe(0);

    // The same for a wrong key in the fragment, which is then forgotten.
    await page.context().close();
    page = await openPage('/#key=also-wrong-000000000000000');
    await page.getByTestId('login').getByText('Invalid API key').waitFor();
    expect(await page.evaluate(() => window.sessionStorage.length)).toBe(0);
    expect(page.url()).not.toContain('also-wrong');
  });
});
