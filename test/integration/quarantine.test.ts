import { afterEach, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { createFieldCipher } from '../../src/core/crypto.js';
import { Health } from '../../src/core/health.js';
import { createLogger } from '../../src/core/log.js';
import { migrate, Store } from '../../src/core/store/store.js';
import {
  DuckDbSink,
  type Position,
  Pipeline,
  STORE,
  type SinkRows,
} from '../../src/pipelines/index.js';
import { tmpDir } from '../helpers/tmp.js';
import { keywordEnricher } from '../helpers/enricher.js';

const cipher = createFieldCipher(Buffer.alloc(32, 3).toString('base64'));
const logger = createLogger('error');

const turn = (customer: string, call: string, n: number, text = '你好') =>
  JSON.stringify({
    event_id: `ev-${customer}-${call}-${n}`,
    type: 'dialog.turn',
    ts: new Date(Date.UTC(2026, 10, 1, 10, 0, n)).toISOString(),
    schema_version: 1,
    customer_id: customer,
    call_id: call,
    turn: n,
    speaker: 'customer',
    text,
    asr_confidence: 0.9,
  });

/**
 * The real DuckDB sink with a fault put in: a row the store refuses (what a
 * poison pill would be, were it not stopped at the edge), or the whole store
 * failing for a while (a full disk, as far as the pipeline can tell).
 */
class FaultySink extends DuckDbSink {
  poison?: (rows: SinkRows) => void;
  failing = false;
  writes = 0;
  override async write(rows: SinkRows, positions: Position[]): Promise<void> {
    this.writes++;
    if (this.failing) throw new Error('IO Error: No space left on device');
    this.poison?.(rows);
    return super.write(rows, positions);
  }
}

describe('poison pills and a failing store', () => {
  let store: Store;
  let pipeline: Pipeline | undefined;
  afterEach(async () => {
    await pipeline?.stop(1_000);
    await store.close();
  });

  const open = async (sink: FaultySink, health: Health) => {
    pipeline = await Pipeline.open({
      sink,
      enricher: keywordEnricher(),
      cipher,
      logger,
      commitIntervalMs: 60_000,
      maxPending: 100_000,
      health,
    });
    return pipeline;
  };

  it('isolates a row DuckDB refuses, dead-letters it with the reason, commits the rest', async () => {
    store = await Store.open(join(tmpDir(), 'q.duckdb'));
    await migrate(store);
    const sink = new FaultySink(store);
    const health = new Health();
    const p = await open(sink, health);
    // Out of INTEGER's range: the commit's INSERT fails on this one row only.
    sink.poison = (rows) => {
      const bad = rows.turns.find((t) => t.event_id.endsWith('-7'));
      if (bad) (bad as { turn: number }).turn = 1e15;
    };
    await p.process(
      Array.from({ length: 40 }, (_, i) => ({
        source: 'http',
        value: turn(`c${i % 5}`, `call-${i % 5}`, i),
      })),
    );
    await p.flush();
    const [turns] = await store.query<{ n: number }>('SELECT count(*)::INTEGER AS n FROM turns');
    expect(turns!.n).toBe(39);
    const dead = await store.query<{ source: string; reason: string; payload: string }>(
      'SELECT source, reason, payload FROM dead_letters',
    );
    expect(dead).toHaveLength(1);
    expect(dead[0]!.source).toBe('store');
    expect(dead[0]!.reason).toMatch(/refused this turns row: .*INT32|out of range/i);
    expect(dead[0]!.payload).toContain('ev-c2-call-2-7');
    expect(health.healthy).toBe(true);
    // The pipeline goes on: the next commit is whole.
    sink.poison = undefined;
    await p.process([{ source: 'http', value: turn('c9', 'call-9', 1) }]);
    await p.flush();
    const [after] = await store.query<{ n: number }>('SELECT count(*)::INTEGER AS n FROM turns');
    expect(after!.n).toBe(40);
  });

  it('reports a store that fails as unhealthy, keeps the rows, and commits them once it is back', async () => {
    store = await Store.open(join(tmpDir(), 'q2.duckdb'));
    await migrate(store);
    const sink = new FaultySink(store);
    const health = new Health();
    const p = await open(sink, health);
    sink.failing = true;
    await p.process([1, 2, 3].map((n) => ({ source: 'http', value: turn('c1', 'call-1', n) })));
    const flushed = p.flush();
    await expect.poll(() => health.failing(STORE)?.reason, { timeout: 5_000 }).toMatch(/space/);
    expect(sink.writes).toBeGreaterThanOrEqual(1);
    sink.failing = false;
    await flushed;
    expect(health.healthy).toBe(true);
    const [turns] = await store.query<{ n: number }>('SELECT count(*)::INTEGER AS n FROM turns');
    expect(turns!.n).toBe(3);
    const [dead] = await store.query<{ n: number }>(
      'SELECT count(*)::INTEGER AS n FROM dead_letters',
    );
    expect(dead!.n).toBe(0); // the store's fault, not the rows': nothing quarantined
  });

  it('stops within its deadline while the store keeps failing', async () => {
    store = await Store.open(join(tmpDir(), 'q3.duckdb'));
    await migrate(store);
    const sink = new FaultySink(store);
    const p = await open(sink, new Health());
    sink.failing = true;
    await p.process([{ source: 'http', value: turn('c1', 'call-1', 1) }]);
    const started = Date.now();
    await p.stop(500);
    expect(Date.now() - started).toBeLessThan(3_000);
    pipeline = undefined;
  });

  it.each([
    ['in a later commit', true],
    ['in the same commit', false],
  ])(
    'keeps one customer per call_id: a second customer using it %s is dead-lettered, not merged',
    async (_, apart) => {
      store = await Store.open(join(tmpDir(), 'q4.duckdb'));
      await migrate(store);
      const sink = new FaultySink(store);
      const p = await open(sink, new Health());
      await p.process([{ source: 'http', value: turn('alice', 'shared-call', 1, '我是Alice') }]);
      if (apart) await p.flush();
      await p.process([
        { source: 'http', value: turn('bob', 'shared-call', 2, '我是Bob') },
        { source: 'http', value: turn('carol', 'own-call', 1) },
      ]);
      await p.flush();
      const calls = await store.query<{ call_id: string; customer_id: string }>(
        'SELECT call_id, customer_id FROM calls ORDER BY call_id',
      );
      expect(calls).toEqual([
        { call_id: 'own-call', customer_id: 'carol' },
        { call_id: 'shared-call', customer_id: 'alice' },
      ]);
      const turns = await store.query<{ customer_id: string }>(
        "SELECT customer_id FROM turns WHERE call_id = 'shared-call'",
      );
      expect(turns.map((t) => t.customer_id)).toEqual(['alice']);
      const dead = await store.query<{ reason: string }>('SELECT reason FROM dead_letters');
      expect(dead.map((d) => d.reason)).toContain(
        'call_id shared-call belongs to another customer',
      );
    },
  );
  it('dead-letters an event whose id another event of the same commit has, and goes on', async () => {
    // Found by Schemathesis on POST /events: two touches of one id in a commit
    // were each fine alone, never together, and the commit was retried forever.
    store = await Store.open(join(tmpDir(), 'q5.duckdb'));
    await migrate(store);
    const health = new Health();
    const p = await open(new FaultySink(store), health);
    const touch = (customer: string, type: string) =>
      JSON.stringify({
        event_id: '00000000',
        type,
        ts: '2026-11-01T10:00:00Z',
        schema_version: 1,
        customer_id: customer,
        touch_id: `t-${customer}`,
        channel: 'sms',
        ...(type === 'touch.replied' && { text: '好的' }),
      });
    await p.process([
      { source: 'http', value: touch('u1', 'touch.sent') },
      { source: 'http', value: touch('u2', 'touch.replied') },
      { source: 'http', value: turn('u3', 'call-3', 1) },
    ]);
    await p.flush();
    const touches = await store.query<{ customer_id: string }>('SELECT customer_id FROM touches');
    expect(touches).toEqual([{ customer_id: 'u1' }]);
    const dead = await store.query<{ reason: string; payload: string }>(
      'SELECT reason, payload FROM dead_letters',
    );
    expect(dead).toHaveLength(1);
    expect(dead[0]!.reason).toMatch(/same commit has this event_id: the first is kept/);
    expect(dead[0]!.payload).toContain('t-u2');
    expect(health.healthy).toBe(true);
    const [turns] = await store.query<{ n: number }>('SELECT count(*)::INTEGER AS n FROM turns');
    expect(turns!.n).toBe(1);
  });
});
