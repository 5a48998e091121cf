import { describe, expect, it } from 'vitest';
import { manualClock } from '../../src/core/clock.js';
import { migrate, Store, type Tx } from '../../src/core/store/store.js';
import { DecisionLogWriter, type DecisionRecord } from '../../src/decision/index.js';

const record = (id: string): DecisionRecord => ({
  decision_id: id,
  ts: '2026-03-11T02:00:00.000Z',
  kind: 'turn',
  call_id: 'call-1',
  customer_id: 'c-1',
  campaign_id: null,
  state: 'opening',
  node: 'opening',
  segment: 'none',
  variant: 'a',
  propensity: 0.5,
  script_version: 'v1',
  policy_version: 'v1',
  action: 'say',
  reason: 'start',
  blocked: null,
  micros: 10,
  context: { tags: [], region: 'east', product_line: 'loan', tier: 'A', contacts_7d: 0, hour: 10 },
});

/** A store that records the batches appended and fails while `down` is set. */
function fakeStore() {
  const state = { down: false, transactions: 0, batches: [] as string[][] };
  const tx: Tx = {
    run: async () => {},
    all: async () => [],
    append: async (_table, _columns, rows) => {
      state.batches.push(rows.map((r) => (r as DecisionRecord).decision_id));
    },
  };
  const store = {
    async transaction<T>(fn: (tx: Tx) => Promise<T>): Promise<T> {
      state.transactions += 1;
      if (state.down) throw new Error('store down');
      return fn(tx);
    },
  } as unknown as Store;
  return { store, state };
}

/** Lets the flush a timer started run to its end. */
const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('decision log writer', () => {
  it('writes its batch when the clock says, and keeps a failed batch for the next write', async () => {
    const clock = manualClock(0);
    const { store, state } = fakeStore();
    const errors: unknown[] = [];
    const writer = new DecisionLogWriter(store, clock, (err) => errors.push(err), 500);
    writer.add(record('d-1'));
    clock.advance(499);
    await settle();
    expect(state.transactions).toBe(0);

    state.down = true;
    clock.advance(1);
    await settle();
    expect(errors).toHaveLength(1);
    expect(state.batches).toEqual([]);

    state.down = false;
    writer.add(record('d-2'));
    clock.advance(500);
    await settle();
    expect(state.batches).toEqual([['d-1', 'd-2']]);
  });

  it('stops its timer on close after writing what is left', async () => {
    const clock = manualClock(0);
    const { store, state } = fakeStore();
    const writer = new DecisionLogWriter(store, clock, () => {}, 500);
    writer.add(record('d-1'));
    await writer.close();
    expect(state.batches).toEqual([['d-1']]);
    writer.add(record('d-2'));
    clock.advance(10_000);
    await settle();
    expect(state.transactions).toBe(1);
  });

  it('stores rows a killed process may have stored once each (writeAgain), telling which were written', async () => {
    const store = await Store.open(':memory:');
    await migrate(store);
    const writer = new DecisionLogWriter(store, manualClock(0), (err) => {
      throw err;
    });
    const written: string[][] = [];
    writer.onWritten = (rows) => written.push(rows.map((r) => r.decision_id));
    writer.add(record('d-1'));
    await writer.flush();
    // The journal still had d-1 (the kill came before it was marked written) and d-2.
    await writer.writeAgain([record('d-1'), record('d-2')]);
    const rows = await store.query<{ decision_id: string }>(
      'SELECT decision_id FROM decisions ORDER BY decision_id',
    );
    expect(rows.map((r) => r.decision_id)).toEqual(['d-1', 'd-2']);
    expect(written).toEqual([['d-1'], ['d-1', 'd-2']]);
    await writer.close();
    await store.close();
  });
});
