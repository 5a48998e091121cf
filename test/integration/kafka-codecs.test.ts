// Records as other producers write them: Kafka's own console producer (Java,
// the reference client) with every compression codec Kafka has, read by the
// platform; and the platform's producer codec, read back by Kafka's console consumer.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPlatform, type Platform } from '../../src/app/index.js';
import { canProduce, KAFKA_CODECS } from '../../src/core/bus/codecs.js';
import { KafkaJSNonRetriableError } from 'kafkajs';
import { CONSUMER, KafkaBus } from '../../src/core/bus/kafka.js';
import { Health } from '../../src/core/health.js';
import { loadTestConfig } from '../helpers/config.js';
import { DialwiseError } from '../../src/core/errors.js';
import { eventually } from '../helpers/eventually.js';
import { kafkaTool, storedCodecs } from '../helpers/kafka-tools.js';
import { requireService } from '../helpers/services.js';
import { tmpDir } from '../helpers/tmp.js';

const brokers = requireService('Kafka', 'KAFKA_BROKERS');

const visit = (customer: string, i: number) =>
  JSON.stringify({
    event_id: randomUUID(),
    type: 'web.visit',
    ts: new Date(Date.now() - 60_000 + i).toISOString(),
    schema_version: 1,
    customer_id: customer,
    page: `/pricing?i=${i}`,
    product: 'wealth',
  });

describe.skipIf(!brokers)('Kafka records from other clients, every codec', () => {
  const prefix = `codec-${randomUUID().slice(0, 8)}`;
  let p: Platform;

  beforeAll(async () => {
    p = await startPlatform(
      loadTestConfig({
        env: {
          KAFKA_BROKERS: brokers!,
          DIALWISE_TOPIC_PREFIX: prefix,
          DIALWISE_KAFKA_GROUP: `${prefix}-pipeline`,
          DIALWISE_PORT: '0',
          DIALWISE_LOG_LEVEL: 'warn',
          DIALWISE_DATA_DIR: tmpDir(),
        },
      }),
    );
  });
  afterAll(() => p?.stop());

  const visits = async (customer: string) =>
    (
      await p.store.query<{ n: number }>(
        'SELECT count(*)::INTEGER AS n FROM web_visits WHERE customer_id = ?',
        [customer],
      )
    )[0]!.n;

  it.each(KAFKA_CODECS)(
    'ingests web visits that Kafka’s console producer wrote with %s',
    async (codec) => {
      const customer = `cust-${codec}`;
      const lines = Array.from({ length: 30 }, (_, i) => `${customer}\t${visit(customer, i)}`);
      const r = await kafkaTool(
        'org.apache.kafka.tools.ConsoleProducer',
        [
          '--bootstrap-server',
          brokers!,
          '--topic',
          `${prefix}.web`,
          // Its own flag: a compression.type property is overridden by this flag's default.
          '--compression-codec',
          codec,
          '--command-property',
          'linger.ms=200',
          '--reader-property',
          'parse.key=true',
          '--reader-property',
          'key.separator=\t',
        ],
        lines.join('\n') + '\n',
      );
      expect(r.code, r.stderr).toBe(0);
      await eventually(async () => expect(await visits(customer)).toBe(30), 30_000);
      expect((await fetch(`${p.url}/health`)).status).toBe(200);
    },
  );

  it('stored batches in each of those codecs (so each was really read)', async () => {
    expect((await storedCodecs(`${prefix}.web`)).sort()).toEqual(
      ['gzip', 'lz4', 'none', 'snappy', 'zstd'].sort(),
    );
  });

  it.each(KAFKA_CODECS.filter((c) => canProduce(c)))(
    'writes with %s when configured, and Kafka’s console consumer reads it',
    async (codec) => {
      const topic = `${prefix}.out-${codec}`;
      const bus = new KafkaBus({
        brokers: brokers!.split(','),
        clientId: 'codec-it',
        partitions: 1,
        compression: codec,
      });
      try {
        await bus.publish(
          topic,
          Array.from({ length: 20 }, (_, i) => ({ key: 'k', value: visit('out', i) })),
        );
      } finally {
        await bus.close();
      }
      const r = await kafkaTool('org.apache.kafka.tools.consumer.ConsoleConsumer', [
        '--bootstrap-server',
        brokers!,
        '--topic',
        topic,
        '--from-beginning',
        '--max-messages',
        '20',
        '--timeout-ms',
        '30000',
      ]);
      const read = r.stdout.split('\n').filter((l) => l.startsWith('{'));
      expect(read).toHaveLength(20);
      expect(JSON.parse(read[0]!).type).toBe('web.visit');
      expect(await storedCodecs(topic)).toEqual([codec]);
    },
  );

  it('refuses at start a codec this Node.js cannot write, naming the fix', () => {
    if (canProduce('zstd')) return; // Node ≥ 22.15 writes zstd itself
    expect(
      () =>
        new KafkaBus({ brokers: [brokers!], clientId: 'x', partitions: 1, compression: 'zstd' }),
    ).toThrow(DialwiseError);
  });
});

describe.skipIf(!brokers)('a Kafka consumer that crashes', () => {
  it('is started again with back-off, and /health-style health says so meanwhile', async () => {
    const health = new Health();
    const topic = `crash-${randomUUID().slice(0, 8)}`;
    const bus = new KafkaBus({
      brokers: brokers!.split(','),
      clientId: 'crash-it',
      partitions: 1,
      health,
    });
    const seen: string[] = [];
    let failures = 0;
    try {
      await bus.publish(topic, [{ key: 'k', value: 'first' }]);
      const sub = await bus.subscribe({
        groupId: `${topic}-g`,
        topics: [topic],
        async onBatch(records) {
          // Not retriable: kafkajs leaves such a consumer stopped for good.
          if (failures++ === 0) throw new KafkaJSNonRetriableError('the handler broke');
          seen.push(...records.map((r) => r.value));
        },
      });
      await eventually(
        async () => expect(health.failing(CONSUMER)?.reason).toMatch(/the handler broke/),
        20_000,
      );
      await eventually(async () => expect(seen).toEqual(['first']), 30_000);
      await eventually(async () => expect(health.healthy).toBe(true), 10_000);
      await sub.stop();
    } finally {
      await bus.close();
    }
  });
});
