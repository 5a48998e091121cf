import { describe, expect, it } from 'vitest';
import { createFieldCipher } from '../../src/core/crypto.js';
import { parseEvent, type DialwiseEvent } from '../../src/core/events/index.js';
import { addVisit, leadScore, visitWeight, type LeadSignals } from '../../src/models/lead-score.js';
import { intentScoreAt } from '../../src/pipelines/index.js';
import { consentState } from '../../src/core/contact-record.js';
import { consentRow } from '../../src/pipelines/sinks/rows.js';
import { eventFixtures } from '../helpers/fixtures.js';
import { keywordEnricher } from '../helpers/enricher.js';

const fx = eventFixtures();
let n = 0;
const ev = (type: string, patch: Record<string, unknown> = {}): DialwiseEvent => {
  const r = parseEvent({ ...fx.get(type), event_id: `speech-event-${++n}`, ...patch });
  if (!r.ok) throw new Error(r.reason);
  return r.event;
};
const NOW = Date.parse('2026-11-21T12:00:00Z');
const at = (minutesAgo: number) => new Date(NOW - minutesAgo * 60_000).toISOString();
const DAY = 86_400_000;

describe('the intent score uses behaviour', () => {
  const none: LeadSignals = { dialog: 0, dialogAt: null, engagement: 0, engagementAt: null };

  it.each([
    [{ page: '/pricing' }, 0.3],
    [{ page: '/产品/价格' }, 0.3],
    [{ page: '/blog/post' }, 0.08],
    [{ page: '/pricing', durationS: 120 }, 0.38],
    [{ page: '/pricing', durationS: 3600 }, 0.42], // time on page is capped
    [{ page: '/blog/post', source: 'wechat' }, 0.18],
    [{ page: '/blog/post', source: 'email' }, 0.14],
  ])('visit %j weighs %s', (visit, weight) => {
    expect(visitWeight(visit)).toBeCloseTo(weight, 5);
  });

  it('fades: a pricing visit counts an eighth after three half-lives (9 days)', () => {
    const s = addVisit(none, { page: '/pricing' }, new Date(NOW).toISOString());
    const fresh = 1 - leadScore(s, NOW);
    const old = 1 - leadScore(s, NOW + 9 * DAY);
    expect(Math.log(old) / Math.log(fresh)).toBeCloseTo(1 / 8, 2);
  });

  it('adds up the same whatever order the visits arrive in', () => {
    const visits = [
      [{ page: '/pricing' }, at(600)],
      [{ page: '/docs', durationS: 300 }, at(30)],
      [{ page: '/pricing', source: 'email' }, at(2000)],
    ] as const;
    const forward = visits.reduce((s, [v, ts]) => addVisit(s, v, ts), none);
    const backward = [...visits].reverse().reduce((s, [v, ts]) => addVisit(s, v, ts), none);
    expect(leadScore(forward, NOW)).toBeCloseTo(leadScore(backward, NOW), 6);
  });

  it('a lead who just viewed pricing outranks one who just complained', () => {
    const e = keywordEnricher({ dedupeWindow: 16, latenessMs: 3_600_000 });
    const started = ev('call.started', { customer_id: 'angry', ts: at(20) });
    const callId = (started as { call_id: string }).call_id;
    e.apply(
      [
        started,
        ev('call.answered', { customer_id: 'angry', call_id: callId, ts: at(19) }),
        ev('dialog.turn', {
          customer_id: 'angry',
          call_id: callId,
          turn: 1,
          speaker: 'customer',
          text: '我要投诉你们，服务太差了',
          ts: at(18),
        }),
        ev('web.visit', { customer_id: 'keen', page: '/pricing', duration_s: 240, ts: at(5) }),
      ],
      NOW,
    );
    const keen = intentScoreAt(e.profiles.get('keen')!, NOW);
    const angry = intentScoreAt(e.profiles.get('angry')!, NOW);
    expect(keen).toBeGreaterThan(angry);
    expect(keen).toBeGreaterThan(0.3);
  });
});

describe('a spoken opt-out revokes call consent with its evidence', () => {
  const call = (customer: string) => {
    const started = ev('call.started', { customer_id: customer, ts: at(10) });
    return { started, callId: (started as { call_id: string }).call_id };
  };
  const say = (customer: string, callId: string, speaker: string, text: string, turn = 1) =>
    ev('dialog.turn', { customer_id: customer, call_id: callId, turn, speaker, text, ts: at(9) });

  it.each([
    ['customer', '你们烦不烦 我要投诉 以后别再打过来了', 'call_turn'],
    ['customer', 'stop calling me, take me off your list', 'call_turn'],
    ['agent', '好的，已经把您的号码移出名单，以后不会再给您打电话了', 'agent'],
  ])('%s: %s', (speaker, text, source) => {
    const e = keywordEnricher({ dedupeWindow: 16, latenessMs: 3_600_000 });
    const { started, callId } = call('c-oo');
    const turn = say('c-oo', callId, speaker, text);
    const out = e.apply([started, turn], NOW);
    expect(consentState(e.profiles.get('c-oo')!.consent, 'call', 'marketing').state).toBe(
      'refused',
    );
    expect(out.consents).toHaveLength(1);
    expect(out.consents[0]).toMatchObject({
      scope: 'call',
      granted: false,
      event_id: `${turn.event_id}:opt-out`,
      evidence: { source, call_id: callId, event_id: turn.event_id, text },
    });
    // At rest the utterance is sealed.
    const cipher = createFieldCipher(Buffer.alloc(32, 7).toString('base64'));
    const row = consentRow(out.consents[0]!, cipher);
    expect(row.text_enc).not.toContain(text.slice(0, 4));
    expect(cipher.decrypt(row.text_enc!)).toBe(text);
  });

  it.each([
    ['customer', '这周别打了 下周一再联系'],
    ['customer', '不需要 谢谢'],
    ['customer', '我没说不让你们打'],
    ['agent', '请问以后还能联系您吗'],
    ['bot', '好的，已记录您的要求，今后不再致电打扰，再见。'],
  ])('%s: %s leaves consent alone', (speaker, text) => {
    const e = keywordEnricher({ dedupeWindow: 16, latenessMs: 3_600_000 });
    const { started, callId } = call('c-ok');
    const out = e.apply([started, say('c-ok', callId, speaker, text)], NOW);
    expect(e.profiles.get('c-ok')!.consent).toEqual({});
    expect(out.consents).toHaveLength(0);
  });
});
