// Fault: the Kafka broker stops in the middle of a stream and comes back.
// Promised: nothing lost, nothing counted twice, /health says so while it is
// down (503, a metric, Slack), and the platform catches up by itself.
import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import type { Producer } from 'kafkajs';
import type { DialwiseEvent } from '../../src/core/events/index.js';
import { CallSimulator } from '../../src/datasets/simulator.js';
import { topicFor } from '../../src/pipelines/index.js';
import { startChildPlatform, type ChildPlatform } from '../helpers/child-platform.js';
import { reportFault, until } from '../helpers/faults.js';
import { gql } from '../helpers/gql.js';
import { connectProducer } from '../helpers/kafka.js';
import { privateBroker, type PrivateBroker } from '../helpers/kafka-broker.js';
import { startReceiver, type Receiver } from '../helpers/receiver.js';
import { requireService } from '../helpers/services.js';
import { tmpDir } from '../helpers/tmp.js';

const kafka = requireService('Kafka', 'KAFKA_BROKERS');

describe.skipIf(!kafka)('fault: the Kafka broker stops mid-stream and restarts', () => {
  let broker: PrivateBroker | undefined;
  let child: ChildPlatform | undefined;
  let slack: Receiver | undefined;
  let producer: Producer | undefined;
  afterAll(async () => {
    await producer?.disconnect().catch(() => undefined);
    child?.proc.kill('SIGKILL');
    await broker?.stop().catch(() => undefined);
    await slack?.close();
  });

  it(
    'loses nothing, counts nothing twice, reports the outage and recovers by itself',
    { timeout: 300_000 },
    async () => {
      broker = await privateBroker();
      slack = await startReceiver();
      const prefix = `fault-kafka-${randomUUID().slice(0, 8)}`;
      child = await startChildPlatform({
        KAFKA_BROKERS: broker.brokers,
        DIALWISE_TOPIC_PREFIX: prefix,
        DIALWISE_KAFKA_GROUP: `${prefix}-pipeline`,
        DIALWISE_DATA_DIR: tmpDir(),
        DIALWISE_COMMIT_INTERVAL_MS: '100',
        DIALWISE_HEALTH_ALERT_GRACE_MS: '2000',
        SLACK_WEBHOOK_URL: slack.url,
      });
      const c = child;
      const sim = new CallSimulator(31, 200);
      const events: DialwiseEvent[] = [];
      for (let i = 0; i < 600; i++)
        events.push(...sim.nextCall(new Date(Date.now() - (600 - i) * 60_000)));
      const ingested = async () =>
        (await gql(c.url, '{ totals { eventsIngested } }', c.key)).body.data?.totals.eventsIngested;
      const health = async () => (await fetch(`${c.url}/health`)).status;

      // The dialer keeps sending through the outage, each chunk until Kafka takes it.
      producer = await connectProducer(broker.brokers, true);
      const p = producer;
      let resent = 0;
      const chunks: DialwiseEvent[][] = [];
      for (let i = 0; i < events.length; i += 100) chunks.push(events.slice(i, i + 100));
      const sending = (async () => {
        for (const chunk of chunks) {
          for (;;) {
            try {
              await p.sendBatch({
                topicMessages: [...new Set(chunk.map((e) => topicFor(prefix, e)))].map((topic) => ({
                  topic,
                  messages: chunk
                    .filter((e) => topicFor(prefix, e) === topic)
                    .map((e) => ({ key: e.customer_id, value: JSON.stringify(e) })),
                })),
              });
              break;
            } catch {
              resent++;
              await new Promise((r) => setTimeout(r, 500));
            }
          }
          await new Promise((r) => setTimeout(r, 150));
        }
      })();

      await until(async () => (await ingested()) > 500, 60_000, 'first events ingested');
      const down = Date.now();
      await broker.stop();
      const noticedMs = await until(async () => (await health()) === 503, 60_000, '/health 503');
      const problems = (await (await fetch(`${c.url}/health`)).json()).problems;
      expect(JSON.stringify(problems)).toMatch(/kafka/);
      const metrics = await (
        await fetch(`${c.url}/metrics`, { headers: { authorization: `Bearer ${c.key}` } })
      ).text();
      expect(metrics).toMatch(/dialwise_component_up\{component="kafka-[a-z]+"\} 0/);
      await until(async () => slack!.posts.length > 0, 30_000, 'Slack told');
      await broker.start();
      const up = Date.now();
      await sending;
      const unique = new Set(events.map((e) => e.event_id)).size;
      const caughtUpMs = await until(
        async () => (await ingested()) === unique && (await health()) === 200,
        120_000,
        'caught up and healthy',
        500,
      );
      // Settled: nothing more arrives later (no duplicate counted after the fact).
      await new Promise((r) => setTimeout(r, 2_000));
      expect(await ingested()).toBe(unique);
      expect(JSON.stringify(slack.posts)).toMatch(/kafka-consumer is failing/);
      await until(
        async () => JSON.stringify(slack!.posts).includes('recovered'),
        30_000,
        'Slack told of the recovery',
      );
      reportFault('kafka-broker-restart', {
        events: unique,
        lost: unique - (await ingested()),
        duplicated: 0,
        brokerDownSeconds: Math.round((up - down) / 100) / 10,
        healthNoticedSeconds: Math.round(noticedMs / 100) / 10,
        recoveredSecondsAfterBrokerBack: Math.round(caughtUpMs / 100) / 10,
        producerRetries: resent,
      });
    },
  );
});
