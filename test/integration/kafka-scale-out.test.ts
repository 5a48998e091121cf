import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { AssignerProtocol } from 'kafkajs';
import { afterAll, describe, expect, it } from 'vitest';
import type { DialwiseEvent } from '../../src/core/events/index.js';
import { CallSimulator } from '../../src/datasets/simulator.js';
import { Store } from '../../src/core/store/store.js';
import { topicFor } from '../../src/pipelines/index.js';
import { startChildPlatform, type ChildPlatform } from '../helpers/child-platform.js';
import { eventually } from '../helpers/eventually.js';
import { gql } from '../helpers/gql.js';
import { requireService } from '../helpers/services.js';
import { connectAdmin, connectProducer, sendInChunks } from '../helpers/kafka.js';
import { tmpDir } from '../helpers/tmp.js';

const brokers = requireService('Kafka', 'KAFKA_BROKERS');

describe.skipIf(!brokers)('scaled out: two workers and a loader (real broker)', () => {
  const prefix = `it-scale-${randomUUID().slice(0, 8)}`;
  const env = {
    KAFKA_BROKERS: brokers!,
    DIALWISE_TOPIC_PREFIX: prefix,
    DIALWISE_KAFKA_GROUP: prefix,
    DIALWISE_DATA_DIR: tmpDir(),
    DIALWISE_COMMIT_INTERVAL_MS: '100',
    DIALWISE_LOG_LEVEL: 'error',
  };
  const children: ChildPlatform[] = [];
  afterAll(async () => {
    for (const c of children) c.proc.kill('SIGKILL');
    await Promise.all(children.map((c) => c.exited));
  });

  it(
    'shares the partitions, and when a worker dies the other takes over with nothing lost or doubled',
    { timeout: 180_000 },
    async () => {
      const loader = await startChildPlatform(env, 'loader');
      const a = await startChildPlatform(env, 'worker');
      const b = await startChildPlatform(env, 'worker');
      children.push(loader, a, b);
      const admin = await connectAdmin(brokers!);
      const members = async () => {
        const { groups } = await admin.describeGroups([`${prefix}-workers`]);
        return groups[0]!.members.map(
          (m) => AssignerProtocol.MemberAssignment.decode(m.memberAssignment)!.assignment,
        );
      };
      // Co-partitioned: each worker gets the same partition numbers of every family topic.
      const shares = await eventually(
        async () => {
          const m = await members();
          expect(m).toHaveLength(2);
          expect(m.every((a) => Object.keys(a).length === 4)).toBe(true);
          return m;
        },
        60_000,
        250,
      );
      const partitionsOf = (a: Record<string, number[]>) => [
        ...new Set(Object.values(a).map((p) => p.join(','))),
      ];
      expect(shares.map(partitionsOf).every((p) => p.length === 1)).toBe(true);
      expect(shares.map((x) => partitionsOf(x)[0]).sort()).toEqual(['0,2', '1,3']);

      const sim = new CallSimulator(31, 400);
      const events: DialwiseEvent[] = [];
      for (let i = 0; i < 1200; i++)
        events.push(...sim.nextCall(new Date(Date.now() - (1200 - i) * 60_000)));
      const producer = await connectProducer(brokers!);
      const sending = sendInChunks(
        producer,
        events.map((e) => ({
          topic: topicFor(prefix, e),
          key: e.customer_id,
          value: JSON.stringify(e),
        })),
        250,
        50,
      );

      const totals = async () => {
        const r = await gql(loader.url, '{ totals { calls answered conversions } }', loader.key);
        if (!r.body.data)
          throw new Error(`GraphQL ${r.status}: ${JSON.stringify(r.body)}\n${loader.stderr()}`);
        return r.body.data.totals as { calls: number; answered: number; conversions: number };
      };
      await eventually(async () => expect((await totals()).calls).toBeGreaterThan(100), 60_000, 50);
      a.proc.kill('SIGKILL');
      await a.exited;
      await sending;
      await producer.disconnect();

      await eventually(async () => expect(await totals()).toEqual(sim.truth()), 120_000, 250);
      expect(await members()).toHaveLength(1);
      await admin.disconnect();

      // A message and its reply "退订" go through a worker into the loader's store: the
      // contact record's touches and the withdrawal, with the reply as proof.
      const touch = (type: string, patch: object) => ({
        event_id: randomUUID(),
        type,
        ts: new Date().toISOString(),
        schema_version: 1,
        customer_id: 'scale-touch-1',
        touch_id: 'sms-scale-1',
        channel: 'sms',
        ...patch,
      });
      const replies = await connectProducer(brokers!);
      await replies.send({
        topic: `${prefix}.crm`,
        messages: [touch('touch.sent', {}), touch('touch.replied', { text: '退订' })].map((e) => ({
          key: e.customer_id,
          value: JSON.stringify(e),
        })),
      });
      await replies.disconnect();
      const exported = await eventually(
        async () => {
          const res = await fetch(`${loader.url}/consent/export?customer_id=scale-touch-1`, {
            headers: { authorization: `Bearer ${loader.key}` },
          });
          const body = (await res.json()) as {
            state: { channel: string; purpose: string; state: string }[];
            changes: { source: string; text: string }[];
          };
          expect(body.changes).toHaveLength(1);
          return body;
        },
        60_000,
        250,
      );
      expect(exported.changes[0]).toMatchObject({ source: 'sms_reply', text: '退订' });
      expect(exported.state).toContainEqual({
        channel: 'sms',
        purpose: 'marketing',
        state: 'refused',
        since: expect.any(String),
        event_id: expect.any(String),
      });
      // Erased through the workers: the loader deletes the touches, keeps the proof pseudonymised.
      const erased = await fetch(`${loader.url}/customers/scale-touch-1/erase`, {
        method: 'POST',
        headers: { authorization: `Bearer ${loader.key}` },
      });
      expect(erased.status).toBe(200);
      expect(await erased.json()).toMatchObject({
        erased: { touches: 2 },
        kept: { consent_changes: 1 },
      });

      loader.proc.kill('SIGTERM');
      await loader.exited;
      const store = await Store.open(join(env.DIALWISE_DATA_DIR, 'dialwise.duckdb'));
      const [row] = await store.query(
        `SELECT (SELECT count(*)::INTEGER FROM turns) AS turns,
                (SELECT count(DISTINCT event_id)::INTEGER FROM turns) AS distinct_turns,
                (SELECT count(*)::INTEGER FROM calls) AS calls,
                (SELECT sum((state->>'calls')::INTEGER)::INTEGER FROM profiles) AS profile_calls,
                (SELECT count(*)::INTEGER FROM touches) AS touches`,
      );
      await store.close();
      const turns = events.filter((e) => e.type === 'dialog.turn').length;
      expect(row).toEqual({
        turns,
        distinct_turns: turns,
        calls: 1200,
        profile_calls: 1200,
        touches: 0,
      });
    },
  );
});
