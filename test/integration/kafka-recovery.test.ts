import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Store } from '../../src/core/store/store.js';
import type { DialwiseEvent } from '../../src/core/events/index.js';
import { CallSimulator } from '../../src/datasets/simulator.js';
import { topicFor } from '../../src/pipelines/index.js';
import { startChildPlatform, type ChildPlatform } from '../helpers/child-platform.js';
import { eventually } from '../helpers/eventually.js';
import { gql } from '../helpers/gql.js';
import { requireService } from '../helpers/services.js';
import { connectProducer, sendInChunks } from '../helpers/kafka.js';
import { tmpDir } from '../helpers/tmp.js';

const brokers = requireService('Kafka', 'KAFKA_BROKERS');

describe.skipIf(!brokers)('Kafka pipeline under disorder and a crash (real broker)', () => {
  const prefix = `it-crash-${randomUUID().slice(0, 8)}`;
  const dataDir = tmpDir();
  const env = {
    KAFKA_BROKERS: brokers!,
    DIALWISE_TOPIC_PREFIX: prefix,
    DIALWISE_KAFKA_GROUP: `${prefix}-pipeline`,
    DIALWISE_DATA_DIR: dataDir,
    DIALWISE_COMMIT_INTERVAL_MS: '100',
  };
  let child: ChildPlatform | undefined;
  afterAll(async () => {
    child?.proc.kill('SIGKILL');
    await child?.exited;
  });

  it(
    'loses nothing and counts nothing twice across kill -9 and restart',
    { timeout: 180_000 },
    async () => {
      const sim = new CallSimulator(21, 300);
      const events: DialwiseEvent[] = [];
      for (let i = 0; i < 1500; i++)
        events.push(...sim.nextCall(new Date(Date.now() - (1500 - i) * 60_000)));
      // Disorder: each customer's events in reverse within blocks of 7, and every 10th sent twice.
      const sent: DialwiseEvent[] = [];
      for (let i = 0; i < events.length; i += 7) sent.push(...events.slice(i, i + 7).reverse());
      const withDupes = sent.flatMap((e, i) => (i % 10 === 0 ? [e, e] : [e]));
      const invalid = [
        { topic: `${prefix}.calls`, value: '{"type": "call.started", "event_id": ' },
        {
          topic: `${prefix}.calls`,
          value: JSON.stringify({ ...events[0], event_id: randomUUID(), schema_version: 2 }),
        },
        {
          topic: `${prefix}.web`,
          value: JSON.stringify({
            ...events.find((e) => e.type === 'web.visit'),
            event_id: randomUUID(),
            customer_id: undefined,
          }),
        },
      ];

      const producer = await connectProducer(brokers!);
      child = await startChildPlatform(env);
      // The dialer keeps sending while the pipeline dies and comes back.
      const messages = [
        ...withDupes.map((e) => ({
          topic: topicFor(prefix, e),
          key: e.customer_id,
          value: JSON.stringify(e),
        })),
        ...invalid.map((m) => ({ ...m, key: 'x' })),
      ];
      const sending = sendInChunks(producer, messages);

      const ingested = async (c: ChildPlatform) => {
        const r = await gql(c.url, '{ totals { eventsIngested } }', c.key);
        if (!r.body.data) {
          throw new Error(
            `GraphQL ${r.status}: ${JSON.stringify(r.body)}\n${c.stderr().slice(-3000)}`,
          );
        }
        return r.body.data.totals.eventsIngested as number;
      };
      await eventually(
        async () => expect(await ingested(child!)).toBeGreaterThan(1000),
        60_000,
        20,
      );
      child.proc.kill('SIGKILL');
      await child.exited;
      const partial = await readCounts(dataDir);
      expect(partial.accepted).toBeGreaterThan(0);
      expect(partial.accepted).toBeLessThan(events.length);
      await sending;
      await producer.disconnect();

      child = await startChildPlatform(env);
      await eventually(async () => expect(await ingested(child!)).toBe(events.length), 90_000, 100);
      const truth = sim.truth();
      const { body } = await gql(
        child.url,
        '{ totals { calls answered conversions deadLetters } }',
        child.key,
      );
      expect(body.data!.totals).toEqual({ ...truth, deadLetters: 3 });
      child.proc.kill('SIGTERM');
      await child.exited;
      child = undefined;

      const after = await readCounts(dataDir);
      const turns = events.filter((e) => e.type === 'dialog.turn').length;
      expect(after).toMatchObject({
        accepted: events.length,
        duplicates: withDupes.length - events.length,
        turns,
        distinctTurns: turns,
        profileCalls: truth.calls,
        openCalls: 0,
      });
      expect(after.reasons).toEqual([
        expect.stringMatching(/^invalid web.visit: customer_id/),
        expect.stringMatching(/^malformed JSON/),
        'unsupported schema_version 2 (supported: 1)',
      ]);
    },
  );
});

async function readCounts(dataDir: string) {
  const store = await Store.open(join(dataDir, 'dialwise.duckdb'));
  const counter = async (name: string) =>
    Number(
      (
        await store.query<{ v: bigint }>('SELECT value AS v FROM ingest_counters WHERE name = ?', [
          name,
        ])
      )[0]?.v ?? 0,
    );
  const one = async (sql: string) => Number(Object.values((await store.query(sql))[0]!)[0]);
  const result = {
    accepted: await counter('accepted'),
    duplicates: await counter('duplicates'),
    turns: await one('SELECT count(*) FROM turns'),
    distinctTurns: await one('SELECT count(DISTINCT event_id) FROM turns'),
    profileCalls: await one("SELECT COALESCE(sum((state->>'calls')::INTEGER), 0) FROM profiles"),
    openCalls: await one(
      "SELECT COALESCE(sum(json_array_length(json_keys(state->'open_calls'))), 0) FROM profiles",
    ),
    reasons: (
      await store.query<{ reason: string }>('SELECT reason FROM dead_letters ORDER BY reason')
    ).map((r) => r.reason),
  };
  await store.close();
  return result;
}
