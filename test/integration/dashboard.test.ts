// The analyst dashboard end to end: the platform in-process, the built page in
// headless Chromium (playwright-core, Debian's /usr/bin/chromium).
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import type { Browser, ConsoleMessage, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startPlatform } from '../../src/cli/platform.js';
import { loadConfig } from '../../src/core/config.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const ARTIFACTS = join(ROOT, 'artifacts');
const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const HAS_CHROMIUM = existsSync(CHROMIUM);
const REQUIRED = process.env.DIALWISE_REQUIRE_SERVICES === '1';
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];
const MISSING = `Chromium not found at ${CHROMIUM}: apt-get install -y chromium fonts-noto-cjk, or set CHROMIUM_PATH`;

// Like requireService: skipped with a reason here, a failure where services are required.
if (!HAS_CHROMIUM && REQUIRED) throw new Error(`${MISSING} (DIALWISE_REQUIRE_SERVICES=1)`);
if (!HAS_CHROMIUM) console.warn(`[dashboard.test] skipped: ${MISSING}`);

/** Builds dist/dashboard when it is missing or older than src/dashboard. */
function ensureDashboardBuilt(): void {
  const built = join(ROOT, 'dist/dashboard/index.html');
  const srcDir = join(ROOT, 'src/dashboard');
  const builtAt = existsSync(built) ? statSync(built).mtimeMs : 0;
  const stale = readdirSync(srcDir).some((f) => statSync(join(srcDir, f)).mtimeMs > builtAt);
  if (stale)
    execFileSync(process.execPath, [join(ROOT, 'scripts/build-dashboard.mjs')], { cwd: ROOT });
}

describe.skipIf(!HAS_CHROMIUM)('analyst dashboard', () => {
  let platform: Awaited<ReturnType<typeof startPlatform>>;
  let dataDir: string;
  let browser: Browser;
  let page: Page;
  let consoleErrors: string[] = [];
  let graphqlRequests: string[] = [];
  /** Errors a test expects (the browser logs every HTTP 401 it receives). */
  let expectedErrors: RegExp[] = [];

  async function graphql<T>(query: string): Promise<T> {
    const res = await fetch(`${platform.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${platform.adminKey}` },
      body: JSON.stringify({ query }),
    });
    const body = (await res.json()) as { data?: T; errors?: unknown };
    if (!res.ok || !body.data) throw new Error(`GraphQL ${res.status}: ${JSON.stringify(body)}`);
    return body.data;
  }

  async function openPage(path: string): Promise<Page> {
    const context = await browser.newContext({ viewport: { width: 1366, height: 768 } });
    const p = await context.newPage();
    p.on('console', (msg: ConsoleMessage) => {
      if (msg.type() !== 'error') return;
      const text = `${msg.text()} (${msg.location().url})`;
      if (!expectedErrors.some((re) => re.test(text))) consoleErrors.push(`console: ${text}`);
    });
    p.on('pageerror', (err) => consoleErrors.push(`pageerror: ${err.message}`));
    p.on('request', (req) => {
      if (new URL(req.url()).pathname === '/graphql') graphqlRequests.push(req.method());
    });
    await p.goto(`${platform.url}${path}`);
    return p;
  }

  beforeAll(async () => {
    ensureDashboardBuilt();
    await mkdir(ARTIFACTS, { recursive: true });
    dataDir = await mkdtemp(join(tmpdir(), 'dialwise-dashboard-'));
    platform = await startPlatform(
      loadConfig({ env: { DIALWISE_PORT: '0', DIALWISE_DATA_DIR: dataDir } }),
      { simulate: { calls: 50, seed: 7, ratePerSec: 0 } },
    );
    await platform.waitForIdle();
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
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

  it('renders live KPIs and the chart with #key=<admin key>', async () => {
    page = await openPage(`/#key=${encodeURIComponent(platform.adminKey)}`);
    const chart = page.getByTestId('kpi-chart');
    await page.waitForSelector('[data-testid="kpi-chart"][data-rows]:not([data-rows="0"])');
    // The key leaves the address bar at once and stays in sessionStorage only.
    expect(page.url()).not.toContain(platform.adminKey);
    await expect(page.getByRole('heading', { name: 'Dialwise' }).count()).resolves.toBe(1);
    await expect(page.getByTestId('role').textContent()).resolves.toMatch(/\S/);

    const card = page.getByTestId('kpi-total-calls');
    let seen = { card: NaN, text: NaN, server: NaN, rows: NaN, serverRows: NaN };
    // Poll until the page (refreshing every 2 s) agrees with the server; on
    // timeout the last mismatch is what the assertion prints.
    await expect
      .poll(
        async () => {
          const server = await graphql<{ totals: { calls: number }; kpis: unknown[] }>(
            '{ totals { calls } kpis(by: REGION) { key } }',
          );
          const text = (await card.locator('.kpi-value').textContent()) ?? '';
          seen = {
            card: Number(await card.getAttribute('data-value')),
            text: Number(text.replace(/\D/g, '')),
            server: server.totals.calls,
            rows: Number(await chart.getAttribute('data-rows')),
            serverRows: server.kpis.length,
          };
          const agree =
            seen.card === seen.server && seen.text === seen.server && seen.rows === seen.serverRows;
          return agree ? 'in sync' : `dashboard vs server: ${JSON.stringify(seen)}`;
        },
        { timeout: 15_000, interval: 500 },
      )
      .toBe('in sync');
    expect(seen.card).toBeGreaterThan(0);
    expect(seen.rows).toBeGreaterThanOrEqual(1);

    await page.waitForTimeout(600); // let the chart's entry animation finish
    await page.screenshot({ path: join(ARTIFACTS, 'dashboard.png') });

    await page.getByTestId('dimension').selectOption('CAMPAIGN');
    await expect(page.getByRole('heading', { name: /by campaign/ }).count()).resolves.toBe(1);
    const campaigns = await graphql<{ kpis: unknown[] }>('{ kpis(by: CAMPAIGN) { key } }');
    await page.waitForSelector(`[data-testid="kpi-chart"][data-rows="${campaigns.kpis.length}"]`);
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
