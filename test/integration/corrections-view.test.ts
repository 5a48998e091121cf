// Corrections end to end: the platform in-process, the built dashboard in
// headless Chromium. An agent's key opens only the Corrections view, picks
// a stored call, fixes a customer turn's text, intent (from the served
// model's labels only) and a slot, and sees what changed; the correction
// goes through the pipeline and changes the next retrain's training set
// (the corrections it exports, folded into the configured data as the
// intent kind folds them). Unknown labels and slots, empty corrections and
// other roles are refused; what the event bounds refuse is dead-lettered.
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey } from '../../src/api/index.js';
import type { Platform } from '../../src/app/index.js';
import { normalizeText } from '../../src/datasets/report.js';
import type { TextRecord } from '../../src/datasets/text-record.js';
import { INTENT_TAXONOMY } from '../../src/models/intent-taxonomy.js';
import { loadRetrainPlan, readCorrections } from '../../src/training/index.js';
import { withCorrections } from '../../src/training/corrections.js';
import { loadRecords } from '../../src/training/text/text-commands.js';
import {
  ARTIFACTS,
  ensureDashboardBuilt,
  launchChromium,
  requireChromium,
  signedIn,
} from '../helpers/browser.js';
import { gql } from '../helpers/gql.js';
import { startTestPlatform } from '../helpers/platform.js';
import { rest } from '../helpers/rest.js';

const CALL = 'call-corrections-view';
const CUSTOMER = 'cust-corrections-view';
const HEARD = '下周再打给我吧，预算大概十万';
const MEANT = '这个理财产品多少钱，预算大概二十万';

const ev = (id: string, extra: object) => ({
  event_id: `corrections-view-${id}`,
  ts: new Date().toISOString(),
  schema_version: 1,
  customer_id: CUSTOMER,
  call_id: CALL,
  ...extra,
});
const turn = (n: number, speaker: string, text: string) =>
  ev(`turn-${n}`, { type: 'dialog.turn', turn: n, speaker, text, asr_confidence: 0.7 });

const SUBMIT = `mutation($callId: ID!, $turn: Int!, $text: String, $intent: String, $slots: [SlotInput!]) {
  submitCorrection(callId: $callId, turn: $turn, text: $text, intent: $intent, slots: $slots) {
    eventId submittedBy correctedIntent
  }
}`;

describe.skipIf(!requireChromium('corrections-view.test'))('corrections view', () => {
  let p: Platform;
  let browser: Browser;
  let page: Page | undefined;
  let errors: string[] = [];
  const keys = { agent: '', analyst: '' };
  const plan = loadRetrainPlan('config/retrain.json');
  let base: TextRecord[];

  /** The next retrain's intent training set: the configured data with the stored corrections folded in. */
  const trainingSet = async () => {
    const { records } = await readCorrections(p.store, 'corrections-view test');
    return { records, set: withCorrections(base, records, plan.correctionWeight) };
  };

  beforeAll(async () => {
    ensureDashboardBuilt();
    p = await startTestPlatform();
    keys.agent = await createApiKey(p.store, 'agent-li', 'agent');
    keys.analyst = await createApiKey(p.store, 'ana-corr', 'analyst');
    const res = await rest(p.url, p.adminKey!, '/events', [
      ev('start', {
        type: 'call.started',
        campaign_id: 'spring',
        script_id: 's',
        script_version: 'v1',
        handled_by: 'bot',
        region: 'east',
        product_line: 'wealth',
      }),
      turn(1, 'bot', '您好，我是智能顾问助理。'),
      turn(2, 'customer', HEARD),
      turn(3, 'bot', '好的，我们下周联系您。'),
    ]);
    expect(res.status).toBe(202);
    base = await loadRecords(plan.intent.train);
    browser = await launchChromium();
  });

  afterEach(async () => {
    await page?.context().close();
    page = undefined;
    const seen = errors;
    errors = [];
    // The browser logs each 4xx it receives; the refusals tested are expected.
    expect(seen.filter((e) => !/status of 400/.test(e))).toEqual([]);
  });

  afterAll(async () => {
    await browser?.close();
    await p?.stop();
  });

  it('an agent corrects a turn in the browser, and the next retrain trains on it', async () => {
    const before = await trainingSet();
    expect(before.records.filter((r) => r.provenance.call_id === CALL)).toEqual([]);
    expect(before.set.some((r) => normalizeText(r.text) === normalizeText(MEANT))).toBe(false);

    page = await signedIn(browser, p.url, keys.agent, '#/corrections', errors);
    // An agent's key opens Corrections and nothing else.
    await expect(page.locator('[data-testid^="nav-"]').allTextContents()).resolves.toEqual([
      'Corrections',
    ]);
    await page.locator(`[data-testid="calls-to-correct"] a`, { hasText: CALL }).click();
    const row = page.getByTestId('turn-row-2');
    await expect(row.getByTestId('turn-text').textContent()).resolves.toBe(HEARD);
    await expect(page.getByTestId('edit-turn-1').count()).resolves.toBe(0); // the bot's line
    await page.getByTestId('edit-turn-2').click();

    // The intent picker offers the served model's labels (the keyword rules: the taxonomy) only.
    const offered = await page
      .locator('[data-testid="correct-intent"] option:not([value=""])')
      .evaluateAll((os) => os.map((o) => (o as HTMLOptionElement).value));
    expect(offered).toEqual(INTENT_TAXONOMY.labels);
    await expect(page.getByTestId('slot-budget').inputValue()).resolves.toMatch(/十万/);

    await page.getByTestId('correct-text').fill(MEANT);
    await page.getByTestId('correct-intent').selectOption('ask_price');
    await page.getByTestId('slot-budget').fill('二十万');
    await page.getByTestId('save-correction').click();
    await page.getByTestId('saved').waitFor();

    // What changed, original → corrected.
    const item = page.locator('[data-testid="correction-item"][data-turn="2"]');
    await expect(item.getByTestId('change-from').allTextContents()).resolves.toEqual([
      HEARD,
      expect.any(String),
      expect.stringMatching(/十万/),
    ]);
    await expect(item.getByTestId('change-to').allTextContents()).resolves.toEqual([
      MEANT,
      'ask_price',
      '二十万',
    ]);
    await expect(item.textContent()).resolves.toContain('agent-li');
    await expect(row.getByTestId('turn-intent').textContent()).resolves.toBe('ask_price');
    // The view shows the next retrain taking it.
    const record = page.locator(`[data-testid="retrain-record"][data-call="${CALL}"]`);
    await expect.poll(() => record.count()).toBe(1);
    await expect(record.textContent()).resolves.toContain('ask_price');
    await page.screenshot({ path: join(ARTIFACTS, 'dashboard-corrections.png') });

    const after = await trainingSet();
    const mine = after.records.filter((r) => r.provenance.call_id === CALL);
    expect(mine).toEqual([
      expect.objectContaining({
        text: MEANT,
        label: 'ask_price',
        slots: { budget: '二十万' },
        provenance: expect.objectContaining({
          turn: 2,
          submitted_by: ['agent-li'],
          original_text: HEARD,
        }),
      }),
    ]);
    const taught = after.set.filter((r) => normalizeText(r.text) === normalizeText(MEANT));
    expect(taught).toEqual(
      Array.from({ length: plan.correctionWeight }, () => ({ text: MEANT, label: 'ask_price' })),
    );
    expect(after.set.length).toBe(before.set.length + plan.correctionWeight);

    const audited = await p.store.query<{ action: string }>(
      `SELECT DISTINCT action FROM audit_log WHERE principal = 'agent-li' ORDER BY 1`,
    );
    expect(audited.map((a) => a.action)).toEqual(
      expect.arrayContaining(['corrections.read', 'correction.submit']),
    );
  });

  it('shows the server’s refusal in the editor and saves nothing', async () => {
    page = await signedIn(browser, p.url, keys.agent, `#/corrections/${CALL}`, errors);
    await page.getByTestId('edit-turn-2').click();
    await page.getByTestId('correct-text').fill('   ');
    await page.getByTestId('save-correction').click();
    await expect
      .poll(() => page!.getByTestId('turn-editor').getByRole('alert').textContent())
      .toMatch(/Not saved: the corrected text is empty/);
  });

  it('refuses unknown labels and slots, empty corrections and other roles', async () => {
    const submit = (vars: object, key = keys.agent) =>
      gql(p.url, SUBMIT, key, { callId: CALL, turn: 2, ...vars });
    const unknown = await submit({ intent: 'ask_pricee' });
    expect(unknown.status).toBe(400);
    expect(unknown.body.errors?.[0]?.extensions?.code).toBe('BAD_REQUEST');
    expect(unknown.body.errors?.[0]?.message).toMatch(/"ask_pricee" is not a label.*ask_price/);
    // Slot names are the schema's Slot enum: refused before any resolver runs.
    expect(
      (await submit({ slots: [{ name: 'mood', value: 'x' }] })).body.errors?.[0]?.message,
    ).toMatch(/"mood" does not exist in "Slot" enum/);
    expect((await submit({})).body.errors?.[0]?.message).toMatch(/an empty correction/);
    const botLine = await submit({ turn: 1, intent: 'ask_price' });
    expect(botLine.body).toEqual({ data: { submitCorrection: null } });
    const denied = await submit({ intent: 'ask_price' }, keys.analyst);
    expect(denied.status).toBe(403);
    // An agent of another campaign neither sees the call nor corrects it.
    const other = await createApiKey(p.store, 'agent-autumn', 'agent', { campaigns: ['autumn'] });
    const seen = await gql(p.url, `{ correctionCall(callId: "${CALL}") { callId } }`, other);
    expect(seen.body).toEqual({ data: { correctionCall: null } });
    expect((await submit({ intent: 'ask_price' }, other)).body).toEqual({
      data: { submitCorrection: null },
    });
    expect(
      await p.store.query('SELECT 1 FROM corrections WHERE submitted_by = ?', ['agent-autumn']),
    ).toEqual([]);
    // A raw event with a label the served model lacks is refused at POST /events too.
    const raw = await rest(p.url, p.adminKey!, '/events', [
      ev('raw-typo', {
        type: 'correction.submitted',
        turn: 2,
        corrected_intent: '问价格',
        submitted_by: 'someone',
      }),
    ]);
    expect(raw.status).toBe(400);
    expect(JSON.stringify(await raw.json())).toMatch(/"问价格\\" is not a label/);
    // Dead-lettered with its reason, never stored as a correction.
    const [dead] = await p.store.query<{ reason: string }>(
      `SELECT reason FROM dead_letters WHERE contains(payload, 'corrections-view-raw-typo')`,
    );
    expect(dead?.reason).toMatch(/"问价格" is not a label of the served intent model/);
  });

  it('dead-letters what the event bounds refuse, like POST /events', async () => {
    const dead = async () =>
      (await p.store.query<{ n: number }>('SELECT count(*)::INTEGER AS n FROM dead_letters'))[0]!.n;
    const was = await dead();
    const res = await gql(p.url, SUBMIT, keys.agent, {
      callId: CALL,
      turn: 2,
      slots: [{ name: 'competitor', value: '某'.repeat(200) }],
    });
    expect(res.status).toBe(400);
    expect(res.body.errors?.[0]?.message).toMatch(/corrected_slots/);
    await expect.poll(dead).toBe(was + 1);
    const stored = await p.store.query<{ n: number }>(
      `SELECT count(*)::INTEGER AS n FROM corrections WHERE call_id = ?`,
      [CALL],
    );
    expect(stored[0]!.n).toBe(1);
  });
});
