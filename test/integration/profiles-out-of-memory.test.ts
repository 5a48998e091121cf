import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey } from '../../src/api/index.js';
import { openPipeline, type Platform } from '../../src/app/index.js';
import { systemClock } from '../../src/core/clock.js';
import { createLogger } from '../../src/core/log.js';
import type { Sink } from '../../src/pipelines/index.js';
import { loadTestConfig } from '../helpers/config.js';
import { tmpDir } from '../helpers/tmp.js';
import { eventually } from '../helpers/eventually.js';
import { eventFixtures } from '../helpers/fixtures.js';
import { gql } from '../helpers/gql.js';
import { startTestPlatform } from '../helpers/platform.js';
import { rest } from '../helpers/rest.js';

const fx = eventFixtures();
const BOUND = 100;

const event = (type: string, patch: Record<string, unknown>) => ({
  ...fx.get(type),
  event_id: randomUUID(),
  ts: new Date().toISOString(),
  ...patch,
});

describe('a platform with more customers than profiles in memory', () => {
  let p: Platform;
  let dialer: string;
  let analyst: string;
  const send = async (events: unknown[]) =>
    expect((await rest(p.url, dialer, '/events', events)).status).toBe(202);
  /** Other customers' events until `id` is out of memory (stored, read back when needed). */
  const pushOut = async (id: string, from: number) => {
    await send(
      Array.from({ length: 2 * BOUND }, (_, i) =>
        event('customer.updated', { customer_id: `other-${from + i}`, fields: { region: 'east' } }),
      ),
    );
    await eventually(async () => expect(p.enricher.profiles.has(id)).toBe(false), 10_000, 50);
  };

  beforeAll(async () => {
    p = await startTestPlatform({ DIALWISE_PROFILES_IN_MEMORY: String(BOUND) });
    dialer = await createApiKey(p.store, 'dialer', 'dialer');
    analyst = await createApiKey(p.store, 'analyst', 'analyst');
  });
  afterAll(async () => p?.stop());

  it('holds the contact cap for a customer out of memory', async () => {
    const id = 'cust-cold-cap';
    await send([
      event('touch.sent', { customer_id: id, touch_id: 'cold-sms-1' }),
      event('call.started', { customer_id: id, call_id: 'cold-call-1' }),
      event('call.started', { customer_id: id, call_id: 'cold-call-2' }),
    ]);
    await pushOut(id, 0);
    const res = await rest(p.url, dialer, '/outreach/check', { customer_id: id, channel: 'sms' });
    expect(await res.json()).toMatchObject({ allowed: false, reason: 'frequency_cap' });
    // Read back for the check, it is in memory again, with its three touches.
    expect(p.enricher.profiles.get(id)?.touches).toHaveLength(3);
    expect(p.enricher.profiles.size).toBeLessThanOrEqual(2 * BOUND + 3);
  });

  it('continues a customer out of memory where the store left them, and shows them meanwhile', async () => {
    const id = 'cust-cold-calls';
    await send([event('call.started', { customer_id: id, call_id: 'warm-1' })]);
    await pushOut(id, 1_000);
    const query = `query ($id: ID!) { customer(id: $id) { customerId calls } }`;
    const shown = await gql(p.url, query, analyst, { id });
    expect(shown.body.data?.customer).toEqual({ customerId: id, calls: 1 });
    // A read leaves them where they are.
    expect(p.enricher.profiles.has(id)).toBe(false);
    await send([event('call.started', { customer_id: id, call_id: 'cold-2' })]);
    await eventually(async () => {
      const again = await gql(p.url, query, analyst, { id });
      expect(again.body.data?.customer).toEqual({ customerId: id, calls: 2 });
    });
    expect((await gql(p.url, query, analyst, { id: 'nobody-at-all' })).body.data?.customer).toBe(
      null,
    );
  });

  it('ranks the most promising stored customers for /dialer/next, in memory or not', async () => {
    // Over 400 customers are stored, at most a hundred or two in memory but those pinned
    // (read from the store every 60 commits: 3 s here).
    await eventually(async () => {
      const next = await rest(p.url, dialer, '/dialer/next', { limit: 500 });
      expect(next.status).toBe(200);
      const ranked = ((await next.json()) as { next: { customerId: string }[] }).next;
      expect(ranked.length).toBeGreaterThan(3 * BOUND);
    }, 10_000);
  });
});

describe('a pipeline whose sink cannot give a profile back (a Kafka worker’s changelog)', () => {
  it('keeps every profile, whatever DIALWISE_PROFILES_IN_MEMORY says', async () => {
    const config = loadTestConfig({
      env: { DIALWISE_DATA_DIR: tmpDir(), DIALWISE_PROFILES_IN_MEMORY: '100' },
    });
    const written: number[] = [];
    const sink: Sink = {
      init: async () => undefined,
      write: async (rows) => void written.push(rows.profiles.length),
      loadProfiles: async () => [],
      loadPositions: async () => [],
    };
    const { pipeline, enricher, models } = await openPipeline(config, sink, createLogger('error'), {
      clock: systemClock,
    });
    expect(enricher.profiles.max).toBe(Infinity);
    const events = Array.from({ length: 300 }, (_, i) =>
      event('customer.updated', { customer_id: `kept-${i}`, fields: { region: 'east' } }),
    );
    await pipeline.process(events.map((e) => ({ source: 'http', value: JSON.stringify(e) })));
    await pipeline.flush();
    await pipeline.flush();
    expect(written).toEqual([300]);
    expect(enricher.profiles.size).toBe(300);
    await pipeline.stop();
    models.close();
  });
});
