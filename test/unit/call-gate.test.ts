import { describe, expect, it } from 'vitest';
import { foldConsent, type ConsentLedger } from '../../src/core/contact-record.js';
import type { DialwiseEvent } from '../../src/core/events/index.js';
import { loadDialingRules, parseDialingRules } from '../../src/decision/dialing/index.js';
import { callGate, REFUSAL_LINE } from '../../src/decision/engine/call-gate.js';
import { AlertThrottle } from '../../src/decision/engine/dialing-gate.js';
import type { CustomerView } from '../../src/decision/index.js';
import { customerView, touchesAt } from '../helpers/decision.js';
import { engine, json, T0, turn } from '../helpers/decision-engine.js';

const rules = loadDialingRules('config/dialing.json');
const H = 3_600_000;
/** Wed 2026-03-11 22:00 in Shanghai: after the business windows. */
const NIGHT = T0 + 12 * H;
const ago = (...hours: number[]) => touchesAt(hours.map((h) => new Date(T0 - h * H).toISOString()));

/** Consent granted a month before, then refused: a withdrawal. */
const withdrawn: ConsentLedger = [
  { granted: true, ts: '2026-02-01T00:00:00Z' },
  { granted: false, ts: '2026-03-10T00:00:00Z' },
].reduce<ConsentLedger>(
  (l, c, i) => foldConsent(l, { scope: 'call', ...c, event_id: `e-${i}` }),
  {},
);
const refused = foldConsent(
  {},
  { scope: 'all', granted: false, ts: '2026-03-10T00:00:00Z', event_id: 'r' },
);

const who = (over: Partial<CustomerView> = {}) =>
  customerView({ crm: { industry: 'software', timezone: 'Asia/Shanghai' }, ...over });

describe('callGate: the dialing rules at a call turn', () => {
  // A table of cases: customer, call, time, the rule broken (null: the call goes on).
  it.each<
    [
      string,
      Partial<CustomerView>,
      { first?: boolean; at?: number; campaign?: string },
      string | null,
    ]
  >([
    ['within the rules', {}, {}, null],
    ['a 4th call in the week', { touches: ago(48, 24, 2) }, {}, 'frequency_cap'],
    [
      'the call’s own call.started does not count against it',
      { touches: [...ago(48, 24), { ...ago(0)[0]!, id: 'call-x' }] },
      {},
      null,
    ],
    [
      '3 others and its own: over the cap all the same',
      { touches: [...ago(48, 24, 2), { ...ago(0)[0]!, id: 'call-x' }] },
      {},
      'frequency_cap',
    ],
    ['outside the calling window', {}, { at: NIGHT }, 'outside_window'],
    ['marked do-not-call in the CRM', { doNotCall: true }, {}, 'do_not_call'],
    [
      'on the do-not-call register',
      { dncListed: { source: 'gov', listed_on: '2026-01-01' } },
      {},
      'do_not_call',
    ],
    ['consent withdrawn', { consent: withdrawn }, {}, 'consent_withdrawn'],
    ['consent refused', { consent: refused }, {}, 'consent_refused'],
    ['no consent under an opt-in campaign', {}, { campaign: 'sms-optin' }, 'no_consent'],
    // After the first turn only do-not-call and consent bind: a call begun legally may finish.
    ['a later turn over the cap', { touches: ago(48, 24, 2) }, { first: false }, null],
    ['a later turn after the window closed', {}, { first: false, at: NIGHT }, null],
    [
      'a later turn after a withdrawal',
      { consent: withdrawn },
      { first: false },
      'consent_withdrawn',
    ],
    ['a later turn after a do-not-call mark', { doNotCall: true }, { first: false }, 'do_not_call'],
  ])('%s', (_, over, call, rule) => {
    const verdict = callGate(
      who(over),
      { callId: 'call-x', campaignId: call.campaign, firstTurn: call.first ?? true },
      call.at ?? T0,
      rules,
    );
    expect(verdict.ok ? null : verdict.reason).toBe(rule);
    if (!verdict.ok) expect(verdict.detail).not.toBe('');
  });
});

describe('the engine at /dialog/turn, enforcing', () => {
  it('refuses a call over the cap: a polite end with the rule, recorded and alerted once', () => {
    const { e, emitted, logged, violations, alerts } = engine({
      customer: { touches: ago(48, 24, 2) },
    });
    const d = e.turn(turn('call-cap', '喂，你好'));
    expect(d).toMatchObject({
      action: 'end',
      text: REFUSAL_LINE,
      state: 'opening',
      reason: 'refused: frequency_cap',
      rule: 'frequency_cap',
    });
    expect(d.detail).toContain('3 touches in the last 7 days (limit 3)');
    // The session is over: a later turn answers the same refusal, recorded no second time.
    expect(e.turn(turn('call-cap', '你说什么？'))).toEqual(d);
    expect(violations).toEqual([
      {
        id: 'call-cap/frequency_cap',
        ts: new Date(T0).toISOString(),
        call_id: 'call-cap',
        customer_id: 'c-1',
        campaign_id: null,
        rule: 'frequency_cap',
        detail: d.detail,
        mode: 'refused',
      },
    ]);
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatch(
      /^Dialing rule frequency_cap: call call-cap to customer c-1 .* refused/,
    );
    // What was said is still recorded; no script line was chosen, so nothing is logged for experiments.
    const said = emitted.filter(
      (x): x is Extract<DialwiseEvent, { type: 'dialog.turn' }> => x.type === 'dialog.turn',
    );
    expect(said.map((t) => [t.speaker, t.turn, t.text])).toEqual([
      ['customer', 1, '喂，你好'],
      ['bot', 2, REFUSAL_LINE],
    ]);
    expect(logged).toEqual([]);
  });

  it('records no experiment reward for a refused call', () => {
    const { e } = engine({ customer: { doNotCall: true } });
    e.turn(turn('call-dnc', '你好'));
    const ended = {
      type: 'call.ended',
      call_id: 'call-dnc',
      customer_id: 'c-1',
      outcome: 'converted',
    };
    e.observe([ended as DialwiseEvent]);
    expect(e.experimentCells().reduce((n, c) => n + c.trials, 0)).toBe(0);
    // The same turn on an eligible call does count (the check above could fail).
    const ok = engine();
    ok.e.turn(turn('call-ok', '你好'));
    ok.e.observe([{ ...ended, call_id: 'call-ok' } as DialwiseEvent]);
    expect(ok.e.experimentCells().reduce((n, c) => n + c.trials, 0)).toBeGreaterThan(0);
  });

  it('a withdrawal mid-call binds the next turn; the closing window does not', () => {
    const me: Partial<CustomerView> = {};
    const { e, clock, violations } = engine({ customer: me });
    expect(e.turn(turn('call-mid', '你好')).action).toBe('say');
    clock.set(NIGHT);
    const late = e.turn(turn('call-mid', '是我'));
    expect(late.action).toBe('say');
    expect(late.rule).toBeUndefined();
    me.consent = withdrawn;
    const d = e.turn(turn('call-mid', '嗯，然后呢'));
    expect(d).toMatchObject({ action: 'end', rule: 'consent_withdrawn', text: REFUSAL_LINE });
    expect(violations.map((v) => v.rule)).toEqual(['consent_withdrawn']);
  });

  it('alerts at most once per rule a minute, counting the ones held back', () => {
    const { e, clock, alerts, violations } = engine({ customer: { doNotCall: true } });
    for (let i = 0; i < 5; i++) e.turn(turn(`call-${i}`, '你好'));
    expect(violations).toHaveLength(5);
    expect(alerts).toHaveLength(1);
    clock.advance(60_000);
    e.turn(turn('call-5', '你好'));
    expect(alerts).toHaveLength(2);
    expect(alerts[1]).toContain(
      `(+4 more do_not_call not alerted since ${new Date(T0).toISOString()})`,
    );
  });
});

describe('the engine at /dialog/turn, flagging', () => {
  it('lets the call go on, each decision carrying the rule, one violation per call and rule', () => {
    const { e, logged, violations, alerts } = engine({
      customer: { doNotCall: true },
      dialing: { enforcement: 'flag' },
    });
    const first = e.turn(turn('call-f', '你好'));
    const second = e.turn(turn('call-f', '是我'));
    for (const d of [first, second]) {
      expect(d.action).toBe('say');
      expect(d.rule).toBe('do_not_call');
      expect(d.reason).not.toMatch(/^refused/);
    }
    expect(violations).toMatchObject([{ call_id: 'call-f', rule: 'do_not_call', mode: 'flagged' }]);
    expect(alerts[0]).toContain('let through (flag mode)');
    expect(logged).toHaveLength(2);
  });
});

describe('enforcement in config/dialing.json', () => {
  it('defaults to enforce and takes only enforce or flag', () => {
    const { enforcement, ...rest } = json('dialing.json');
    expect(enforcement).toBe('enforce');
    expect(parseDialingRules(rest).enforcement).toBe('enforce');
    expect(parseDialingRules({ ...rest, enforcement: 'flag' }).enforcement).toBe('flag');
    expect(() => parseDialingRules({ ...rest, enforcement: 'warn' })).toThrow(
      /enforcement: must be "enforce" \(refuse the call\) or "flag"/,
    );
  });
});

describe('AlertThrottle', () => {
  it('holds back a rule within its minute, not another rule', () => {
    const t = new AlertThrottle();
    expect(t.pass('do_not_call', 'a', 0)).toBe('a');
    expect(t.pass('outside_window', 'b', 1)).toBe('b');
    expect(t.pass('do_not_call', 'c', 59_999)).toBeNull();
    expect(t.pass('do_not_call', 'd', 60_000)).toBe(
      'd (+1 more do_not_call not alerted since 1970-01-01T00:00:00.000Z)',
    );
    expect(t.pass('do_not_call', 'e', 120_000)).toBe('e');
  });
});
