import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { promisify } from 'node:util';
import { Kafka, logLevel, Partitioners, type Producer } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPlatform, type Platform } from '../../src/cli/platform.js';
import { loadConfig } from '../../src/core/config.js';
import { CallSimulator } from '../../src/datasets/simulator.js';
import { topicFor } from '../../src/pipelines/topics.js';
import { eventually } from '../helpers/eventually.js';
import { gql } from '../helpers/gql.js';
import { requireService } from '../helpers/services.js';
import { tmpDir } from '../helpers/tmp.js';

const brokers = requireService('Kafka', 'KAFKA_BROKERS');

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
    p = await startPlatform(loadConfig({ env: { ...env, DIALWISE_DATA_DIR: tmpDir() } }));
    producer = new Kafka({
      clientId: 'it',
      brokers: brokers!.split(','),
      logLevel: logLevel.WARN,
    }).producer({
      createPartitioner: Partitioners.DefaultPartitioner,
    });
    await producer.connect();
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
      expect(await count('SELECT count(*)::INTEGER AS n FROM events')).toBe(events.length);
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
    const before = await count('SELECT count(*)::INTEGER AS n FROM events');
    const e = new CallSimulator(12).nextCall(new Date()).find((x) => x.type === 'call.started')!;
    const msg = { key: e.customer_id, value: JSON.stringify(e) };
    await producer.send({ topic: topicFor(prefix, e), messages: [msg, msg] });
    await producer.send({ topic: topicFor(prefix, e), messages: [msg] });
    await eventually(async () => expect(p.ingestor.totals.duplicates).toBe(2));
    expect(await count('SELECT count(*)::INTEGER AS n FROM events')).toBe(before + 1);
  });

  it('`dialwise simulate` writes calls to Kafka that the running pipeline ingests', async () => {
    const before = (await gql(p.url, '{ totals { calls conversions } }', p.adminKey)).body.data!
      .totals;
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ['--import', 'tsx', 'src/cli/main.ts', 'simulate', '--calls', '25', '--seed', '5'],
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
});
