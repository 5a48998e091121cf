import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey } from '../../src/api/index.js';
import type { NextResponse } from '../../src/api/rest/schemas.js';
import type { Platform } from '../../src/app/index.js';
import { systemClock, type Clock } from '../../src/core/clock.js';
import { eventually } from '../helpers/eventually.js';
import { gql } from '../helpers/gql.js';
import { startTestPlatform } from '../helpers/platform.js';
import { rest } from '../helpers/rest.js';

/**
 * The wall clock moved to a time the test sets: timers run as usual (commits,
 * the decision outbox), while every part reads the time the test is at.
 */
function settableClock(startMs: number): Clock & { set(ms: number): void } {
  let offset = startMs - Date.now();
  return {
    ...systemClock,
    now: () => Date.now() + offset,
    set(ms) {
      offset = ms - Date.now();
    },
  };
}

/** Wed 2026-03-11 in Shanghai (UTC+8), a time of day, as epoch ms. */
const local = (hhmm: string) => Date.parse(`2026-03-11T${hhmm}:00+08:00`);
const THREE_PM = '2026-03-11T07:00:00.000Z';

describe('callbacks over REST: promised in a turn, offered when due, kept or missed', () => {
  const clock = settableClock(local('10:00'));
  let p: Platform;
  let dialer: string;
  const call = (path: string, body?: unknown) => rest(p.url, dialer, path, body);
  const next = async (): Promise<NextResponse> => {
    const res = await call('/dialer/next', { limit: 50 });
    expect(res.status).toBe(200);
    return (await res.json()) as NextResponse;
  };
  const entry = (r: NextResponse, id: string) => r.next.find((x) => x.customerId === id);
  const send = async (event: Record<string, unknown>) => {
    const res = await call('/events', {
      event_id: randomUUID(),
      ts: new Date(clock.now()).toISOString(),
      schema_version: 1,
      ...event,
    });
    expect(res.status, await res.clone().text()).toBe(202);
  };

  beforeAll(async () => {
    p = await startTestPlatform({}, { clock });
    dialer = await createApiKey(p.store, 'callback-dialer', 'dialer');
  });
  afterAll(async () => p?.stop());

  it('"下午三点再打吧" schedules a callback; /dialer/next offers it first at 15:00 with reason callback', async () => {
    const turn = await call('/dialog/turn', {
      call_id: 'call-cb-1',
      customer_id: 'cust-cb-1',
      text: '下午三点再打吧',
      asr_confidence: 0.9,
    });
    expect(turn.status).toBe(200);
    // An agent promises another customer a call at the same time.
    await send({
      type: 'callback.scheduled',
      customer_id: 'cust-cb-2',
      at: '2026-03-11T15:00:00+08:00',
      source: 'agent',
      note: '想先看合同',
    });
    await send({
      type: 'customer.updated',
      customer_id: 'cust-cb-dnc',
      fields: { do_not_call: true },
    });
    await eventually(async () => {
      const rows = await p.store.query<{ customer_id: string; source: string }>(
        'SELECT customer_id, source FROM callbacks ORDER BY customer_id',
      );
      expect(rows).toEqual([
        { customer_id: 'cust-cb-1', source: 'customer' },
        { customer_id: 'cust-cb-2', source: 'agent' },
      ]);
    });

    // 10:00: nothing is owed yet, and they asked not to be called before 15:00.
    const morning = await next();
    expect(entry(morning, 'cust-cb-1')).toBeUndefined();
    expect(entry(morning, 'cust-cb-2')).toBeUndefined();
    expect(morning.deferred).toBe(2);
    expect(morning.skips).toContainEqual({
      customer_id: 'cust-cb-dnc',
      reason: 'do_not_call',
      detail: 'marked do-not-call in the CRM',
    });
    expect(morning.skipped.do_not_call).toBe(1);

    clock.set(local('15:00'));
    const due = await next();
    expect(due.next.slice(0, 2).map((x) => [x.customerId, x.reason, x.callback_at])).toEqual(
      expect.arrayContaining([
        ['cust-cb-1', 'callback', THREE_PM],
        ['cust-cb-2', 'callback', THREE_PM],
      ]),
    );
  });

  it('a call at 15:01 keeps the first; the second, never called, is missed after the grace and counted', async () => {
    clock.set(local('15:01'));
    await send({
      type: 'call.started',
      customer_id: 'cust-cb-1',
      call_id: 'call-cb-2',
      campaign_id: 'spring',
      script_id: 'intro',
      script_version: 'v1',
      handled_by: 'bot',
      region: 'east',
      product_line: 'loan',
    });
    await eventually(async () =>
      expect(
        await p.store.query(
          `SELECT kept_by, missed FROM callbacks WHERE customer_id = 'cust-cb-1' AND kept_at IS NOT NULL`,
        ),
      ).toEqual([{ kept_by: 'call-cb-2', missed: false }]),
    );
    // Kept, so no longer a callback; and just called, so not offered again within redialAfterMinutes.
    expect(entry(await next(), 'cust-cb-1')).toBeUndefined();

    // One grace (60 minutes) later and a minute: the pipeline's next sweep finds it missed.
    clock.set(local('16:01'));
    await eventually(async () => {
      const { body } = await gql(
        p.url,
        '{ callbacks(from: "2026-03-11T00:00:00Z", to: "2026-03-12T00:00:00Z") { scheduled kept missed } }',
        p.adminKey,
      );
      expect(body.data?.callbacks).toEqual({ scheduled: 2, kept: 1, missed: 1 });
    });
    expect(p.enricher.profiles.get('cust-cb-2')!.callback).toBeNull();
    expect(entry(await next(), 'cust-cb-2')).toMatchObject({ reason: 'score' });
    const metrics = await (await rest(p.url, p.adminKey, '/metrics')).text();
    expect(metrics).toMatch(/dialwise_callbacks_total\{outcome="missed"\} 1\b/);
    expect(metrics).toMatch(/dialwise_callbacks_total\{outcome="kept"\} 1\b/);
    expect(metrics).toMatch(/dialwise_callbacks_total\{outcome="scheduled"\} 2\b/);
  });

  it('a campaign-scoped key may not count callbacks (they span campaigns)', async () => {
    const scoped = await createApiKey(p.store, 'spring-analyst', 'analyst', {
      campaigns: ['spring'],
    });
    const { body } = await gql(
      p.url,
      '{ callbacks(from: "2026-03-11T00:00:00Z") { scheduled } }',
      scoped,
    );
    expect(body.errors?.[0]?.message).toMatch(/spans every campaign/);
  });
});
