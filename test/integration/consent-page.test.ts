// The customer's own consent page end to end: a link made over REST, opened
// in headless Chromium on a phone's viewport (playwright-core, Debian's
// /usr/bin/chromium), a withdrawal tapped, and the ledger, the check and the
// auditor's export seeing it at once (embedded bus). Saves a screenshot of
// the page after the withdrawal into artifacts/.
import { randomBytes, randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey } from '../../src/api/index.js';
import { startPlatform, type Platform } from '../../src/app/index.js';
import { CONSENT_LINK_LABEL, signConsentLink } from '../../src/core/consent-link.js';
import { createFieldCipher } from '../../src/core/crypto.js';
import { loadTestConfig } from '../helpers/config.js';
import { allDayDecisionConfig } from '../helpers/decision-config.js';
import { eventFixtures } from '../helpers/fixtures.js';
import { rest } from '../helpers/rest.js';
import { tmpDir } from '../helpers/tmp.js';

const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const HAS_CHROMIUM = existsSync(CHROMIUM);
const REQUIRED = process.env.DIALWISE_REQUIRE_SERVICES === '1';
const MISSING = `Chromium not found at ${CHROMIUM}: apt-get install -y chromium fonts-noto-cjk, or set CHROMIUM_PATH`;
if (!HAS_CHROMIUM && REQUIRED) throw new Error(`${MISSING} (DIALWISE_REQUIRE_SERVICES=1)`);
if (!HAS_CHROMIUM) console.warn(`[consent-page.test] browser steps skipped: ${MISSING}`);

const ARTIFACTS = join(resolve(dirname(fileURLToPath(import.meta.url)), '../..'), 'artifacts');
const DATA_KEY = randomBytes(32).toString('base64');
const PUBLIC_URL = 'https://consent.example.com/';
const PHONE = { width: 390, height: 844 };
const fx = eventFixtures();

describe("the customer's consent page", () => {
  let p: Platform;
  let dialer: string;
  let compliance: string;
  let browser: Browser | undefined;
  const call = (path: string, body?: unknown, key = dialer) => rest(p.url, key, path, body);
  const send = async (type: string, patch: Record<string, unknown>) => {
    const res = await call('/events', {
      ...fx.get(type),
      event_id: randomUUID(),
      ts: new Date().toISOString(),
      ...patch,
    });
    expect(res.status).toBe(202);
  };
  /** A link over REST, its path on this platform (the URL names the configured public address). */
  const linkFor = async (customerId: string, body: Record<string, unknown> = {}) => {
    const res = await call('/consent/links', { customer_id: customerId, ...body });
    expect(res.status).toBe(200);
    const out = (await res.json()) as { url: string; expires_at: string };
    expect(out.url.startsWith(`${PUBLIC_URL}c/`)).toBe(true);
    return { ...out, path: out.url.slice(PUBLIC_URL.length - 1) };
  };
  /** A token signed with the platform's own link key, at any expiry. */
  const tokenFor = (customerId: string, expiresAtS: number) =>
    signConsentLink(
      createFieldCipher(DATA_KEY).derivedKeys(CONSENT_LINK_LABEL)[0]!,
      customerId,
      expiresAtS,
    );
  const withdrawForm = (path: string, body: string, type = 'application/x-www-form-urlencoded') =>
    fetch(`${p.url}${path}/withdraw`, {
      method: 'POST',
      headers: { 'content-type': type },
      body,
      redirect: 'manual',
    });
  const check = async (customerId: string, channel: string) =>
    (await (await call('/outreach/check', { customer_id: customerId, channel })).json()) as {
      allowed: boolean;
      reason: string | null;
    };
  const stateOf = (page: Page, row: string) =>
    page.locator(`#${row} .state`).getAttribute('data-state');

  beforeAll(async () => {
    p = await startPlatform(
      loadTestConfig({
        env: {
          DIALWISE_PORT: '0',
          DIALWISE_DATA_DIR: tmpDir(),
          DIALWISE_DATA_KEY: DATA_KEY,
          DIALWISE_PUBLIC_URL: PUBLIC_URL,
          DIALWISE_LOG_LEVEL: 'error',
          DIALWISE_COMMIT_INTERVAL_MS: '50',
          DIALWISE_SIM_RATE: '0',
          DIALWISE_DECISION_CONFIG: allDayDecisionConfig(),
        },
      }),
    );
    dialer = await createApiKey(p.store, 'sms-gateway', 'dialer');
    compliance = await createApiKey(p.store, 'auditor', 'compliance');
    if (HAS_CHROMIUM)
      browser = await chromium.launch({
        executablePath: CHROMIUM,
        args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run'],
      });
  });
  afterAll(async () => {
    await browser?.close();
    await p?.stop();
  });

  it('makes links for the dialer, compliance and admin only, audited, expiring as configured', async () => {
    const before = Date.now();
    const link = await linkFor('cust-page-0');
    const days = (Date.parse(link.expires_at) - before) / 86_400_000;
    expect(days).toBeGreaterThan(6.99);
    expect(days).toBeLessThan(7.01);
    const short = await linkFor('cust-page-0', { ttl_days: 1 });
    expect(Date.parse(short.expires_at) - before).toBeLessThan(86_400_000 + 5_000);
    expect((await call('/consent/links', { customer_id: 'x', ttl_days: 91 })).status).toBe(400);
    expect((await call('/consent/links', { customer_id: 'x' }, 'dw_nokey')).status).toBe(401);
    const analyst = await createApiKey(p.store, 'analyst-1', 'analyst');
    expect((await call('/consent/links', { customer_id: 'x' }, analyst)).status).toBe(403);
    const audited = await p.store.query<{ principal: string; target: string }>(
      "SELECT principal, target FROM audit_log WHERE action = 'consent.link'",
    );
    expect(audited).toHaveLength(2);
    expect(audited[0]!.principal).toBe('sms-gateway');
    expect(audited[0]!.target).toMatch(/^cust-page-0:[A-Za-z0-9_-]{12}$/);
    // The audit row names the link, never its token (a bearer secret).
    expect(link.url).not.toContain(audited[0]!.target.split(':')[1]);
  });

  it.skipIf(!HAS_CHROMIUM)(
    'on a phone: SMS allowed, tap withdraw, SMS withdrawn; the check and the export follow at once',
    async () => {
      const id = 'cust-page-1';
      await send('customer.updated', {
        customer_id: id,
        fields: { name: '王小明', phone: '13912345678' },
      });
      await send('consent.changed', {
        customer_id: id,
        scope: 'sms',
        granted: true,
        evidence: { source: 'web_form', text: '我同意接收短信' },
      });
      expect(await check(id, 'sms')).toMatchObject({ allowed: true });
      const { path } = await linkFor(id);

      const context = await browser!.newContext({
        viewport: PHONE,
        isMobile: true,
        hasTouch: true,
      });
      const page = await context.newPage();
      const problems: string[] = [];
      page.on('console', (m) => m.type() === 'error' && problems.push(m.text()));
      page.on('pageerror', (e) => problems.push(e.message));
      const res = await page.goto(`${p.url}${path}`);
      expect(res!.status()).toBe(200);
      expect(res!.headers()['content-security-policy']).toContain("form-action 'self'");
      expect(res!.headers()['cache-control']).toBe('no-store');
      expect(await page.locator('h1').innerText()).toContain('联系授权管理');
      expect(await stateOf(page, 'sms-marketing')).toBe('granted');
      expect(await stateOf(page, 'call-marketing')).toBe('unknown');
      const body = await page.locator('body').innerText();
      for (const secret of ['王小明', '13912345678', '5678']) expect(body).not.toContain(secret);
      // Large tap targets, and a page that fits the phone's width.
      const button = page.locator('#sms-marketing button');
      expect(await button.innerText()).toContain('撤回');
      expect((await button.boundingBox())!.height).toBeGreaterThanOrEqual(44);
      const width = await page.evaluate(() => document.documentElement.scrollWidth);
      expect(width).toBeLessThanOrEqual(PHONE.width);

      await Promise.all([page.waitForURL(/\?done=1$/), button.tap()]);
      expect(await stateOf(page, 'sms-marketing')).toBe('withdrawn');
      expect(await stateOf(page, 'sms-service')).toBe('granted');
      expect(await page.locator('.note').innerText()).toContain('已记录');
      expect(await page.locator('#sms-marketing button').count()).toBe(0);
      expect(problems, 'no CSP violation or script error').toEqual([]);
      await mkdir(ARTIFACTS, { recursive: true });
      await page.screenshot({ path: join(ARTIFACTS, 'consent-page.png'), fullPage: true });

      expect(await check(id, 'sms')).toMatchObject({
        allowed: false,
        reason: 'consent_withdrawn',
      });
      expect(await check(id, 'call')).toMatchObject({ allowed: true });
      const exported = await (
        await call(`/consent/export?customer_id=${id}`, undefined, compliance)
      ).json();
      expect(exported.changes[0]).toMatchObject({
        scope: 'sms',
        purpose: 'marketing',
        granted: false,
        source: 'customer_page',
        cue: 'consent page',
      });
      expect(exported.changes[0].text).toMatch(/^consent page, link [A-Za-z0-9_-]{12}$/);
      const [revoked] = await p.store.query<{ principal: string; role: string; target: string }>(
        "SELECT principal, role, target FROM audit_log WHERE action = 'consent.revoked'",
      );
      expect(revoked).toEqual({
        principal: `customer:${id}`,
        role: 'customer',
        target: `${id}:sms/marketing`,
      });

      // Withdraw all: every channel and purpose stops, and no button is left.
      await page.waitForTimeout(600); // within the link's rate of withdrawals
      // Already on ?done=1: wait for the button itself to go with the old page.
      const all = page.locator('button.all');
      await all.tap();
      await all.waitFor({ state: 'detached' });
      await page.waitForLoadState();
      const states = await page
        .locator('.state')
        .evaluateAll((els) => els.map((e) => e.getAttribute('data-state')));
      expect(states).toHaveLength(8);
      for (const s of states) expect(['refused', 'withdrawn']).toContain(s);
      expect(await page.locator('button').count()).toBe(0);
      expect(await check(id, 'call')).toMatchObject({ allowed: false });
      expect(await check(id, 'email')).toMatchObject({ allowed: false });
      await context.close();
    },
  );

  it.skipIf(!HAS_CHROMIUM)('an expired or tampered link shows a page that says so', async () => {
    const context = await browser!.newContext({ viewport: PHONE, isMobile: true });
    const page = await context.newPage();
    const expired = await page.goto(`${p.url}/c/${tokenFor('cust-page-2', 1_000_000_000)}`);
    expect(expired!.status()).toBe(410);
    expect(await page.locator('h1').innerText()).toContain('此链接已过期');
    const { path } = await linkFor('cust-page-2');
    const tampered = path.replace(/.$/, (c) => (c === 'A' ? 'B' : 'A'));
    const forged = await page.goto(`${p.url}${tampered}`);
    expect(forged!.status()).toBe(403);
    expect(await page.locator('h1').innerText()).toContain('此链接无效');
    const junk = await page.goto(`${p.url}/c/not-a-token`);
    expect(junk!.status()).toBe(403);
    expect(await page.content()).not.toMatch(/at .*\.ts:\d+|Error:/);
    await context.close();
  });

  it('the withdraw route refuses a bad body (400), a bad token (403), an expired one (410)', async () => {
    const fresh = async () => `/c/${tokenFor(`cust-page-${randomUUID().slice(0, 8)}`, 4e9)}`;
    for (const body of ['channel=fax', 'channel=sms&purpose=spam', 'channel=sms&x=1', ''])
      expect((await withdrawForm(await fresh(), body)).status, body).toBe(400);
    expect(
      (await withdrawForm(await fresh(), '{"channel":"sms"}', 'application/json')).status,
    ).toBe(400);
    expect(
      (await withdrawForm(await fresh(), `channel=sms&purpose=${'x'.repeat(600)}`)).status,
    ).toBe(413);
    expect(
      (await withdrawForm('/c/Y3VzdC0x.4000000000.AAAAAAAAAAAAAAAAAAAAAA', 'channel=sms')).status,
    ).toBe(403);
    const expired = `/c/${tokenFor('cust-page-3', 1_000_000_000)}`;
    expect((await withdrawForm(expired, 'channel=sms')).status).toBe(410);
    expect((await fetch(`${p.url}/c/%E0`)).status).toBe(400);
    // A good one answers 303 to the page; a second tap records nothing new.
    const id = 'cust-page-4';
    const { path } = await linkFor(id);
    const first = await withdrawForm(path, 'channel=wechat&purpose=marketing');
    expect(first.status).toBe(303);
    const back = new URL(first.headers.get('location')!, `${p.url}${path}/withdraw`);
    expect(`${back.pathname}${back.search}`).toBe(`${path}?done=1`);
    await new Promise((r) => setTimeout(r, 600));
    expect((await withdrawForm(path, 'channel=wechat&purpose=marketing')).status).toBe(303);
    const rows = await p.store.query<{ n: bigint }>(
      'SELECT count(*) AS n FROM consent_changes WHERE customer_id = ?',
      [id],
    );
    expect(Number(rows[0]!.n)).toBe(1);
  });

  it('limits withdrawals per link (429 with Retry-After), never queued', async () => {
    const path = `/c/${tokenFor('cust-page-5', 4e9)}`;
    const answers = [];
    for (let i = 0; i < 4; i++) answers.push(await withdrawForm(path, 'channel=email'));
    const limited = answers.find((a) => a.status === 429);
    expect(limited).toBeDefined();
    expect(Number(limited!.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
  });
});
