import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPlatform, type Platform } from '../../src/app/index.js';
import { loadTestConfig } from '../helpers/config.js';
import { createFieldCipher } from '../../src/core/crypto.js';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gql } from '../helpers/gql.js';
import { tmpDir } from '../helpers/tmp.js';
import { eventFixtures } from '../helpers/fixtures.js';

const CALLS = 300;

describe('embedded platform end to end', () => {
  let p: Platform;
  let dataDir: string;

  beforeAll(async () => {
    dataDir = tmpDir();
    p = await startPlatform(
      loadTestConfig({
        env: { DIALWISE_PORT: '0', DIALWISE_DATA_DIR: dataDir, DIALWISE_LOG_LEVEL: 'warn' },
      }),
      {
        simulate: { calls: CALLS, seed: 42, ratePerSec: 0 },
      },
    );
    await p.waitForIdle();
  });
  afterAll(() => p?.stop());

  it('stores every simulated call in DuckDB', async () => {
    const [row] = await p.store.query<{ n: number }>(
      'SELECT count(*)::INTEGER AS n FROM calls WHERE started_at IS NOT NULL',
    );
    expect(row!.n).toBe(CALLS);
    const [turns] = await p.store.query<{ n: number }>('SELECT count(*)::INTEGER AS n FROM turns');
    expect(turns!.n).toBeGreaterThan(CALLS);
  });

  it('answers the KPI query by region with exactly the simulator’s numbers', async () => {
    const { status, body } = await gql(
      p.url,
      `{ kpis(by: REGION) { key calls answered conversions complaints transfers conversionRate
         connectRate complaintRate transferRate avgTalkSeconds contactsPerCustomer costPerConversion
         abandoned abandonRate customersSampled } }`,
      p.adminKey,
    );
    expect(status).toBe(200);
    const truth = p.simulator!.truthByRegion;
    expect(body.data!.kpis).toHaveLength(truth.size);
    for (const row of body.data!.kpis) {
      const t = truth.get(row.key)!;
      const d = p.simulator!.detailByRegion.get(row.key)!;
      expect(row).toEqual({
        key: row.key,
        calls: t.calls,
        answered: t.answered,
        conversions: t.conversions,
        complaints: d.complaints,
        transfers: 0, // the simulator's calls stay with their bot or agent
        conversionRate: t.conversions / t.calls,
        connectRate: t.answered / t.calls,
        complaintRate: d.complaints / t.answered,
        transferRate: 0,
        abandoned: d.abandoned,
        abandonRate: d.abandoned / (t.answered + d.abandoned),
        customersSampled: false,
        avgTalkSeconds: expect.closeTo(d.talkSeconds / t.answered, 9),
        contactsPerCustomer: expect.closeTo(t.calls / d.customers.size, 9),
        // default costs: 0.1 per bot minute, 1.5 per agent minute
        costPerConversion: expect.closeTo(
          t.conversions
            ? ((d.botSeconds / 60) * 0.1 + (d.agentSeconds / 60) * 1.5) / t.conversions
            : 0,
          9,
        ),
      });
    }
    // By hour and by day (UTC) the rows add up to the same calls; a time filter narrows them.
    const sum = (rows: { calls: number }[]) => rows.reduce((a, r) => a + r.calls, 0);
    const byHour = await gql(p.url, '{ kpis(by: HOUR) { key calls } }', p.adminKey);
    const byDay = await gql(p.url, '{ kpis(by: DAY) { key calls } }', p.adminKey);
    expect(sum(byHour.body.data!.kpis)).toBe(p.simulator!.truth().calls);
    expect(sum(byDay.body.data!.kpis)).toBe(p.simulator!.truth().calls);
    for (const r of byHour.body.data!.kpis) expect(r.key).toMatch(/^([01]\d|2[0-3])$/);
    const future = await gql(
      p.url,
      `{ kpis(by: REGION, from: "${new Date(Date.now() + 3_600_000).toISOString()}") { key } }`,
      p.adminKey,
    );
    expect(future.body.data!.kpis).toEqual([]);
    const bad = await gql(p.url, '{ kpis(by: REGION, from: "yesterday") { key } }', p.adminKey);
    expect(bad.body.errors?.[0]?.message).toMatch(/DateTime: not an ISO 8601 time/);
    const total = await gql(
      p.url,
      '{ totals { calls answered conversions deadLetters } }',
      p.adminKey,
    );
    expect(total.body.data!.totals).toEqual({ ...p.simulator!.truth(), deadLetters: 0 });
  });

  it('keeps a replayed batch from counting twice', async () => {
    const before = await gql(p.url, '{ totals { calls eventsIngested } }', p.adminKey);
    // An erasure is applied again each time it arrives (its customer's dedupe window goes with it).
    const replay = [...eventFixtures().values()].filter((e) => e.type !== 'customer.erased');
    const post = () =>
      fetch(`${p.url}/events`, {
        method: 'POST',
        headers: { authorization: `Bearer ${p.adminKey}` },
        body: JSON.stringify(replay),
      });
    expect((await post()).status).toBe(202);
    await p.waitForIdle();
    expect((await post()).status).toBe(202);
    await p.waitForIdle();
    const after = await gql(p.url, '{ totals { calls eventsIngested } }', p.adminKey);
    expect(after.body.data!.totals.eventsIngested).toBe(
      before.body.data!.totals.eventsIngested + replay.length,
    );
    expect(after.body.data!.totals.calls).toBe(before.body.data!.totals.calls + 1);
  });

  it('dead-letters invalid events over HTTP with the reason, and says which ones', async () => {
    const good = { ...eventFixtures().get('web.visit'), event_id: 'http-good-visit-1' };
    const bad = { ...good, event_id: 'http-bad-visit-1', schema_version: 7 };
    const res = await fetch(`${p.url}/events`, {
      method: 'POST',
      headers: { authorization: `Bearer ${p.adminKey}` },
      body: JSON.stringify([good, bad]),
    });
    expect(res.status).toBe(202);
    expect(await res.json()).toEqual({
      accepted: 1,
      rejected: [{ index: 1, reason: expect.stringMatching(/schema_version 7/) }],
    });
    const notJson = await fetch(`${p.url}/events`, {
      method: 'POST',
      headers: { authorization: `Bearer ${p.adminKey}` },
      body: '{oops',
    });
    expect(notJson.status).toBe(400);
    expect((await notJson.json()).error.message).toMatch(/malformed JSON/);
    const dl = await (
      await fetch(`${p.url}/dead-letters`, { headers: { authorization: `Bearer ${p.adminKey}` } })
    ).json();
    expect(dl.deadLetters.map((d: { reason: string }) => d.reason)).toEqual([
      expect.stringMatching(/malformed JSON/),
      expect.stringMatching(/unsupported schema_version 7/),
    ]);
    expect(dl.deadLetters[1].payload).toContain('http-bad-visit-1');
  });

  it('stores names and phones encrypted, with a keyed look-up hash', async () => {
    const update = {
      ...eventFixtures().get('customer.updated'),
      event_id: 'pii-test-update-1',
      customer_id: 'pii-test-1',
    };
    const res = await fetch(`${p.url}/events`, {
      method: 'POST',
      headers: { authorization: `Bearer ${p.adminKey}` },
      body: JSON.stringify([update]),
    });
    expect(res.status).toBe(202);
    const rows = await p.store.query<{ name_enc: string; phone_enc: string; phone_hash: string }>(
      "SELECT name_enc, phone_enc, phone_hash FROM profiles WHERE customer_id = 'pii-test-1'",
    );
    const row = rows[0]!;
    expect(row.phone_enc).not.toContain('138');
    const cipher = createFieldCipher(readFileSync(join(dataDir, 'data.key'), 'utf8'));
    expect(cipher.decrypt(row.name_enc)).toBe('王伟');
    expect(cipher.decrypt(row.phone_enc)).toBe('+86 138 1234 5678');
    expect(row.phone_hash).toBe(cipher.lookupHash('+8613812345678'));
    for (const file of readdirSync(dataDir).filter((f) => f.startsWith('dialwise.duckdb'))) {
      expect(readFileSync(join(dataDir, file)).includes(Buffer.from('1234 5678')), file).toBe(
        false,
      );
    }
  });

  it('exposes Prometheus metrics to admins only', async () => {
    expect((await fetch(`${p.url}/metrics`)).status).toBe(401);
    const res = await fetch(`${p.url}/metrics`, {
      headers: { authorization: `Bearer ${p.adminKey}` },
    });
    expect(res.status).toBe(200);
    const text = await res.text();
    const accepted = /dialwise_events_total\{result="accepted"\} (\d+)/.exec(text);
    expect(Number(accepted![1])).toBeGreaterThan(CALLS);
    expect(text).toMatch(/dialwise_event_to_profile_seconds_bucket/);
    expect(text).toMatch(/dialwise_commit_seconds_count [1-9]/);
  });
});
