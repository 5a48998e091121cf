/**
 * The call timeline in Chromium: a call driven through the decision API on
 * a clock the test moves (turns 2, 7 and 12 s into the call), its recording
 * uploaded by the dialer; the compliance view shows the turns with the
 * decisions and their reasons between them, plays the recording from the
 * turn clicked, and a keyword search hit opens the call at its moment.
 */
import { randomUUID } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey } from '../../src/api/index.js';
import type { Platform } from '../../src/app/index.js';
import { systemClock, type Clock } from '../../src/core/clock.js';
import {
  ARTIFACTS,
  ensureDashboardBuilt,
  launchChromium,
  requireChromium,
  signedIn,
} from '../helpers/browser.js';
import { eventually } from '../helpers/eventually.js';
import { eventFixtures } from '../helpers/fixtures.js';
import { startTestPlatform } from '../helpers/platform.js';
import { rest } from '../helpers/rest.js';
import { toneWav } from '../helpers/wav.js';

const CALL = 'timeline-1';
const SAID = [
  { at: 2, text: '喂，你好，哪位' },
  { at: 7, text: '你们这个理财利率是多少' },
  { at: 12, text: '我再考虑考虑吧' },
];

describe.runIf(requireChromium('call-timeline.test'))('call timeline with the recording', () => {
  const t0 = Date.now() - 120_000;
  let offset = 0;
  // The wall clock moved to where the test is in the call: timers run as usual.
  const clock: Clock = { ...systemClock, now: () => Date.now() + offset };
  const moveTo = (s: number) => (offset = t0 + s * 1000 - Date.now());
  let p: Platform;
  let browser: Browser;
  let page: Page | undefined;
  let compliance: string;
  const errors: string[] = [];

  beforeAll(async () => {
    ensureDashboardBuilt();
    await mkdir(ARTIFACTS, { recursive: true });
    p = await startTestPlatform({ DIALWISE_SIM_RATE: '0' }, { clock });
    compliance = await createApiKey(p.store, 'timeline-compliance', 'compliance');
    moveTo(0);
    const started = await rest(p.url, p.adminKey, '/events', {
      ...eventFixtures().get('call.started'),
      event_id: randomUUID(),
      ts: new Date(clock.now()).toISOString(),
      customer_id: 'cust-timeline',
      call_id: CALL,
    });
    expect(started.status).toBe(202);
    for (const s of SAID) {
      moveTo(s.at);
      const res = await rest(p.url, p.adminKey, '/dialog/turn', {
        call_id: CALL,
        customer_id: 'cust-timeline',
        text: s.text,
        asr_confidence: 0.9,
      });
      expect(res.status, await res.clone().text()).toBe(200);
    }
    const up = await fetch(`${p.url}/calls/${CALL}/recording`, {
      method: 'POST',
      headers: { authorization: `Bearer ${p.adminKey}`, 'content-type': 'audio/wav' },
      body: new Uint8Array(toneWav(16)),
    });
    expect(up.status, await up.clone().text()).toBe(201);
    await eventually(async () => {
      const [n] = await p.store.query<{ turns: bigint; decisions: bigint }>(
        `SELECT (SELECT count(*) FROM turns WHERE call_id = ?) AS turns,
          (SELECT count(*) FROM decisions WHERE call_id = ?) AS decisions`,
        [CALL, CALL],
      );
      expect([Number(n!.turns), Number(n!.decisions)]).toEqual([6, 3]);
    });
    browser = await launchChromium(['--autoplay-policy=no-user-gesture-required']);
  });
  afterEach(async () => {
    await page?.context().close();
    expect(errors.splice(0), 'browser console errors').toEqual([]);
  });
  afterAll(async () => {
    await browser?.close();
    await p?.stop();
  });

  const audioState = () =>
    page!
      .getByTestId('call-audio')
      .evaluate((a: HTMLAudioElement) => ({ t: a.currentTime, paused: a.paused, d: a.duration }));

  it('shows turns, decisions and reasons, and plays the recording from the turn clicked', async () => {
    page = await signedIn(browser, p.url, compliance, `#/compliance/call/${CALL}`, errors);
    const panel = page.locator(`[data-testid="transcript-panel"][data-call="${CALL}"]`);
    await panel.getByTestId('turn').first().waitFor();
    await expect(panel.getByTestId('turn').count()).resolves.toBe(6);
    const decisions = panel.getByTestId('timeline-decision');
    await expect(decisions.count()).resolves.toBe(3);
    await expect(decisions.first().textContent()).resolves.toMatch(/→/);
    // Each turn has its moment in the recording: the customer's last words 12 s in.
    const plays = panel.getByTestId('play-turn');
    await expect(plays.count()).resolves.toBe(6);
    const last = panel.locator('[data-testid="turn"].is-customer').last();
    await expect(last.getByTestId('play-turn').textContent()).resolves.toContain('0:12');
    await last.getByTestId('play-turn').click();
    await eventually(async () => {
      const s = await audioState();
      expect(s.d).toBeCloseTo(16, 1);
      expect(s.paused).toBe(false);
      expect(s.t).toBeGreaterThanOrEqual(12);
      expect(s.t).toBeLessThan(15);
    }, 10_000);
    await page.screenshot({ path: join(ARTIFACTS, 'dashboard-call-timeline.png') });
    // The audio came over the API once, and that read is audited.
    const reads = await p.store.query(
      `SELECT 1 FROM audit_log WHERE action = 'recordings.read' AND target = ? AND principal = ?`,
      [CALL, 'timeline-compliance'],
    );
    expect(reads).toHaveLength(1);
  });

  it('opens a keyword search hit at its moment in the recording', async () => {
    page = await signedIn(browser, p.url, compliance, '#/compliance', errors);
    await page.getByTestId('tab-search').click();
    await page.getByTestId('search-text').fill('利率');
    await eventually(async () => {
      await page!.getByTestId('search-submit').click();
      await page!
        .locator(`[data-testid="search-hit"][data-call="${CALL}"]`)
        .first()
        .waitFor({ timeout: 1_000 });
    }, 15_000);
    await page.locator(`[data-testid="search-hit"][data-call="${CALL}"] button`).first().click();
    await page
      .locator(`[data-testid="transcript-panel"][data-call="${CALL}"] mark`)
      .first()
      .waitFor();
    await eventually(async () => {
      const s = await audioState();
      expect(s.t).toBeCloseTo(7, 1);
      expect(s.paused).toBe(true);
    }, 10_000);
  });
});
