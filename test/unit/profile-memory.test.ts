import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { manualClock } from '../../src/core/clock.js';
import { createFieldCipher } from '../../src/core/crypto.js';
import type { DialwiseEvent } from '../../src/core/events/index.js';
import { createLogger } from '../../src/core/log.js';
import { migrate, Store } from '../../src/core/store/store.js';
import { CallSimulator } from '../../src/datasets/simulator.js';
import { DuckDbSink, newProfile, Pipeline } from '../../src/pipelines/index.js';
import { ProfileCache } from '../../src/pipelines/enrich/profile-cache.js';
import { keywordEnricher } from '../helpers/enricher.js';

const cipher = createFieldCipher(randomBytes(32).toString('base64'));

/** One simulated call for each of `n` customers (c0 … c<n-1>), a minute apart from `startMs`. */
function callsOf(n: number, startMs: number, seed: number): DialwiseEvent[][] {
  const sim = new CallSimulator(seed, 50);
  return Array.from({ length: n }, (_, i) =>
    sim.nextCall(new Date(startMs + i * 60_000)).map((e) => ({ ...e, customer_id: `c${i}` })),
  );
}

const records = (events: DialwiseEvent[]) =>
  events.map((e) => ({ source: 'http', value: JSON.stringify(e) }));

/** The real sink, counting the look-ups of customers out of memory. */
class CountingSink extends DuckDbSink {
  lookUps = 0;
  override loadProfilesOf(ids: readonly string[]) {
    this.lookUps += 1;
    return super.loadProfilesOf(ids);
  }
}

async function open(profilesInMemory?: number) {
  const store = await Store.open(':memory:');
  await migrate(store);
  const sink = new CountingSink(store);
  const enricher = keywordEnricher({ profilesInMemory });
  // Each commit a second later than the last: the time each profile was stored orders them.
  const clock = manualClock(Date.parse('2026-12-03T00:00:00Z'));
  const pipeline = await Pipeline.open({
    clock,
    sink,
    enricher,
    cipher,
    logger: createLogger('error', () => undefined),
    commitIntervalMs: 60_000,
    maxPending: 1_000_000,
  });
  /** Each stored profile's state, without the time it was stored. */
  const stored = async () => {
    const rows = await store.query<{ customer_id: string; state: string }>(
      'SELECT customer_id, state::VARCHAR AS state FROM profiles ORDER BY customer_id',
    );
    return rows.map((r) => ({ id: r.customer_id, state: JSON.parse(r.state) as object }));
  };
  const counter = async (name: string) =>
    Number(
      (
        await store.query<{ v: bigint }>('SELECT value AS v FROM ingest_counters WHERE name = ?', [
          name,
        ])
      )[0]?.v ?? 0,
    );
  return { store, enricher, pipeline, stored, counter, clock, sink };
}

describe('profiles kept in memory, least recently used', () => {
  it('drops the least recently used first, but not the kept or those used since the last eviction', () => {
    const cache = new ProfileCache(2);
    for (const id of ['a', 'b', 'c', 'd']) cache.set(id, newProfile(id));
    // All four are new since the last eviction: none goes yet.
    expect(cache.evict(() => false)).toBe(0);
    cache.touch('a');
    // b is kept and a was used since: c and d go.
    expect(cache.evict((p) => p.customer_id === 'b')).toBe(2);
    expect([...cache.keys()]).toEqual(['b', 'a']);
    // Over by one, nothing kept: b, the least recently used, goes; e, new, stays.
    cache.set('e', newProfile('e'));
    expect(cache.evict(() => false)).toBe(1);
    expect([...cache.keys()]).toEqual(['a', 'e']);
    const unbounded = new ProfileCache();
    for (const id of ['a', 'b', 'c']) unbounded.set(id, newProfile(id));
    expect(unbounded.evict(() => false)).toBe(0);
  });
});

describe('a pipeline with more customers than profiles in memory', () => {
  const first = callsOf(40, Date.parse('2026-12-01T09:00:00Z'), 1);
  const second = callsOf(40, Date.parse('2026-12-02T09:00:00Z'), 2);

  /** Two calls for each of 40 customers, a commit after every call. */
  async function run(profilesInMemory?: number) {
    const p = await open(profilesInMemory);
    let most = 0;
    for (const call of [...first, ...second]) {
      await p.pipeline.process(records(call));
      await p.pipeline.flush();
      p.clock.set(p.clock.now() + 1_000);
      most = Math.max(most, p.enricher.profiles.size);
    }
    // A second round with nothing new: what the last commit wrote may go too.
    await p.pipeline.flush();
    return { ...p, most };
  }

  it('stores the same profiles as one holding all of them, with at most the bound in memory', async () => {
    const all = await run();
    const bounded = await run(10);
    expect(all.enricher.profiles.size).toBe(40);
    // The bound, and the one customer whose call came since the last eviction.
    expect(bounded.most).toBeLessThanOrEqual(11);
    expect(bounded.enricher.profiles.size).toBeLessThanOrEqual(10);
    const [a, b] = [await all.stored(), await bounded.stored()];
    expect(b).toHaveLength(40);
    expect(b).toEqual(a);
    expect(b.every((x) => (x.state as { calls: number }).calls === 2)).toBe(true);
    for (const x of [all, bounded]) {
      await x.pipeline.stop();
      await x.store.close();
    }
  });

  it('looks nothing up while every stored profile is in memory, and once one has left', async () => {
    const roomy = await run(100);
    expect(roomy.enricher.profiles.complete).toBe(true);
    expect(roomy.sink.lookUps).toBe(0);
    const tight = await run(10);
    expect(tight.enricher.profiles.complete).toBe(false);
    expect(tight.sink.lookUps).toBeGreaterThan(0);
    for (const x of [roomy, tight]) {
      await x.pipeline.stop();
      await x.store.close();
    }
  });

  it('still counts a redelivered event once when its customer was out of memory', async () => {
    const { pipeline, enricher, counter, store } = await run(10);
    const accepted = await counter('accepted');
    const c0 = first[0]!;
    expect(enricher.profiles.has('c0')).toBe(false);
    await pipeline.process(records(c0));
    await pipeline.flush();
    expect(await counter('accepted')).toBe(accepted);
    expect(await counter('duplicates')).toBe(c0.length);
    await pipeline.stop();
    await store.close();
  });

  it('starts an erased customer anew, even while the erasure is not yet committed', async () => {
    const { pipeline, enricher, stored, store } = await run(10);
    expect(enricher.profiles.has('c1')).toBe(false);
    const c1 = second[1]!.find((e) => e.type === 'call.started')!;
    const erased = {
      event_id: 'erase-c1',
      schema_version: 1,
      customer_id: 'c1',
      ts: '2026-12-03T09:00:00Z',
      type: 'customer.erased',
      requested_by: 'test',
    };
    await pipeline.process(records([erased as DialwiseEvent]));
    // Out of memory again before its next event: only the uncommitted erasure says it is gone.
    enricher.profiles.delete('c1');
    await pipeline.process(records([{ ...c1, event_id: 'after-erasure', ts: erased.ts }]));
    expect(enricher.profiles.get('c1')!.calls).toBe(1);
    await pipeline.flush();
    const c1Stored = (await stored()).find((x) => x.id === 'c1')!;
    expect((c1Stored.state as { calls: number }).calls).toBe(1);
    await pipeline.stop();
    await store.close();
  });

  it('starts with the bound: callbacks awaited first, then the latest updated', async () => {
    const { pipeline, store } = await run(10);
    await pipeline.stop();
    const again = keywordEnricher({ profilesInMemory: 10 });
    const reopened = await Pipeline.open({
      sink: new DuckDbSink(store),
      enricher: again,
      cipher,
      logger: createLogger('error', () => undefined),
      commitIntervalMs: 60_000,
      maxPending: 1_000_000,
    });
    expect(again.profiles.size).toBe(10);
    const rows = await store.query<{ customer_id: string; callback: boolean }>(
      `SELECT customer_id, json_type(state, '$.callback') = 'OBJECT' AS callback FROM profiles`,
    );
    const awaiting = rows.filter((r) => r.callback).map((r) => r.customer_id);
    expect(awaiting.length).toBeGreaterThan(0);
    expect(awaiting.length).toBeLessThan(10);
    // Then the customers called last, who were stored last (c39, c38, …).
    const latest = Array.from({ length: 40 }, (_, i) => `c${39 - i}`).filter(
      (id) => !awaiting.includes(id),
    );
    const expected = [...awaiting, ...latest.slice(0, 10 - awaiting.length)];
    expect([...again.profiles.keys()].sort()).toEqual(expected.sort());
    await reopened.stop();
    await store.close();
  });
});
