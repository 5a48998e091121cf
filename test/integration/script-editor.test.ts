// Script authoring end to end: the platform in-process, the built dashboard in
// headless Chromium (playwright-core, /usr/bin/chromium). A line with 保本 is
// refused in the editor as it is typed and cannot be submitted (nor sent to
// the server by hand); an analyst's clean draft, approved by a compliance
// key, is what POST /dialog/turn starts new calls on; a rollback returns to
// the version before; drafts and the current version outlive a restart.
import { randomUUID } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey } from '../../src/api/index.js';
import type { Platform } from '../../src/app/index.js';
import {
  ARTIFACTS,
  ensureDashboardBuilt,
  launchChromium,
  requireChromium,
  signedIn,
} from '../helpers/browser.js';
import { allDayDecisionConfig } from '../helpers/decision-config.js';
import { gql } from '../helpers/gql.js';
import { startTestPlatform } from '../helpers/platform.js';
import { rest } from '../helpers/rest.js';
import { tmpDir } from '../helpers/tmp.js';

const HAS_CHROMIUM = requireChromium('script-editor.test');

const SHIPPED = '2026-12-06';
const DRAFT = `2026-12-13-${randomUUID().slice(0, 6)}`;
/** The opening's fallback variant: what a customer without tags hears first. */
const LINE = 'line-opening-standard-concise';
const RISKY = '您好，我们的理财产品保本，收益稳定，方便说两句吗？';
const CLEAN = '您好，我是智能顾问助理，就占您一分钟，现在方便吗？';

describe.skipIf(!HAS_CHROMIUM)('script editor in the dashboard', () => {
  const dataDir = tmpDir();
  const decisionDir = allDayDecisionConfig();
  const env = { DIALWISE_DATA_DIR: dataDir, DIALWISE_DECISION_CONFIG: decisionDir };
  let p: Platform;
  let browser: Browser;
  let page: Page;
  const keys = { analyst: '', compliance: '' };
  let pageErrors: string[] = [];

  /** A new call's first turn: the script version it starts on, and its line. */
  const newCall = async () => {
    const res = await rest(p.url, p.adminKey, '/dialog/turn', {
      call_id: `call-${randomUUID()}`,
      customer_id: 'cust-script-1',
      campaign_id: 'spring',
      product_line: 'loan',
      text: '你好',
      asr_confidence: 0.92,
    });
    expect(res.status).toBe(200);
    return (await res.json()) as {
      script_version: string;
      text: string;
      variant: string;
      concise: boolean;
    };
  };

  async function openScripts(key: string): Promise<Page> {
    const pg = await signedIn(browser, p.url, key, '#/scripts', pageErrors);
    await pg.getByTestId(`script-version-${SHIPPED}`).waitFor();
    return pg;
  }

  beforeAll(async () => {
    ensureDashboardBuilt();
    await mkdir(ARTIFACTS, { recursive: true });
    p = await startTestPlatform({ ...env, DIALWISE_SIM_RATE: '0' });
    keys.analyst = await createApiKey(p.store, 'ana', 'analyst');
    keys.compliance = await createApiKey(p.store, 'comp', 'compliance');
    expect(
      (
        await rest(p.url, p.adminKey, '/customer/update', {
          customer_id: 'cust-script-1',
          fields: { 行业: '制造业' },
        })
      ).status,
    ).toBe(202);
    browser = await launchChromium();
  });
  afterEach(async () => {
    await page?.context().close();
    const errors = pageErrors;
    pageErrors = [];
    expect(errors, 'browser console errors').toEqual([]);
  });
  afterAll(async () => {
    await browser?.close();
    await p?.stop();
  });

  it('refuses a line with 保本 as it is typed: shown inline, and it cannot be submitted', async () => {
    page = await openScripts(keys.analyst);
    await page.getByTestId(`script-edit-${SHIPPED}`).click();
    await page.getByTestId('draft-version').fill(DRAFT);
    const line = page.getByTestId(LINE);
    await line.fill('');
    await line.pressSequentially(RISKY, { delay: 20 });
    const refusal = page.getByTestId('line-refusal');
    await refusal.waitFor();
    expect(await refusal.textContent()).toContain('保本');
    expect(await refusal.textContent()).toContain('principal_guarantee');
    // The rule's compliant wording (config/compliance.json say_instead).
    expect(await refusal.textContent()).toContain('不承诺保本');
    expect(await line.getAttribute('aria-invalid')).toBe('true');
    expect(await page.getByTestId('draft-submit').isDisabled()).toBe(true);
    expect(await page.getByTestId('draft-status').textContent()).toMatch(/1 line refused/);
    await page.screenshot({ path: join(ARTIFACTS, 'scripts-refused-line.png') });

    // Not only the page: the server refuses the same draft sent by hand.
    const library = JSON.parse(
      (
        await gql(p.url, '{ scriptVersions { version library } }', keys.analyst)
      ).body.data!.scriptVersions.find((v: any) => v.version === SHIPPED).library,
    );
    library.version = `${DRAFT}-by-hand`;
    library.nodes.opening.variants.find((v: any) => v.id === 'standard').concise = RISKY;
    const byHand = await gql(
      p.url,
      'mutation($l: String!) { proposeScripts(library: $l) { id } }',
      keys.analyst,
      { l: JSON.stringify(library) },
    );
    expect(byHand.body.errors?.[0]?.message).toMatch(
      /nodes\.opening\.standard\.concise: not compliant \("保本", principal_guarantee\)/,
    );
    expect(byHand.body.errors?.[0]?.extensions?.code).toBe('BAD_REQUEST');

    // Reworded: allowed, and it goes for review.
    await line.fill(CLEAN);
    await expect.poll(() => page.getByTestId('line-refusal').count()).toBe(0);
    await expect.poll(() => page.getByTestId('draft-submit').isEnabled()).toBe(true);
    await page.getByTestId('draft-submit').click();
    await expect
      .poll(() => page.getByTestId('scripts-notice').textContent())
      .toContain(`Draft ${DRAFT} is waiting for review`);
    // The analyst sees the draft but no way to approve it.
    await page.getByTestId(`draft-changes-${DRAFT}`).waitFor();
    expect(await page.getByTestId(`draft-approve-${DRAFT}`).count()).toBe(0);
  });

  it('rolls out a draft a compliance key approves, and rolls back to the version before', async () => {
    expect((await newCall()).script_version).toBe(SHIPPED);
    // No one approves their own draft, an admin included.
    const own = await gql(
      p.url,
      'mutation($l: String!) { proposeScripts(library: $l) { id } }',
      p.adminKey,
      { l: JSON.stringify({ ...(await shippedLibrary()), version: `${DRAFT}-own` }) },
    );
    const ownId = own.body.data!.proposeScripts.id;
    const self = await gql(p.url, `mutation { approveScripts(id: "${ownId}") { id } }`, p.adminKey);
    expect(self.body.errors?.[0]).toMatchObject({ extensions: { code: 'FORBIDDEN' } });
    expect(self.body.errors?.[0]?.message).toMatch(/someone else/);

    page = await openScripts(keys.compliance);
    await page.getByTestId(`draft-changes-${DRAFT}`).click();
    const changes = page.getByTestId('script-changes');
    await changes.waitFor();
    expect(await changes.textContent()).toContain(CLEAN);
    await page.getByTestId(`draft-approve-${DRAFT}`).click();
    await expect
      .poll(() => page.getByTestId('scripts-notice').textContent())
      .toContain(`Draft ${DRAFT} approved`);
    await expect
      .poll(() => page.getByTestId(`script-version-${DRAFT}`).textContent())
      .toContain('current');
    await page.screenshot({ path: join(ARTIFACTS, 'scripts-approved.png') });

    const fresh = await newCall();
    expect(fresh.script_version).toBe(DRAFT);
    expect(fresh.variant).toBe('standard');
    // The reworded line where the call's tone is concise (drawn per industry).
    if (fresh.concise) expect(fresh.text).toBe(CLEAN);

    await page.getByTestId(`script-diff-${SHIPPED}`).click();
    await expect.poll(() => page.getByTestId('script-changes').textContent()).toContain(CLEAN);
    await page.getByTestId(`script-rollback-${SHIPPED}`).click();
    await expect
      .poll(() => page.getByTestId('scripts-notice').textContent())
      .toContain(`${SHIPPED} is current again`);
    expect((await newCall()).script_version).toBe(SHIPPED);

    const audit = await p.store.query<{ principal: string; action: string }>(
      "SELECT principal, action FROM audit_log WHERE action LIKE 'scripts.%' ORDER BY ts",
    );
    expect(audit.map((a) => `${a.principal} ${a.action}`)).toEqual(
      expect.arrayContaining([
        'ana scripts.propose',
        'comp scripts.approve',
        'comp scripts.rollback',
        'local-admin scripts.approve.refused',
      ]),
    );
  });

  it('keeps the drafts, their reviews and the current version across a restart', async () => {
    await p.stop();
    p = await startTestPlatform({ ...env, DIALWISE_SIM_RATE: '0' });
    const { body } = await gql(
      p.url,
      '{ scriptVersions { version current } scriptDrafts { version status reviewedBy } }',
      keys.compliance,
    );
    expect(body.data!.scriptVersions[0]).toEqual({ version: SHIPPED, current: true });
    expect(body.data!.scriptVersions.map((v: any) => v.version)).toContain(DRAFT);
    expect(body.data!.scriptDrafts).toEqual(
      expect.arrayContaining([{ version: DRAFT, status: 'approved', reviewedBy: 'comp' }]),
    );
    expect((await newCall()).script_version).toBe(SHIPPED);
  });

  async function shippedLibrary() {
    const { body } = await gql(p.url, '{ scriptVersions { version library } }', keys.analyst);
    return JSON.parse(body.data!.scriptVersions.find((v: any) => v.version === SHIPPED).library);
  }
});
