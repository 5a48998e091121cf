import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { manualClock, type Clock } from '../../src/core/clock.js';
import { createFieldCipher } from '../../src/core/crypto.js';
import { createLogger } from '../../src/core/log.js';
import { migrate, Store } from '../../src/core/store/store.js';
import { CallSimulator } from '../../src/datasets/simulator.js';
import {
  DuckDbSink,
  type Position,
  Pipeline,
  type PipelineHooks,
  type SinkRows,
} from '../../src/pipelines/index.js';
import { keywordEnricher } from '../helpers/enricher.js';
import { watchStalls } from '../helpers/stalls.js';

/** The real sink, made to fail its first `failures` writes, and to wait at `gate`. */
class FlakySink extends DuckDbSink {
  gate: Promise<void> = Promise.resolve();
  constructor(
    store: Store,
    public failures: number,
  ) {
    super(store);
  }
  override async write(rows: SinkRows, positions: Position[]): Promise<void> {
    if (this.failures-- > 0) throw new Error('disk full');
    await this.gate;
    return super.write(rows, positions);
  }
}

async function setup(
  failures: number,
  hooks?: PipelineHooks,
  maxPending = 1_000_000,
  clock?: Clock,
) {
  const store = await Store.open(':memory:');
  await migrate(store);
  const sink = new FlakySink(store, failures);
  const logged: string[] = [];
  const enricher = keywordEnricher();
  const pipeline = await Pipeline.open({
    sink,
    enricher,
    cipher: createFieldCipher(randomBytes(32).toString('base64')),
    logger: createLogger('error', (line) => void logged.push(line)),
    commitIntervalMs: 60_000,
    maxPending,
    hooks,
    ...(clock && { clock }),
  });
  const records = new CallSimulator(4)
    .nextCall(new Date())
    .map((e, i) => ({ source: 't', partition: 0, offset: String(i), value: JSON.stringify(e) }));
  const accepted = async () =>
    Number(
      (
        await store.query<{ v: bigint }>(
          "SELECT value AS v FROM ingest_counters WHERE name = 'accepted'",
        )
      )[0]?.v ?? 0,
    );
  return { store, pipeline, records, accepted, sink, logged, enricher };
}

/** Lets the promises that are ready run (DuckDB's included) before the clock moves on. */
const settle = () => new Promise((r) => setTimeout(r, 20));

describe('Pipeline commits', () => {
  it('writes the same rows again after a failed write, losing nothing', async () => {
    const { pipeline, records, accepted, store } = await setup(2);
    await pipeline.process(records);
    await pipeline.flush();
    expect(await accepted()).toBe(records.length);
    await pipeline.stop();
    await store.close();
  });

  it('keeps committing after an after-commit hook fails', async () => {
    let calls = 0;
    const { pipeline, records, accepted, store } = await setup(0, {
      onCommit: () => {
        calls += 1;
        throw new Error('offset commit refused during a rebalance');
      },
    });
    await pipeline.process(records.slice(0, 3));
    await pipeline.flush();
    await pipeline.process(records.slice(3));
    await pipeline.flush();
    expect(calls).toBe(2);
    expect(await accepted()).toBe(records.length);
    await pipeline.stop();
    await store.close();
  });

  it('skips records below a committed position (a replay after restart)', async () => {
    const { pipeline, records, accepted, store } = await setup(0);
    await pipeline.process(records);
    await pipeline.flush();
    await pipeline.process(records);
    await pipeline.flush();
    expect(await accepted()).toBe(records.length);
    expect(pipeline.position('t', 0)).toBe(BigInt(records.length));
    await pipeline.stop();
    await store.close();
  });

  it('applies a large batch in slices: the event loop turns between them, and a commit meanwhile stores each record it covers once', async () => {
    const { pipeline, sink, store, accepted } = await setup(0);
    const sim = new CallSimulator(5);
    const events = [];
    for (let i = 0; events.length < 20_000; i++)
      events.push(...sim.nextCall(new Date(Date.now() - i * 60_000)));
    const records = events.map((e, i) => ({
      source: 'big',
      partition: 0,
      offset: String(i),
      value: JSON.stringify(e),
    }));
    const began = performance.now();
    const applied = pipeline.process(records);
    const stalls = watchStalls();
    await new Promise((r) => setTimeout(r, 30));
    const midway = pipeline.flush(); // while slices are still being applied
    await applied;
    const took = performance.now() - began;
    const longest = stalls.stop();
    await midway;
    const [stored] = await sink.loadPositions();
    // The commit covered whole slices, and exactly the records before its position.
    expect(stored!.next).toBeGreaterThan(0n);
    expect(stored!.next).toBeLessThan(BigInt(records.length));
    expect(BigInt(await accepted())).toBe(stored!.next);
    expect(longest).toBeLessThan(took / 3);
    await pipeline.flush();
    expect(await accepted()).toBe(records.length);
    await pipeline.stop();
    await store.close();
  });

  it('makes a source wait while a commit is in flight and the next batch is full (back-pressure)', async () => {
    const { pipeline, records, sink, store } = await setup(0, undefined, 2);
    let open!: () => void;
    sink.gate = new Promise<void>((r) => (open = r));
    expect(records.length).toBeGreaterThanOrEqual(4);
    // Full batch, nothing in flight: handed to a commit (blocked at the gate), source goes on.
    await pipeline.process(records.slice(0, 2));
    expect(pipeline.pendingCount).toBe(0);
    // Full again while that commit is in flight: the source waits for it.
    let returned = false;
    const second = pipeline.process(records.slice(2, 4)).then(() => (returned = true));
    await new Promise((r) => setTimeout(r, 100));
    expect(returned).toBe(false);
    open();
    await second;
    expect(returned).toBe(true);
    await pipeline.stop();
    await store.close();
  });

  it('commits on the injected clock: every commit interval, and not before', async () => {
    const clock = manualClock(Date.UTC(2026, 10, 1));
    const { pipeline, records, accepted, store } = await setup(0, undefined, 1_000_000, clock);
    await pipeline.process(records);
    clock.advance(59_999);
    await settle();
    expect(await accepted()).toBe(0);
    clock.advance(1);
    await expect.poll(accepted).toBe(records.length);
    await pipeline.stop();
    await store.close();
  });

  it('runs one round for a clock moved many intervals at once, not one per interval', async () => {
    const clock = manualClock(Date.UTC(2026, 10, 1));
    const { pipeline, records, accepted, store, enricher } = await setup(0, undefined, 1e6, clock);
    let rounds = 0;
    const expire = enricher.expireCallbacks.bind(enricher);
    enricher.expireCallbacks = (now, out) => (rounds++, expire(now, out));
    await pipeline.process(records);
    clock.advance(24 * 60 * 60_000); // a day: 1,440 commit intervals
    await expect.poll(accepted).toBe(records.length);
    expect(rounds).toBe(1);
    clock.advance(60_000);
    await expect.poll(() => rounds).toBe(2);
    await pipeline.stop();
    await store.close();
  });

  it("retries a failing write after the clock's back-off", async () => {
    const clock = manualClock(0);
    const { pipeline, records, accepted, sink, store } = await setup(2, undefined, 1e6, clock);
    await pipeline.process(records);
    let done = false;
    const flushed = pipeline.flush().then(() => (done = true));
    await settle();
    expect(sink.failures).toBe(1); // one try, then waiting on the clock
    for (let i = 0; i < 10 && !done; i++) {
      clock.advance(5_000);
      await settle();
    }
    await flushed;
    expect(await accepted()).toBe(records.length);
    await pipeline.stop();
    await store.close();
  });

  it("gives up the final commit at stop()'s deadline on the clock, and says so", async () => {
    const clock = manualClock(0);
    const { pipeline, records, accepted, store, logged } = await setup(1e9, undefined, 1e6, clock);
    await pipeline.process(records);
    let stopped = false;
    const stopping = pipeline.stop(30_000).then(() => (stopped = true));
    for (let t = 0; t < 25_000; t += 5_000) {
      clock.advance(5_000);
      await settle();
    }
    expect(stopped).toBe(false);
    clock.advance(5_000);
    await stopping;
    expect(await accepted()).toBe(0);
    expect(logged.some((l) => l.includes('stopped without the final commit'))).toBe(true);
    await store.close();
  });
});
