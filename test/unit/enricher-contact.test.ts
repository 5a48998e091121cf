import { describe, expect, it } from 'vitest';
import { consentState } from '../../src/core/contact-record.js';
import { parseEvent, type DialwiseEvent } from '../../src/core/events/index.js';
import { intentScoreAt } from '../../src/pipelines/index.js';
import { keywordEnricher } from '../helpers/enricher.js';
import { eventFixtures } from '../helpers/fixtures.js';

const fx = eventFixtures();
let n = 0;
const ev = (type: string, patch: Record<string, unknown> = {}): DialwiseEvent => {
  const r = parseEvent({ ...fx.get(type), event_id: `contact-event-${++n}`, ...patch });
  if (!r.ok) throw new Error(r.reason);
  return r.event;
};
const NOW = Date.parse('2026-11-21T12:00:00Z');
const C = 'cust-000042';
const enricher = () => keywordEnricher({ dedupeWindow: 16, latenessMs: 3_600_000 });

describe('the contact record in the pipeline', () => {
  it('counts touches of every channel once per id, calls included', () => {
    const e = enricher();
    const started = ev('call.started', { customer_id: C, ts: '2026-11-21T09:00:00+08:00' });
    const sent = ev('touch.sent');
    const again = ev('touch.sent'); // another event id, the same touch
    const out = e.apply([started, sent, again, ev('touch.delivered')], NOW);
    const p = e.profiles.get(C)!;
    expect(p.touches.map((t) => [t.channel, t.campaign, t.purpose])).toEqual([
      ['call', 'spring-promo', 'marketing'],
      ['sms', 'spring', 'marketing'],
    ]);
    // Every touch event is stored, the delivery receipt included.
    expect(out.touches.map((t) => t.type)).toEqual(['touch.sent', 'touch.sent', 'touch.delivered']);
  });

  it('a reply "退订" withdraws SMS consent at once, with the message as its proof', () => {
    const e = enricher();
    const grant = ev('consent.changed', {
      customer_id: C,
      scope: 'sms',
      granted: true,
      ts: '2026-11-20T10:00:00+08:00',
    });
    const reply = ev('touch.replied');
    const out = e.apply([grant, ev('touch.sent'), reply], NOW);
    const p = e.profiles.get(C)!;
    expect(consentState(p.consent, 'sms', 'marketing').state).toBe('withdrawn');
    expect(consentState(p.consent, 'call', 'marketing').state).toBe('unknown');
    expect(out.consents.at(-1)).toMatchObject({
      event_id: `${reply.event_id}:opt-out`,
      scope: 'sms',
      granted: false,
      evidence: { source: 'sms_reply', event_id: reply.event_id, text: '退订' },
    });
    expect(p).toMatchObject({ replies: 1, engagement: 0 });
  });

  it('"TD" on WeChat withdraws WeChat; a replayed reply records the change once', () => {
    const e = enricher();
    const reply = ev('touch.replied', { channel: 'wechat', text: 'TD' });
    const first = e.apply([reply], NOW);
    const second = e.apply([reply], NOW);
    expect(first.consents).toHaveLength(1);
    expect(first.consents[0]!.evidence?.source).toBe('wechat_reply');
    expect(second.consents).toHaveLength(0);
    expect(consentState(e.profiles.get(C)!.consent, 'wechat', 'marketing').state).toBe('refused');
  });

  it('an interested reply makes a hot lead; a plain one barely moves the score', () => {
    const hot = enricher();
    hot.apply([ev('touch.replied', { text: '多少钱？我想了解一下价格' })], NOW);
    const plain = enricher();
    plain.apply([ev('touch.replied', { text: '收到' })], NOW);
    const at = Date.parse('2026-11-21T10:31:00+08:00');
    const hotScore = intentScoreAt(hot.profiles.get(C)!, at);
    const plainScore = intentScoreAt(plain.profiles.get(C)!, at);
    expect(hotScore).toBeGreaterThan(0.6);
    expect(plainScore).toBeLessThan(0.15);
    expect(consentState(hot.profiles.get(C)!.consent, 'sms', 'marketing').state).toBe('unknown');
  });
});
