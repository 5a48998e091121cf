import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loggedDecisions } from '../../src/analytics/records/index.js';
import { manualClock } from '../../src/core/clock.js';
import { migrate, Store } from '../../src/core/store/store.js';
import { DecisionLogWriter, type DecisionRecord } from '../../src/decision/index.js';

const T0 = Date.parse('2026-03-11T02:00:00Z');
const M = 60_000;
const at = (min: number) => new Date(T0 + min * M).toISOString();
const CONTEXT = {
  tags: ['vip'],
  region: 'east',
  product_line: 'loan',
  tier: 'A',
  contacts_7d: 1,
  hour: 10,
};

const turn = (id: string, callId: string, min: number, over: Partial<DecisionRecord> = {}) =>
  ({
    decision_id: id,
    ts: at(min),
    kind: 'turn',
    call_id: callId,
    customer_id: `cust-${callId}`,
    campaign_id: null,
    state: 'product_pitch',
    node: 'product_pitch',
    segment: 'vip',
    variant: 'benefit',
    propensity: 0.4,
    script_version: 'v1',
    policy_version: 'v1',
    action: 'say',
    reason: 'r',
    blocked: null,
    micros: 5,
    context: CONTEXT,
    ...over,
  }) satisfies DecisionRecord;

const dial = (id: string, customerId: string, min: number): DecisionRecord => ({
  ...turn(id, '', min),
  kind: 'dial',
  call_id: null,
  customer_id: customerId,
  state: 'dialer',
  node: 'dialer',
  variant: 'score',
  propensity: 1,
  script_version: null,
  policy_version: 'ranker-v1',
  action: 'dial',
});

describe('logged decisions (the evaluator reading the decision log)', () => {
  let store: Store;
  beforeEach(async () => {
    store = await Store.open(':memory:');
    await migrate(store);
    const writer = new DecisionLogWriter(store, manualClock(T0), (err) => {
      throw err;
    });
    for (const r of [
      turn('t-conv', 'call-a', 0),
      turn('t-lost', 'call-b', 1, { variant: 'default', propensity: 0.6 }),
      turn('t-open', 'call-c', 2), // its call has not ended
      turn('t-safe', 'call-a', 3, { variant: 'safe', propensity: 1 }),
      turn('t-other', 'call-a', 4, { node: 'closing', variant: 'demo' }),
      dial('d-called', 'cust-x', 10),
      dial('d-late', 'cust-y', 10),
      dial('d-fresh', 'cust-x', 200),
    ])
      writer.add(r);
    await writer.close();
    await store.transaction(async (tx) => {
      // A row logged before contexts were (migration 16's old rows): no context, never read.
      await tx.run(
        `INSERT INTO decisions (decision_id, ts, call_id, customer_id, state, node, segment, variant,
           propensity, script_version, action, reason, micros)
         VALUES ('t-old', ?::TIMESTAMPTZ, 'call-a', 'cust-call-a', 's', 'product_pitch', 'vip',
           'benefit', 0.5, 'v0', 'say', 'r', 1)`,
        [at(5)],
      );
      for (const [id, customer, started, outcome] of [
        ['call-a', 'cust-call-a', 0, 'converted'],
        ['call-b', 'cust-call-b', 1, 'not_interested'],
        ['call-c', 'cust-call-c', 2, null],
        ['call-x', 'cust-x', 40, 'not_interested'], // within the hour of d-called
        ['call-y', 'cust-y', 75, 'converted'], // too late for d-late
      ] as const)
        await tx.run(
          `INSERT INTO calls (call_id, customer_id, started_at, outcome) VALUES (?, ?, ?::TIMESTAMPTZ, ?)`,
          [id, customer, at(started), outcome],
        );
    });
  });
  afterEach(() => store.close());

  const range = { from: at(-60), to: at(300), nowMs: T0 + 240 * M };

  it("reads a node's ended turns with their context, propensity and the call's conversion", async () => {
    const logs = await loggedDecisions(store, { ...range, kind: 'turn', node: 'product_pitch' });
    expect(logs).toEqual([
      {
        decision_id: 't-conv',
        ts: at(0),
        context: CONTEXT,
        action: 'benefit',
        propensity: 0.4,
        reward: 1,
        policy_version: 'v1',
        // The turns of one call share its outcome: grouped by the call for the intervals.
        group: 'call-a',
      },
      expect.objectContaining({
        decision_id: 't-lost',
        action: 'default',
        propensity: 0.6,
        reward: 0,
      }),
    ]);
    const all = await loggedDecisions(store, { ...range, kind: 'turn' });
    expect(all.map((d) => d.decision_id)).toEqual(['t-conv', 't-lost', 't-other']);
  });

  it('rewards a dial when a call to the customer started within the hour, once that hour is over', async () => {
    const logs = await loggedDecisions(store, { ...range, kind: 'dial' });
    expect(logs.map((d) => [d.decision_id, d.action, d.propensity, d.reward])).toEqual([
      ['d-called', 'score', 1, 1],
      ['d-late', 'score', 1, 0],
    ]);
    const later = await loggedDecisions(store, { ...range, kind: 'dial', nowMs: T0 + 300 * M });
    expect(later.map((d) => d.decision_id)).toContain('d-fresh');
  });

  it('keeps to [from, to) and refuses bad times and more decisions than the limit', async () => {
    const q = { kind: 'turn' as const, nowMs: range.nowMs };
    const one = await loggedDecisions(store, { ...q, from: at(1), to: at(2) });
    expect(one.map((d) => d.decision_id)).toEqual(['t-lost']);
    await expect(loggedDecisions(store, { ...q, from: 'yesterday', to: at(2) })).rejects.toThrow(
      /from: not an ISO 8601 time/,
    );
    await expect(loggedDecisions(store, { ...q, from: at(2), to: at(1) })).rejects.toThrow(
      /from must be before to/,
    );
    await expect(loggedDecisions(store, { ...range, kind: 'turn', limit: 2 })).rejects.toThrow(
      /more than 2 logged decisions .* narrow the range/,
    );
  });
});
