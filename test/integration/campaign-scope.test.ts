import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Platform } from '../../src/app/index.js';
import { eventFixtures } from '../helpers/fixtures.js';
import { gql } from '../helpers/gql.js';
import { rest } from '../helpers/rest.js';
import { startTestPlatform } from '../helpers/platform.js';

const fx = eventFixtures();

/** One customer's call in a campaign, with a turn that says a word of its own. */
function callOf(campaign: string, customer: string, word: string) {
  const call = `call-${customer}`;
  const ts = new Date().toISOString();
  const e = (type: string, patch: Record<string, unknown>) => ({
    ...fx.get(type),
    event_id: randomUUID(),
    ts,
    customer_id: customer,
    call_id: call,
    ...patch,
  });
  return [
    e('call.started', { campaign_id: campaign }),
    e('call.answered', {}),
    e('dialog.turn', { turn: 1, text: `我想了解一下${word}的价格`, prosody: undefined }),
    e('call.ended', { outcome: 'converted', duration_s: 42 }),
  ];
}

describe('access scoped by campaign: a key of campaign A sees nothing of campaign B', () => {
  let p: Platform;
  const keys: Record<string, string> = {};
  const newKey = async (name: string, role: string, campaigns?: string[]) => {
    const res = await rest(p.url, p.adminKey, '/admin/keys', { name, role, campaigns });
    return { status: res.status, body: await res.json() };
  };
  const q = async (query: string, key: string) => {
    const { body } = await gql(p.url, query, key);
    expect(body.errors).toBeUndefined();
    return body.data!;
  };

  beforeAll(async () => {
    p = await startTestPlatform();
    for (const [name, role] of <[string, string][]>[
      ['analyst-a', 'analyst'],
      ['compliance-a', 'compliance'],
      ['dialer-a', 'dialer'],
    ])
      keys[name] = (await newKey(name, role, ['camp-a'])).body.key;
    const sms = (campaign: string, customer: string) => ({
      ...fx.get('touch.sent'),
      event_id: randomUUID(),
      ts: new Date().toISOString(),
      customer_id: customer,
      touch_id: `sms-${customer}`,
      campaign_id: campaign,
    });
    const events = [
      sms('camp-a', 'cust-a1'),
      sms('camp-b', 'cust-b1'),
      sms('camp-b', 'cust-b9'),
      ...callOf('camp-a', 'cust-a1', '紫罗兰套餐'),
      ...callOf('camp-b', 'cust-b1', '向日葵套餐'),
    ];
    expect((await rest(p.url, p.adminKey, '/events', events)).status).toBe(202);
    // Two alerts of a rule split by campaign, one per campaign.
    await p.store.transaction(async (tx) => {
      await tx.run(`INSERT INTO alert_rules VALUES ('by-campaign', ?::JSON, now())`, [
        JSON.stringify({ id: 'by-campaign', metric: 'conversionRate', dimension: 'CAMPAIGN' }),
      ]);
      for (const key of ['camp-a', 'camp-b'])
        await tx.run(
          `INSERT INTO alerts VALUES ('by-campaign', ?, now(), 'firing', ?::JSON, now())`,
          [key, JSON.stringify({ ruleId: 'by-campaign', key, status: 'firing' })],
        );
    });
  });
  afterAll(async () => p?.stop());

  it('refuses to scope an admin key, and says what a key sees', async () => {
    const admin = await newKey('admin-a', 'admin', ['camp-a']);
    expect(admin.status).toBe(400);
    expect(admin.body.error.message).toMatch(/campaigns/);
    expect((await q('{ me { campaigns } }', keys['analyst-a']!)).me.campaigns).toEqual(['camp-a']);
    expect((await q('{ me { campaigns } }', p.adminKey)).me.campaigns).toBeNull();
  });

  it('KPIs, totals and the KPI export cover only its campaigns', async () => {
    const all = await q('{ kpis(by: CAMPAIGN) { key calls } }', p.adminKey);
    expect(all.kpis.map((r: { key: string }) => r.key).sort()).toEqual(['camp-a', 'camp-b']);
    const mine = await q(
      '{ kpis(by: CAMPAIGN) { key calls } totals { calls eventsIngested } }',
      keys['analyst-a']!,
    );
    expect(mine.kpis).toEqual([{ key: 'camp-a', calls: 1 }]);
    expect(mine.totals).toEqual({ calls: 1, eventsIngested: 0 });
    const touches = (key: string) =>
      q(
        `{ touchesByChannel(from: "${new Date(Date.now() - 86_400_000).toISOString()}") { channel sent } }`,
        key,
      );
    const smsOf = async (key: string) =>
      (await touches(key)).touchesByChannel.find((r: { channel: string }) => r.channel === 'sms')
        .sent;
    expect(await smsOf(p.adminKey)).toBe(3);
    expect(await smsOf(keys['analyst-a']!)).toBe(1);
    const csv = await (await rest(p.url, keys['analyst-a']!, '/export/kpis?by=CAMPAIGN')).text();
    expect(csv).toContain('camp-a');
    expect(csv).not.toContain('camp-b');
  });

  it('customers, their calls and consent export: only its campaigns', async () => {
    const list = await q('{ customers { customers { customerId } } }', keys['analyst-a']!);
    expect(list.customers.customers.map((c: { customerId: string }) => c.customerId)).toEqual([
      'cust-a1',
    ]);
    const b = await q('{ customer(id: "cust-b1") { customerId } }', keys['analyst-a']!);
    expect(b.customer).toBeNull();
    const a = await q(
      '{ customer(id: "cust-a1") { customerId recentCalls { campaign } } }',
      keys['analyst-a']!,
    );
    expect(a.customer.recentCalls).toEqual([{ campaign: 'camp-a' }]);
    const exportB = await rest(p.url, keys['compliance-a']!, '/consent/export?customer_id=cust-b1');
    expect(exportB.status).toBe(404);
    const exportA = await rest(p.url, keys['compliance-a']!, '/consent/export?customer_id=cust-a1');
    expect(exportA.status).toBe(200);
    const link = (id: string) =>
      rest(p.url, keys['compliance-a']!, '/consent/links', { customer_id: id });
    expect((await link('cust-b1')).status).toBe(404);
    expect((await link('cust-a1')).status).toBe(200);
  });

  it('transcripts: search, flagged calls and a whole call, only its campaigns', async () => {
    const search = (word: string) =>
      q(`{ transcripts(text: "${word}") { total hits { callId } } }`, keys['compliance-a']!);
    expect((await search('紫罗兰套餐')).transcripts.hits).toEqual([{ callId: 'call-cust-a1' }]);
    const other = (await search('向日葵套餐')).transcripts;
    expect(other.hits).toEqual([]);
    expect(other.total).toBeNull();
    const admin = await q('{ transcripts(text: "向日葵套餐") { hits { callId } } }', p.adminKey);
    expect(admin.transcripts.hits).toEqual([{ callId: 'call-cust-b1' }]);
    const whole = await q(
      '{ callTranscript(callId: "call-cust-b1") { callId } }',
      keys['compliance-a']!,
    );
    expect(whole.callTranscript).toBeNull();
  });

  it('alerts of other campaigns are not listed; alert rules are not a scoped key’s to change', async () => {
    const mine = await q('{ alerts { ruleId key } }', keys['analyst-a']!);
    expect(mine.alerts).toEqual([{ ruleId: 'by-campaign', key: 'camp-a' }]);
    const save = await gql(
      p.url,
      'mutation { saveAlertRule(rule: { id: "x", metric: conversionRate }) { id } }',
      keys['analyst-a']!,
    );
    expect(save.body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });

  it('a scoped dialer acts only for its campaigns', async () => {
    const dialer = keys['dialer-a']!;
    const check = (body: object) => rest(p.url, dialer, '/outreach/check', body);
    expect(
      (await check({ customer_id: 'cust-a1', channel: 'sms', campaign_id: 'camp-b' })).status,
    ).toBe(403);
    expect((await check({ customer_id: 'cust-a1', channel: 'sms' })).status).toBe(200);
    const next = await rest(p.url, dialer, '/dialer/next', { limit: 5, campaign_id: 'camp-b' });
    expect(next.status).toBe(403);
    const foreign = callOf('camp-b', 'cust-b2', '别的');
    expect((await rest(p.url, dialer, '/events', foreign)).status).toBe(403);
  });
});
