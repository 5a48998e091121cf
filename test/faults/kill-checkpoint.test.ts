// Fault: the process is killed (kill -9) while DuckDB checkpoints. With a
// 64 KB checkpoint threshold nearly every commit checkpoints, so kills at
// random moments of a busy ingest land in checkpoints; each restart must
// replay to exactly the committed state and resume from Kafka's records.
// Promised: nothing lost, nothing counted twice, back within seconds.
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Store } from '../../src/core/store/store.js';
import type { DialwiseEvent } from '../../src/core/events/index.js';
import { CallSimulator } from '../../src/datasets/simulator.js';
import { topicFor } from '../../src/pipelines/index.js';
import { startChildPlatform, type ChildPlatform } from '../helpers/child-platform.js';
import { reportFault, until } from '../helpers/faults.js';
import { gql } from '../helpers/gql.js';
import { connectProducer, sendInChunks } from '../helpers/kafka.js';
import { requireService } from '../helpers/services.js';
import { tmpDir } from '../helpers/tmp.js';

const brokers = requireService('Kafka', 'KAFKA_BROKERS');

describe.skipIf(!brokers)('fault: killed during checkpoints', () => {
  let child: ChildPlatform | undefined;
  afterAll(async () => {
    child?.proc.kill('SIGKILL');
    await child?.exited;
  });

  it(
    'replays to the committed state after each kill -9, and ends exact',
    { timeout: 300_000 },
    async () => {
      const prefix = `fault-ckpt-${randomUUID().slice(0, 8)}`;
      const dataDir = tmpDir();
      const env = {
        KAFKA_BROKERS: brokers!,
        DIALWISE_TOPIC_PREFIX: prefix,
        DIALWISE_KAFKA_GROUP: `${prefix}-pipeline`,
        DIALWISE_DATA_DIR: dataDir,
        DIALWISE_COMMIT_INTERVAL_MS: '50',
        DIALWISE_DUCKDB_CHECKPOINT: '64KB',
      };
      const sim = new CallSimulator(51, 300);
      const events: DialwiseEvent[] = [];
      for (let i = 0; i < 1500; i++)
        events.push(...sim.nextCall(new Date(Date.now() - (1500 - i) * 60_000)));
      const producer = await connectProducer(brokers!);
      child = await startChildPlatform(env);
      const sending = sendInChunks(
        producer,
        events.map((e) => ({
          topic: topicFor(prefix, e),
          key: e.customer_id,
          value: JSON.stringify(e),
        })),
        200,
        60,
      );
      const ingested = async (c: ChildPlatform) =>
        (await gql(c.url, '{ totals { eventsIngested } }', c.key)).body.data?.totals
          .eventsIngested as number;

      const restarts: number[] = [];
      for (let kill = 1; kill <= 3; kill++) {
        const c: ChildPlatform = child;
        const mark = Math.floor((events.length * kill) / 4);
        await until(
          async () => (await ingested(c)) >= mark,
          90_000,
          `a quarter more before kill ${kill}`,
        );
        // A random moment within the next half second of commits and checkpoints.
        await new Promise((r) => setTimeout(r, Math.random() * 500));
        c.proc.kill('SIGKILL');
        await c.exited;
        const started = Date.now();
        child = await startChildPlatform(env);
        restarts.push(Date.now() - started);
      }
      await sending;
      await producer.disconnect();
      const final: ChildPlatform = child;
      await until(async () => (await ingested(final)) === events.length, 120_000, 'caught up', 500);
      final.proc.kill('SIGTERM');
      await final.exited;
      child = undefined;

      const store = await Store.open(join(dataDir, 'dialwise.duckdb'));
      const [row] = await store.query<{ turns: number; distinct: number; calls: number }>(
        `SELECT (SELECT count(*) FROM turns)::INTEGER AS turns,
              (SELECT count(DISTINCT event_id) FROM turns)::INTEGER AS distinct,
              (SELECT count(*) FROM calls)::INTEGER AS calls`,
      );
      await store.close();
      const turns = events.filter((e) => e.type === 'dialog.turn').length;
      expect(row).toEqual({ turns, distinct: turns, calls: sim.truth().calls });
      reportFault('kill-during-checkpoint', {
        events: events.length,
        kills: 3,
        lost: 0,
        duplicated: row!.turns - row!.distinct,
        restartSeconds: restarts.map((ms) => Math.round(ms / 100) / 10),
      });
    },
  );
});
