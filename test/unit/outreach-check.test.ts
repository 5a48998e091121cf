import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { foldConsent } from '../../src/core/contact-record.js';
import type { DialwiseEvent } from '../../src/core/events/index.js';
import {
  contactCheck,
  parseDialingRules,
  type DialingConfig,
} from '../../src/decision/dialing/index.js';
import type { CustomerView } from '../../src/decision/index.js';
import { PendingContacts } from '../../src/decision/engine/pending-contacts.js';
import { customerView, ledger, touchesAt } from '../helpers/decision.js';

const raw = JSON.parse(readFileSync('config/dialing.json', 'utf8')) as DialingConfig;
const rules = parseDialingRules(raw);
// Wed 2026-03-11 10:00 Shanghai: inside the business calling windows and the message hours.
const NOW = Date.parse('2026-03-11T02:00:00Z');
const H = 3_600_000;
const ago = (...hours: number[]) => hours.map((h) => new Date(NOW - h * H).toISOString());
const customer = (over: Partial<CustomerView> = {}) =>
  customerView({ crm: { industry: 'software', timezone: 'Asia/Shanghai' }, ...over });
const check = (c: CustomerView, channel: 'call' | 'sms' | 'wechat' | 'email', more = {}) =>
  contactCheck(c, { channel, ...more }, NOW, rules);

describe('POST /outreach/check rules: one contact record across channels', () => {
  it('counts an SMS and two calls as three touches: the fourth is refused on every channel', () => {
    const c = customer({ touches: [...touchesAt(ago(30), 'sms'), ...touchesAt(ago(20, 2))] });
    for (const ch of ['call', 'sms', 'wechat', 'email'] as const)
      expect(check(c, ch)).toMatchObject({
        ok: false,
        reason: 'frequency_cap',
        detail: expect.stringContaining('3 touches in the last 7 days (limit 3)'),
      });
    const two = customer({ touches: [...touchesAt(ago(30), 'sms'), ...touchesAt(ago(2))] });
    expect(check(two, 'sms')).toEqual({ ok: true });
  });

  it('caps one channel inside the total: at most 2 calls in campaign sms-optin', () => {
    const c = customer({ consent: ledger({ all: true }), touches: touchesAt(ago(20, 2)) });
    expect(check(c, 'call', { campaignId: 'sms-optin' })).toMatchObject({
      ok: false,
      reason: 'channel_cap',
      detail: expect.stringContaining('2 call touches in the last 7 days (limit 2)'),
    });
    expect(check(c, 'sms', { campaignId: 'sms-optin' })).toEqual({ ok: true });
    // The default campaign allows 3 calls.
    expect(check(c, 'call')).toEqual({ ok: true });
  });

  it('service messages neither count nor are capped, and a register listing blocks marketing only', () => {
    const service = touchesAt(ago(1, 2, 3), 'sms').map((t) => ({
      ...t,
      purpose: 'service' as const,
    }));
    expect(check(customer({ touches: service }), 'call')).toEqual({ ok: true });
    const full = customer({ touches: touchesAt(ago(1, 2, 3), 'sms') });
    expect(check(full, 'sms', { purpose: 'service' })).toEqual({ ok: true });
    const listed = customer({ dncListed: { source: 'gov-dnc', listed_on: '2026-02-01' } });
    expect(check(listed, 'sms')).toEqual({
      ok: false,
      reason: 'do_not_call',
      detail: 'on the do-not-call register gov-dnc (listed 2026-02-01)',
    });
    expect(check(listed, 'sms', { purpose: 'service' })).toEqual({ ok: true });
  });

  it('opt-in campaigns refuse unknown consent; opt-out campaigns allow it', () => {
    const unknown = customer();
    expect(check(unknown, 'sms')).toEqual({ ok: true });
    expect(check(unknown, 'sms', { campaignId: 'sms-optin' })).toMatchObject({
      ok: false,
      reason: 'no_consent',
    });
    expect(check(unknown, 'sms', { campaignId: 'no-such-campaign' })).toEqual({ ok: true });
  });

  it('a withdrawal stops its channel, or every channel where the campaign says so', () => {
    const c = customer({ consent: ledger({ all: true, sms: false }, '2026-03-01T00:00:00Z') });
    // Same instant: the all-grant and the sms refusal tie, the refusal wins for sms only.
    expect(check(c, 'sms')).toMatchObject({ ok: false, reason: 'consent_refused' });
    expect(check(c, 'call')).toEqual({ ok: true });
    expect(check(c, 'call', { campaignId: 'sms-optin' })).toMatchObject({
      ok: false,
      reason: 'consent_refused',
    });
  });

  it('messages keep the campaign message hours in the customer zone; email has none', () => {
    const night = Date.parse('2026-03-11T14:00:00Z'); // 22:00 Shanghai
    const c = customer();
    for (const [ch, ok] of [
      ['sms', false],
      ['wechat', false],
      ['email', true],
      ['call', false],
    ] as const)
      expect(contactCheck(c, { channel: ch }, night, rules).ok).toBe(ok);
    expect(contactCheck(c, { channel: 'sms' }, night, rules)).toMatchObject({
      reason: 'outside_window',
      detail: expect.stringContaining('outside the message hours'),
    });
  });
});

describe('accepted events bind the next check before the pipeline applies them', () => {
  const base = {
    schema_version: 1 as const,
    customer_id: 'c-1',
    ts: new Date(NOW - H).toISOString(),
  };
  const sms = (n: number): DialwiseEvent => ({
    ...base,
    event_id: `sent-${n}`,
    type: 'touch.sent',
    touch_id: `sms-${n}`,
    channel: 'sms',
  });

  it('touches count once per id, consent changes fold in, the profile wins nothing twice', () => {
    const pending = new PendingContacts();
    const c = customer({
      customerId: 'c-1',
      touches: touchesAt(ago(5), 'sms').map((t) => ({ ...t, id: 'sms-1' })),
    });
    pending.note([sms(1), sms(2), sms(2)], NOW);
    const seen = pending.apply(c);
    expect(seen.touches.map((t) => t.id)).toEqual(['sms-1', 'sms-2']);
    pending.note(
      [{ ...base, event_id: 'w-1', type: 'consent.changed', scope: 'sms', granted: false }],
      NOW,
    );
    expect(contactCheck(pending.apply(c), { channel: 'sms' }, NOW, rules)).toMatchObject({
      ok: false,
      reason: 'consent_refused',
    });
    // Another customer is untouched.
    expect(pending.apply(customer({ customerId: 'c-2' })).touches).toEqual([]);
  });

  it("drops a customer's entry once the profile holds it, and binds what comes after", () => {
    const pending = new PendingContacts();
    const refusal = {
      ...base,
      event_id: 'w-2',
      type: 'consent.changed' as const,
      scope: 'sms' as const,
      granted: false,
    };
    pending.note([sms(3), refusal], NOW);
    const before = customer({ customerId: 'c-1' });
    const folded = pending.apply(before);
    expect(folded).not.toBe(before);
    expect(folded.touches.map((t) => t.id)).toEqual(['sms-3']);
    // The pipeline applied both: the profile itself is the answer, and stays so.
    const caughtUp = customer({
      customerId: 'c-1',
      consent: foldConsent({}, refusal),
      touches: folded.touches,
    });
    expect(pending.apply(caughtUp)).toBe(caughtUp);
    expect(pending.apply(before)).toBe(before);
    // A change that only the profile's later mark covers is caught up too.
    const older = { ...refusal, event_id: 'w-0', ts: new Date(NOW - 2 * H).toISOString() };
    pending.note([older], NOW);
    expect(pending.apply(caughtUp)).toBe(caughtUp);
    // What comes after binds the next check again.
    const grant = { ...refusal, event_id: 'g-1', ts: new Date(NOW).toISOString(), granted: true };
    pending.note([grant], NOW);
    expect(check(pending.apply(caughtUp), 'sms')).toEqual({ ok: true });
    expect(pending.apply(caughtUp)).not.toBe(caughtUp);
  });
});
