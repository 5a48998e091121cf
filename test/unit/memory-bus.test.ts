import { describe, expect, it } from 'vitest';
import { MemoryBus } from '../../src/core/bus/memory.js';
import type { BusRecord } from '../../src/core/bus/bus.js';

const msgs = (n: number, from = 0) =>
  Array.from({ length: n }, (_, i) => ({ key: 'k', value: String(from + i) }));

describe('MemoryBus', () => {
  it('delivers everything in order, in batches no larger than the maximum', async () => {
    const bus = new MemoryBus(7);
    const seen: BusRecord[][] = [];
    await bus.subscribe({ groupId: 'g', topics: ['a'], onBatch: async (b) => void seen.push(b) });
    await bus.publish('a', msgs(20));
    await bus.idle();
    expect(seen.flat().map((r) => r.value)).toEqual(msgs(20).map((m) => m.value));
    expect(Math.max(...seen.map((b) => b.length))).toBeLessThanOrEqual(7);
    expect(bus.backlog()).toBe(0);
  });

  it('retries a failed batch instead of dropping it', async () => {
    const bus = new MemoryBus(10);
    const got: string[] = [];
    let failures = 1;
    await bus.subscribe({
      groupId: 'g',
      topics: ['a'],
      onBatch: async (b) => {
        if (failures-- > 0) throw new Error('store down');
        got.push(...b.map((r) => r.value));
      },
    });
    await bus.publish('a', msgs(3));
    await bus.idle();
    expect(got).toEqual(['0', '1', '2']);
  });

  it('makes publishers wait while the backlog is above the high-water mark', async () => {
    const bus = new MemoryBus(5, 10);
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    await bus.subscribe({ groupId: 'g', topics: ['a'], onBatch: () => gate });
    await bus.publish('a', msgs(11));
    let done = false;
    const blocked = bus.publish('a', msgs(1)).then(() => (done = true));
    await new Promise((r) => setTimeout(r, 20));
    expect(done).toBe(false);
    release();
    await blocked;
    await bus.idle();
    expect(done).toBe(true);
  });
});
