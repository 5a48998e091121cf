import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { promisify } from 'node:util';
import { Kafka, logLevel, type Producer } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPlatform, type Platform } from '../../src/app/index.js';
import { loadTestConfig } from '../helpers/config.js';
import { CallSimulator } from '../../src/datasets/simulator.js';
import { topicFor } from '../../src/pipelines/index.js';
import { eventually } from '../helpers/eventually.js';
import { gql } from '../helpers/gql.js';
import { requireService } from '../helpers/services.js';
import { connectAdmin, connectProducer } from '../helpers/kafka.js';
import { tmpDir } from '../helpers/tmp.js';

const brokers = requireService('Kafka', 'KAFKA_BROKERS');
const ACCEPTED = "SELECT value::INTEGER AS n FROM ingest_counters WHERE name = 'accepted'";

describe.skipIf(!brokers)('Kafka end to end (real broker)', () => {
  // Own topics and group per run, so reruns and other tests never interfere.
  const prefix = `it-${randomUUID().slice(0, 8)}`;
  const env = {
    KAFKA_BROKERS: brokers!,
    DIALWISE_TOPIC_PREFIX: prefix,
    DIALWISE_KAFKA_GROUP: `${prefix}-pipeline`,
    DIALWISE_PORT: '0',
    DIALWISE_LOG_LEVEL: 'warn',
  };
  let p: Platform;
  let producer: Producer;

  const count = async (sql: string) => (await p.store.query<{ n: number }>(sql))[0]!.n;

  beforeAll(async () => {
    p = await startPlatform(loadTestConfig({ env: { ...env, DIALWISE_DATA_DIR: tmpDir() } }));
    producer = await connectProducer(brokers!);
  });
  afterAll(async () => {
    await producer?.disconnect();
    await p?.stop();
  });

  it('consumes events produced with kafkajs into DuckDB, and dead-letters an invalid one with its reason', async () => {
    const sim = new CallSimulator(11);
    const events = Array.from({ length: 40 }, (_, i) =>
      sim.nextCall(new Date(Date.now() - i * 60_000)),
    ).flat();
    for (const e of events) {
      await producer.send({
        topic: topicFor(prefix, e),
        messages: [{ key: e.customer_id, value: JSON.stringify(e) }],
      });
    }
    await producer.send({
      topic: `${prefix}.calls`,
      messages: [{ key: 'cust-x', value: '{"type":"call.started",' }],
    });
    const wrongVersion = {
      ...events.find((e) => e.type === 'call.started')!,
      event_id: randomUUID(),
      schema_version: 3,
    };
    await producer.send({
      topic: `${prefix}.calls`,
      messages: [{ key: 'cust-x', value: JSON.stringify(wrongVersion) }],
    });

    await eventually(async () => {
      await p.pipeline.flush();
      expect(await count(ACCEPTED)).toBe(events.length);
      expect(await count('SELECT count(*)::INTEGER AS n FROM dead_letters')).toBe(2);
    });
    const { body } = await gql(p.url, '{ totals { calls answered conversions } }', p.adminKey);
    expect(body.data!.totals).toEqual(sim.truth());
    const dead = await p.store.query<{ source: string; reason: string }>(
      'SELECT source, reason FROM dead_letters ORDER BY reason',
    );
    expect(dead).toEqual([
      { source: `${prefix}.calls`, reason: expect.stringMatching(/^malformed JSON/) },
      { source: `${prefix}.calls`, reason: 'unsupported schema_version 3 (supported: 1)' },
    ]);
  });

  it('counts an event redelivered by Kafka only once', async () => {
    const before = await count(ACCEPTED);
    const e = new CallSimulator(12).nextCall(new Date()).find((x) => x.type === 'call.started')!;
    const msg = { key: e.customer_id, value: JSON.stringify(e) };
    await producer.send({ topic: topicFor(prefix, e), messages: [msg, msg] });
    await producer.send({ topic: topicFor(prefix, e), messages: [msg] });
    await eventually(async () => {
      await p.pipeline.flush();
      expect(
        await count("SELECT value::INTEGER AS n FROM ingest_counters WHERE name = 'duplicates'"),
      ).toBe(2);
    });
    expect(await count(ACCEPTED)).toBe(before + 1);
  });

  it('`dialwise feed` writes calls to Kafka that the running pipeline ingests', async () => {
    const before = (await gql(p.url, '{ totals { calls conversions } }', p.adminKey)).body.data!
      .totals;
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ['--import', 'tsx', 'src/cli/main.ts', 'feed', '--calls', '25', '--seed', '5'],
      { env: { ...process.env, ...env } },
    );
    const out = JSON.parse(stdout);
    expect(out).toMatchObject({ bus: 'kafka', calls: 25 });
    await eventually(async () => {
      const now = (await gql(p.url, '{ totals { calls conversions } }', p.adminKey)).body.data!
        .totals;
      expect(now).toEqual({
        calls: before.calls + 25,
        conversions: before.conversions + out.truth.conversions,
      });
    });
  });

  it('maps a CRM push with Chinese field names into the profile, keeping unknown fields aside', async () => {
    const res = await fetch(`${p.url}/customer/update`, {
      method: 'POST',
      headers: { authorization: `Bearer ${p.adminKey}` },
      body: JSON.stringify({
        customer_id: 'crm-cust-1',
        fields: {
          客户等级: 'A',
          行业: '制造业',
          '年营收(万)': '3,200',
          手机: '+86 139 0000 1111',
          微信号: 'wx_abc',
          是否决策人: '是',
          公司规模: '',
        },
      }),
    });
    expect(res.status).toBe(202);
    const body = await res.json();
    expect(body.unmapped).toEqual(['微信号']);
    const query = `{ customer(id: "crm-cust-1") { crm { key value } crmUnmapped { key value } personal { key kind value } phoneMasked tags } }`;
    const c = await eventually(async () => {
      const r = await gql(p.url, query, p.adminKey);
      expect(r.body.data!.customer).not.toBeNull();
      return r.body.data!.customer;
    });
    expect(
      Object.fromEntries(c.crm.map((f: { key: string; value: string }) => [f.key, f.value])),
    ).toMatchObject({
      customer_tier: 'A',
      // The value too is mapped (config/crm-mapping.json `values`): calling windows are keyed by it.
      industry: 'manufacturing',
      annual_revenue_wan: '3200',
      is_decision_maker: 'true',
    });
    // An unmapped WeChat id is personal data: sealed with the rest, not kept aside in the clear.
    expect(c.crmUnmapped).toEqual([]);
    expect(c.personal).toEqual([{ key: '微信号', kind: 'wechat', value: 'wx_abc' }]);
    expect(c.phoneMasked).toBe('861******1111');
    expect(c.tags).toContain('vip');
  });

  it('reflects a consent revocation in the profile and its tags', async () => {
    const consent = (granted: boolean, ts: string) => ({
      event_id: randomUUID(),
      type: 'consent.changed',
      ts,
      schema_version: 1,
      customer_id: 'crm-cust-1',
      scope: 'call',
      granted,
    });
    await producer.send({
      topic: `${prefix}.crm`,
      messages: [
        { key: 'crm-cust-1', value: JSON.stringify(consent(false, new Date().toISOString())) },
      ],
    });
    const query = `{ customer(id: "crm-cust-1") { consent { scope purpose granted } tags } }`;
    await eventually(async () => {
      const c = (await gql(p.url, query, p.adminKey)).body.data!.customer;
      // A refusal without a purpose covers every purpose.
      expect(c.consent).toEqual([
        { scope: 'call', purpose: 'marketing', granted: false },
        { scope: 'call', purpose: 'service', granted: false },
      ]);
      expect(c.tags).toContain('do_not_call');
    });
  });

  it('publishes enriched turns and sealed profile snapshots as derived streams', async () => {
    const consumer = new Kafka({
      clientId: 'it-derived',
      brokers: brokers!.split(','),
      logLevel: logLevel.WARN,
    }).consumer({
      groupId: `${prefix}-derived-reader`,
    });
    await consumer.connect();
    await consumer.subscribe({
      topics: [`${prefix}.turn.enriched`, `${prefix}.profile.updated`],
      fromBeginning: true,
    });
    const seen = { turns: [] as any[], profiles: [] as any[] };
    await consumer.run({
      eachMessage: async ({ topic, message }) => {
        const v = JSON.parse(message.value!.toString());
        (topic.endsWith('turn.enriched') ? seen.turns : seen.profiles).push(v);
      },
    });
    try {
      await eventually(async () => {
        expect(seen.turns.some((t) => t.speaker === 'customer' && t.intent !== null)).toBe(true);
        expect(seen.profiles.some((p) => p.customer_id === 'crm-cust-1' && p.phone_enc)).toBe(true);
      });
      const profile = seen.profiles.find((p) => p.customer_id === 'crm-cust-1' && p.phone_enc);
      expect(JSON.stringify(profile)).not.toContain('139 0000');
      expect(JSON.parse(profile.state)).not.toHaveProperty('phone');
      const admin = await connectAdmin(brokers!);
      const cfg = await admin.describeConfigs({
        includeSynonyms: false,
        resources: [
          { type: 2, name: `${prefix}.profile.updated`, configNames: ['cleanup.policy'] },
        ],
      });
      await admin.disconnect();
      expect(cfg.resources[0]!.configEntries[0]!.configValue).toBe('compact');
    } finally {
      await consumer.disconnect();
    }
  });

  it('reports consumer lag per partition on /metrics', async () => {
    await eventually(
      async () => {
        const res = await fetch(`${p.url}/metrics`, {
          headers: { authorization: `Bearer ${p.adminKey}` },
        });
        const text = await res.text();
        const lags = [
          ...text.matchAll(
            new RegExp(
              `dialwise_consumer_lag\\{source="${prefix}\\.calls",partition="\\d+"\\} (\\d+)`,
              'g',
            ),
          ),
        ];
        expect(lags.length).toBe(4);
        expect(lags.every((m) => Number(m[1]) === 0)).toBe(true);
      },
      20_000,
      500,
    );
  });
});
