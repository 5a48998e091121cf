import { randomUUID } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey } from '../../src/api/index.js';
import type { Platform } from '../../src/app/index.js';
import { allDayDecisionConfig } from '../helpers/decision-config.js';
import { eventually } from '../helpers/eventually.js';
import { eventFixtures } from '../helpers/fixtures.js';
import { gql } from '../helpers/gql.js';
import { startTestPlatform } from '../helpers/platform.js';
import { rest } from '../helpers/rest.js';

const fx = eventFixtures();
const REFUSAL = '抱歉打扰您了，再见。';
const H = 3_600_000;

/** A fixed-offset zone where the local hour is `hour` now (an Etc/GMT zone: whole hours). */
function zoneAt(hour: number): string {
  let offset = (hour - new Date().getUTCHours() + 48) % 24;
  if (offset > 11) offset -= 24;
  // Etc/GMT-5 is UTC+5: the sign is the other way round. Offset 0 is named UTC (as Etc/GMT prints).
  return offset === 0 ? 'UTC' : `Etc/GMT${offset > 0 ? '-' : '+'}${Math.abs(offset)}`;
}

/** The shipped rules, around the clock for business; consumers (retail) 08:00-20:00 only. */
function decisionConfig(): string {
  const dir = allDayDecisionConfig();
  const file = join(dir, 'dialing.json');
  const dialing = JSON.parse(readFileSync(file, 'utf8'));
  const days = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];
  dialing.segments.consumer.windows = [{ days, from: '08:00', to: '20:00' }];
  writeFileSync(file, JSON.stringify(dialing));
  return dir;
}

describe('dialing rules enforced at POST /dialog/turn, over REST', () => {
  let p: Platform;
  let dialer: string;
  let compliance: string;
  const call = (path: string, body?: unknown, key = dialer) => rest(p.url, key, path, body);
  const send = async (type: string, patch: Record<string, unknown>) => {
    const ts = new Date().toISOString();
    const res = await call('/events', { ...fx.get(type), event_id: randomUUID(), ts, ...patch });
    expect(res.status).toBe(202);
  };
  /** The dialer places the call (its own touch), then the bot hears the customer. */
  const dial = (customer: string, callId: string) =>
    send('call.started', { customer_id: customer, call_id: callId, campaign_id: 'spring' });
  const say = async (customer: string, callId: string, text = '喂，你好') => {
    const res = await call('/dialog/turn', {
      call_id: callId,
      customer_id: customer,
      campaign_id: 'spring',
      text,
      asr_confidence: 0.9,
    });
    expect(res.status).toBe(200);
    return res.json();
  };
  const refused = (rule: string) => ({
    action: 'end',
    text: REFUSAL,
    reason: `refused: ${rule}`,
    rule,
    detail: expect.any(String),
  });

  beforeAll(async () => {
    p = await startTestPlatform({ DIALWISE_DECISION_CONFIG: decisionConfig() });
    dialer = await createApiKey(p.store, 'dialer', 'dialer');
    compliance = await createApiKey(p.store, 'auditor', 'compliance');
  });
  afterAll(async () => p?.stop());

  it('serves a call within the rules: two calls this week and its own do not reach the cap', async () => {
    for (const n of [1, 2])
      await send('call.started', {
        customer_id: 'cust-enf-ok',
        call_id: `ok-${n}`,
        ts: new Date(Date.now() - n * H).toISOString(),
      });
    await dial('cust-enf-ok', 'ok-3');
    const d = await say('cust-enf-ok', 'ok-3');
    expect(d.action).toBe('say');
    expect(d.rule).toBeUndefined();
    expect(d.text).not.toBe(REFUSAL);
  });

  it('refuses a 4th call in the week', async () => {
    for (const n of [1, 2, 3])
      await send('call.started', {
        customer_id: 'cust-enf-cap',
        call_id: `cap-${n}`,
        ts: new Date(Date.now() - n * H).toISOString(),
      });
    await dial('cust-enf-cap', 'cap-4');
    const d = await say('cust-enf-cap', 'cap-4');
    expect(d).toMatchObject(refused('frequency_cap'));
    expect(d.detail).toContain('3 touches in the last 7 days (limit 3)');
    // The call is over: the next turn gets the same answer.
    expect(await say('cust-enf-cap', 'cap-4', '喂？')).toEqual(d);
  });

  it('refuses a retail customer (零售 in the CRM) at night in their zone, not a manufacturer', async () => {
    const night = zoneAt(2);
    for (const [id, industry] of [
      ['cust-enf-night', '零售'],
      ['cust-enf-night-b2b', '制造业'],
    ] as const) {
      const res = await call('/customer/update', {
        customer_id: id,
        fields: { 行业: industry, 时区: night },
      });
      expect(res.status).toBe(202);
    }
    expect(p.enricher.profiles.get('cust-enf-night')?.crm.industry).toBe('retail');
    await dial('cust-enf-night', 'night-1');
    const d = await say('cust-enf-night', 'night-1');
    expect(d).toMatchObject(refused('outside_window'));
    expect(d.detail).toContain(`${night}: outside the consumer calling windows`);
    await dial('cust-enf-night-b2b', 'night-2');
    expect((await say('cust-enf-night-b2b', 'night-2')).action).toBe('say');
  });

  it('refuses the next turn after an opt-out mid-call, and a call after it', async () => {
    const id = 'cust-enf-optout';
    await dial(id, 'opt-1');
    expect((await say(id, 'opt-1')).action).toBe('say');
    await send('consent.changed', { customer_id: id, scope: 'call', granted: false });
    expect(await say(id, 'opt-1', '嗯')).toMatchObject(refused('consent_refused'));
    await dial(id, 'opt-2');
    expect(await say(id, 'opt-2')).toMatchObject(refused('consent_refused'));
  });

  it('refuses a customer on the do-not-call register', async () => {
    const res = await call(
      '/dnc/import',
      { source: 'gov-dnc', listed_on: '2026-01-01', phones: ['+86 139 0000 7777'] },
      compliance,
    );
    expect(res.status).toBe(200);
    await call('/customer/update', {
      customer_id: 'cust-enf-dnc',
      fields: { 手机: '13900007777' },
    });
    await dial('cust-enf-dnc', 'dnc-1');
    const d = await say('cust-enf-dnc', 'dnc-1');
    expect(d).toMatchObject(refused('do_not_call'));
    expect(d.detail).toContain('gov-dnc');
  });

  it('stores one violation per call and rule, shown to compliance through GraphQL, audited', async () => {
    const expected = [
      ['cap-4', 'frequency_cap'],
      ['dnc-1', 'do_not_call'],
      ['night-1', 'outside_window'],
      ['opt-1', 'consent_refused'],
      ['opt-2', 'consent_refused'],
    ];
    const stored = await eventually(async () => {
      const rows = await p.store.query<{ call_id: string; rule: string; mode: string }>(
        'SELECT call_id, rule, mode FROM dialing_violations ORDER BY call_id',
      );
      expect(rows.map((r) => [r.call_id, r.rule])).toEqual(expected);
      return rows;
    }, 10_000);
    expect(stored.every((r) => r.mode === 'refused')).toBe(true);

    const q = `query V($from: DateTime) {
      dialingViolations(from: $from) { callId customerId campaign rule detail mode }
      dialingViolationCounts(from: $from) { rule count refused flagged }
    }`;
    const from = new Date(Date.now() - H).toISOString();
    const { body } = await gql(p.url, q, compliance, { from });
    expect(body.errors).toBeUndefined();
    const shown = body.data!.dialingViolations as { callId: string; rule: string }[];
    expect(shown.map((v) => [v.callId, v.rule]).sort()).toEqual(expected);
    expect(shown[0]).toMatchObject({ campaign: 'spring', mode: 'refused' });
    expect(body.data!.dialingViolationCounts[0]).toEqual({
      rule: 'consent_refused',
      count: 2,
      refused: 2,
      flagged: 0,
    });
    // Other roles are refused; reads and refusals are audited.
    const analyst = await createApiKey(p.store, 'analyst', 'analyst');
    const denied = await gql(p.url, q, analyst, { from });
    expect(denied.body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    // The list's resolver may still be auditing when the other field's refusal has answered.
    await eventually(async () => {
      const audited = await p.store.query<{ principal: string; action: string }>(
        "SELECT principal, action FROM audit_log WHERE action LIKE 'dialing.violations%' ORDER BY ts",
      );
      expect(audited).toEqual([
        { principal: 'auditor', action: 'dialing.violations.read' },
        { principal: 'analyst', action: 'dialing.violations.read.denied' },
      ]);
    }, 5_000);
    // A key of another campaign sees none of these.
    const other = await createApiKey(p.store, 'other-auditor', 'compliance', {
      campaigns: ['autumn'],
    });
    const scoped = await gql(p.url, q, other, { from });
    expect(scoped.body.data).toEqual({ dialingViolations: [], dialingViolationCounts: [] });
  });
});
