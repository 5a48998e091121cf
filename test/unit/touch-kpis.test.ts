import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { buildSchema, GraphQLNonNull, type GraphQLObjectType } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TOUCH_KPI_NAMES, TOUCH_KPIS, touchesByChannel } from '../../src/analytics/kpis/index.js';
import { typeDefs } from '../../src/api/graphql/schema.js';
import { touchFilter } from '../../src/api/graphql/views.js';
import { migrate, Store } from '../../src/core/store/store.js';
import { tmpDir } from '../helpers/tmp.js';

const DAY = 86_400_000;
const T0 = Date.parse('2026-03-01T00:00:00Z');
const at = (hours: number) => new Date(T0 + hours * 3_600_000).toISOString();
const RANGE = { from: at(0), to: at(24) };

let dir: string;
let store: Store;
let n = 0;

/** One touch event as the sink stores it. */
async function touch(
  kind: 'sent' | 'delivered' | 'replied',
  customer: string,
  channel: string,
  touchId: string,
  hours: number,
  extra: { campaign?: string; delivered?: boolean } = {},
): Promise<string> {
  const id = `ev-${++n}`;
  await store.transaction((tx) =>
    tx.run(
      `INSERT INTO touches (event_id, kind, touch_id, customer_id, channel, campaign_id, purpose,
         delivered, text_enc, ts) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?::TIMESTAMPTZ)`,
      [
        id,
        kind,
        touchId,
        customer,
        channel,
        kind === 'sent' ? (extra.campaign ?? null) : null,
        kind === 'sent' ? 'marketing' : null,
        kind === 'delivered' ? (extra.delivered ?? true) : null,
        kind === 'replied' ? 'sealed' : null,
        at(hours),
      ],
    ),
  );
  return id;
}

/** The refusal a reply makes, its proof the reply event (as the pipeline records it). */
async function optOut(customer: string, scope: string, reply: string, hours: number) {
  await store.transaction((tx) =>
    tx.run(
      `INSERT INTO consent_changes (event_id, customer_id, scope, purpose, granted, source,
         evidence_event_id, cue, text_enc, ts) VALUES (?, ?, ?, NULL, false, ?, ?, '退订', 'sealed', ?::TIMESTAMPTZ)`,
      [`${reply}:opt-out`, customer, scope, `${scope}_reply`, reply, at(hours)],
    ),
  );
}

beforeAll(async () => {
  dir = tmpDir();
  store = await Store.open(join(dir, 'touches.duckdb'));
  await migrate(store);
  // SMS, campaign A: four touches (one posted twice), three delivered and one
  // failed, two replies of which one "退订"; a reply arriving the next day counts.
  await touch('sent', 'c1', 'sms', 's1', 1, { campaign: 'A' });
  await touch('sent', 'c1', 'sms', 's1', 1.5, { campaign: 'A' });
  await touch('sent', 'c2', 'sms', 's2', 2, { campaign: 'A' });
  await touch('sent', 'c3', 'sms', 's3', 3, { campaign: 'A' });
  await touch('sent', 'c4', 'sms', 's4', 4, { campaign: 'A' });
  await touch('delivered', 'c1', 'sms', 's1', 1.1);
  await touch('delivered', 'c2', 'sms', 's2', 2.1);
  await touch('delivered', 'c3', 'sms', 's3', 3.1);
  await touch('delivered', 'c4', 'sms', 's4', 4.1, { delivered: false });
  const stop = await touch('replied', 'c1', 'sms', 's1', 5);
  await optOut('c1', 'sms', stop, 5);
  await touch('replied', 'c2', 'sms', 's2', 30);
  // A touch id is a customer's: c9's reply to "s3" is not c3's.
  await touch('replied', 'c9', 'sms', 's3', 6);
  // WeChat, campaign B: one sent, delivered, its "TD" withdrew consent.
  await touch('sent', 'c5', 'wechat', 'w1', 6, { campaign: 'B' });
  await touch('delivered', 'c5', 'wechat', 'w1', 6.1);
  const td = await touch('replied', 'c5', 'wechat', 'w1', 7);
  await optOut('c5', 'wechat', td, 7);
  // A call a dialer posted as a touch, without campaign.
  await touch('sent', 'c6', 'call', 'call-1', 8);
  // Sent the day before: out of the range, its reply and opt-out with it.
  await touch('sent', 'c7', 'sms', 'old', -2, { campaign: 'A' });
  const old = await touch('replied', 'c7', 'sms', 'old', 2);
  await optOut('c7', 'sms', old, 2);
  // A spoken opt-out is no opt-out by reply.
  await store.transaction((tx) =>
    tx.run(
      `INSERT INTO consent_changes (event_id, customer_id, scope, granted, source, evidence_event_id, ts)
       VALUES ('turn-9:opt-out', 'c6', 'call', false, 'call_turn', 'turn-9', ?::TIMESTAMPTZ)`,
      [at(9)],
    ),
  );
});
afterAll(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('touches by channel', () => {
  it('counts the touches sent in a range, and of those delivered, replied and opted out, per channel', async () => {
    const rows = await touchesByChannel(store, RANGE);
    expect(rows).toEqual([
      {
        channel: 'call',
        sent: 1,
        delivered: 0,
        deliveryRate: 0,
        replied: 0,
        replyRate: 0,
        optOuts: 0,
      },
      {
        channel: 'sms',
        sent: 4,
        delivered: 3,
        deliveryRate: 0.75,
        replied: 2,
        replyRate: 0.5,
        optOuts: 1,
      },
      {
        channel: 'wechat',
        sent: 1,
        delivered: 1,
        deliveryRate: 1,
        replied: 1,
        replyRate: 1,
        optOuts: 1,
      },
      {
        channel: 'email',
        sent: 0,
        delivered: 0,
        deliveryRate: 0,
        replied: 0,
        replyRate: 0,
        optOuts: 0,
      },
    ]);
  });

  it('narrows to one campaign, and to the range', async () => {
    const a = await touchesByChannel(store, { ...RANGE, campaign: 'A' });
    expect(a.map((r) => [r.channel, r.sent, r.optOuts])).toEqual([
      ['call', 0, 0],
      ['sms', 4, 1],
      ['wechat', 0, 0],
      ['email', 0, 0],
    ]);
    const b = await touchesByChannel(store, { ...RANGE, campaign: 'B' });
    expect(b.find((r) => r.channel === 'wechat')).toMatchObject({ sent: 1, optOuts: 1 });
    expect(b.reduce((s, r) => s + r.sent, 0)).toBe(1);
    // The day before holds the old touch alone, with its reply and opt-out.
    const before = await touchesByChannel(store, { from: at(-24), to: at(0) });
    expect(before.find((r) => r.channel === 'sms')).toMatchObject({
      sent: 1,
      replied: 1,
      optOuts: 1,
    });
    // Only the first hour: s1 (posted twice, counted once).
    const hour = await touchesByChannel(store, { from: at(0), to: at(1.9) });
    expect(hour.find((r) => r.channel === 'sms')).toMatchObject({ sent: 1, replied: 1 });
  });

  it('keeps the API range bounded: to now by default, cut to 400 days, empty when to is before from', () => {
    const now = T0 + 10 * DAY;
    expect(touchFilter({ from: at(0) }, now)).toEqual({
      from: at(0),
      to: new Date(now).toISOString(),
      campaign: undefined,
    });
    expect(touchFilter({ from: at(0), to: at(-1) }, now)).toMatchObject({
      from: at(-1),
      to: at(-1),
    });
    expect(touchFilter({ from: new Date(now - 401 * DAY).toISOString() }, now)).toMatchObject({
      from: new Date(now - 400 * DAY).toISOString(),
      to: new Date(now).toISOString(),
    });
    expect(() => touchFilter({ from: 'yesterday' }, now)).toThrow(/ISO 8601/);
  });

  it('matches the GraphQL schema: a TouchChannelRow field per touch KPI (Int for counts)', () => {
    const schema = buildSchema(typeDefs);
    const fields = (schema.getType('TouchChannelRow') as GraphQLObjectType).getFields();
    expect(Object.keys(fields).filter((f) => f !== 'channel')).toEqual(TOUCH_KPI_NAMES);
    for (const name of TOUCH_KPI_NAMES) {
      const type = fields[name]!.type;
      expect(type instanceof GraphQLNonNull && String(type.ofType), name).toBe(
        TOUCH_KPIS[name].format === 'count' ? 'Int' : 'Float',
      );
    }
  });
});
