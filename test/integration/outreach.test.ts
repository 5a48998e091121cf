import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey } from '../../src/api/index.js';
import type { Platform } from '../../src/app/index.js';
import { eventFixtures } from '../helpers/fixtures.js';
import { rest } from '../helpers/rest.js';
import { startTestPlatform } from '../helpers/platform.js';

const fx = eventFixtures();

describe('one contact record over REST: touches, consent with proof, the register', () => {
  let p: Platform;
  let dialer: string;
  let compliance: string;
  const call = (path: string, body?: unknown, key = dialer) => rest(p.url, key, path, body);
  const now = () => new Date().toISOString();
  const send = async (type: string, patch: Record<string, unknown>) => {
    const res = await call('/events', {
      ...fx.get(type),
      event_id: randomUUID(),
      ts: now(),
      ...patch,
    });
    expect(res.status).toBe(202);
  };
  const check = async (body: Record<string, unknown>) => {
    const res = await call('/outreach/check', body);
    expect(res.status).toBe(200);
    return (await res.json()) as { allowed: boolean; reason: string | null; detail: string | null };
  };

  beforeAll(async () => {
    p = await startTestPlatform();
    dialer = await createApiKey(p.store, 'sms-gateway', 'dialer');
    compliance = await createApiKey(p.store, 'auditor', 'compliance');
  });
  afterAll(async () => p?.stop());

  it('a customer who replied "退订" is refused SMS on the next check, and calls where the campaign says so', async () => {
    const id = 'cust-out-1';
    await send('consent.changed', {
      customer_id: id,
      scope: 'sms',
      granted: true,
      evidence: { source: 'web_form', text: '我同意接收短信优惠信息' },
    });
    const sms = { customer_id: id, channel: 'sms', campaign_id: 'sms-optin' };
    expect(await check(sms)).toEqual({ allowed: true, reason: null, detail: null });
    // Opt-in: calls were never granted.
    expect(await check({ ...sms, channel: 'call' })).toMatchObject({
      allowed: false,
      reason: 'no_consent',
    });
    await send('touch.sent', { customer_id: id, touch_id: 'sms-1', campaign_id: 'sms-optin' });
    await send('touch.replied', { customer_id: id, touch_id: 'sms-1', text: '退订' });
    expect(await check(sms)).toMatchObject({ allowed: false, reason: 'consent_withdrawn' });
    // The default campaign (opt-out, a refusal stops its own channel): calls still allowed, SMS not.
    expect(await check({ customer_id: id, channel: 'call' })).toMatchObject({ allowed: true });
    expect(await check({ customer_id: id, channel: 'sms' })).toMatchObject({
      allowed: false,
      reason: 'consent_withdrawn',
    });
    // sms-optin: a refusal on any channel stops them all.
    await send('consent.changed', { customer_id: id, scope: 'call', granted: true });
    const later = await check({ ...sms, channel: 'call' });
    expect(later.allowed).toBe(true); // the call grant came after the SMS withdrawal
  });

  it('the cap counts an SMS and two calls as three touches', async () => {
    const id = 'cust-out-2';
    await send('touch.sent', { customer_id: id, touch_id: 'sms-cap-1' });
    for (const n of [1, 2])
      await send('call.started', { customer_id: id, call_id: `call-cap-${n}` });
    const refused = await check({ customer_id: id, channel: 'email' });
    expect(refused).toMatchObject({ allowed: false, reason: 'frequency_cap' });
    expect(refused.detail).toContain('3 touches in the last 7 days (limit 3)');
    const next = await (await call('/dialer/next', { limit: 50 })).json();
    expect(next.next.map((r: { customerId: string }) => r.customerId)).not.toContain(id);
    expect(next.skipped.frequency_cap).toBeGreaterThanOrEqual(1);
  });

  it('exports the ledger with the proof of each change, for compliance only, audited', async () => {
    const path = '/consent/export?customer_id=cust-out-1';
    expect((await call(path)).status).toBe(403);
    const res = await call(path, undefined, compliance);
    expect(res.status).toBe(200);
    const out = await res.json();
    expect(out.state).toContainEqual(
      expect.objectContaining({ channel: 'sms', purpose: 'marketing', state: 'withdrawn' }),
    );
    const sources = out.changes.map((c: { source: string; text: string | null }) => [
      c.source,
      c.text,
    ]);
    expect(sources).toContainEqual(['web_form', '我同意接收短信优惠信息']);
    expect(sources).toContainEqual(['sms_reply', '退订']);
    const audited = await p.store.query<{ action: string }>(
      "SELECT action FROM audit_log WHERE target = 'cust-out-1' AND action LIKE 'consent.export%'",
    );
    expect(audited.map((a) => a.action).sort()).toEqual([
      'consent.export',
      'consent.export.denied',
    ]);
  });

  it('a number on an imported do-not-call register is refused for marketing, on every channel', async () => {
    const res = await call(
      '/dnc/import',
      { source: 'gov-dnc', listed_on: '2026-12-01', phones: ['+86 138-0013-8000', 'no number'] },
      compliance,
    );
    expect(await res.json()).toEqual({ imported: 1, already: 0, invalid: [1] });
    const upd = await call('/customer/update', {
      customer_id: 'cust-out-3',
      fields: { phone: '13800138000' },
    });
    expect(upd.status).toBe(202);
    for (const channel of ['call', 'sms', 'wechat'])
      expect(await check({ customer_id: 'cust-out-3', channel })).toMatchObject({
        allowed: false,
        reason: 'do_not_call',
        detail: 'on the do-not-call register gov-dnc (listed 2026-12-01)',
      });
    expect(
      await check({ customer_id: 'cust-out-3', channel: 'sms', purpose: 'service' }),
    ).toMatchObject({ allowed: true });
  });

  it('refuses a bad check with a 400 that says why', async () => {
    const res = await call('/outreach/check', { customer_id: 'c', channel: 'fax' });
    expect(res.status).toBe(400);
    expect((await res.json()).error.message).toMatch(/channel/);
  });
});
