import { describe, expect, it } from 'vitest';
import { decisionContext } from '../../src/core/logged-decision.js';
import { decisionContextOf } from '../../src/decision/engine/decision-context.js';
import { customerView, touchesAt } from '../helpers/decision.js';
import { engine, T0, turn } from '../helpers/decision-engine.js';

const H = 3_600_000;
const ago = (ms: number) => new Date(T0 - ms).toISOString();
const SHANGHAI = { timezone: 'Asia/Shanghai' };

describe('decision context', () => {
  it('holds tags, CRM categories, earlier contacts of the week and the local hour', () => {
    const customer = customerView({
      tags: ['vip', 'high_intent'],
      crm: { region: 'east', customer_tier: 'A', timezone: 'America/New_York', name: 'x' },
      touches: [
        ...touchesAt([ago(8 * 24 * H), ago(6 * 24 * H), ago(H)]),
        ...touchesAt([ago(2 * H)], 'sms'),
        // The call being decided in, and one in the future (a clock skew): neither is earlier.
        { id: 'call-now', at: ago(60_000), channel: 'call', campaign: null, purpose: 'marketing' },
        { id: 'later', at: ago(-H), channel: 'call', campaign: null, purpose: 'marketing' },
      ],
    });
    const c = decisionContextOf(customer, T0, SHANGHAI, {
      callId: 'call-now',
      productLine: 'loan',
    });
    // 02:00 UTC is 22:00 the evening before in New York (EDT since 8 March).
    expect(c).toEqual({
      tags: ['vip', 'high_intent'],
      region: 'east',
      product_line: 'loan',
      tier: 'A',
      contacts_7d: 3,
      hour: 22,
    });
    expect(decisionContext.parse(c)).toEqual(c);
  });

  it("fills what the CRM lacks with 'unknown', a dial's product line with 'default'", () => {
    const c = decisionContextOf(
      customerView({ crm: { region: '  ', customer_tier: 3 } }),
      T0,
      SHANGHAI,
    );
    expect(c).toMatchObject({
      region: 'unknown',
      tier: 'unknown',
      product_line: 'default',
      hour: 10,
    });
    expect(decisionContext.safeParse(c).success).toBe(true);
  });
});

describe('decision log records', () => {
  it('a turn is logged with its context and its script version as the logging policy', () => {
    const { e, logged } = engine({
      customer: { tags: ['price_sensitive'], crm: { region: 'north' } },
    });
    const d = e.turn(turn('call-1', '你好'));
    expect(logged[0]).toMatchObject({
      kind: 'turn',
      call_id: 'call-1',
      policy_version: d.script_version,
      script_version: d.script_version,
      context: { tags: ['price_sensitive'], region: 'north', product_line: 'loan', hour: 10 },
    });
  });

  it('every customer next() offers is logged as a dial decision, the skipped ones not', () => {
    const crm = { industry: 'software', timezone: 'Asia/Shanghai', customer_tier: 'B' };
    const { e, logged } = engine({
      candidates: [
        customerView({ customerId: 'c-hi', intentScore: 0.9, tags: ['vip'], crm }),
        customerView({ customerId: 'c-lo', intentScore: 0.2, crm }),
        customerView({ customerId: 'c-dnc', intentScore: 0.8, crm, doNotCall: true }),
      ],
    });
    const r = e.next(5, 'spring');
    expect(r.next.map((x) => x.customerId)).toEqual(['c-hi', 'c-lo']);
    expect(logged.map((l) => l.customer_id)).toEqual(['c-hi', 'c-lo']);
    expect(logged[0]).toMatchObject({
      kind: 'dial',
      call_id: null,
      campaign_id: 'spring',
      action: 'dial',
      node: 'dialer',
      variant: 'score',
      propensity: 1,
      segment: 'software/vip',
      policy_version: 'ranker-v1',
      ts: new Date(T0).toISOString(),
      context: { tags: ['vip'], tier: 'B', product_line: 'default', hour: 10, contacts_7d: 0 },
    });
    expect(logged[0]!.reason).toMatch(/^rank 1: /);
    expect(new Set(logged.map((l) => l.decision_id)).size).toBe(2);
  });
});
