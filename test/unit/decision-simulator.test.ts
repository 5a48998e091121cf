import { describe, expect, it } from 'vitest';
import {
  bestBySegment,
  contextSpace,
  logDecisions,
  ROUTING_SCENARIO,
  sampleContext,
  SCRIPT_SCENARIO,
  trueValue,
} from '../../bench/lib/decision-simulator.js';
import { seeded } from '../../src/core/rng.js';
import {
  loggedDecision,
  deterministic,
  epsilonGreedy,
  softmax,
  uniform,
  type DecisionContext,
} from '../../src/training/off-policy/index.js';

const ctx = (over: Partial<DecisionContext> = {}): DecisionContext => ({
  tags: [],
  region: 'east',
  product_line: 'loan',
  tier: 'B',
  contacts_7d: 0,
  hour: 10,
  ...over,
});
const sum = (p: Record<string, number>) => Object.values(p).reduce((s, v) => s + v, 0);
const ACTIONS = SCRIPT_SCENARIO.actions;
const logger = epsilonGreedy('eg', ACTIONS, 0.2, () => 'v1');

describe('policies', () => {
  it('epsilon-greedy gives the choice 1 - ε + ε/k and every other action ε/k', () => {
    const p = epsilonGreedy('eg', ['v1', 'v2', 'v3'], 0.3, (c) => (c.tier === 'A' ? 'v3' : 'v1'));
    const vip = p.probs(ctx({ tier: 'A' }));
    expect(Object.keys(vip)).toEqual(['v1', 'v2', 'v3']);
    for (const [a, want] of Object.entries({ v1: 0.1, v2: 0.1, v3: 0.8 }))
      expect(vip[a]).toBeCloseTo(want, 12);
    expect(p.probs(ctx()).v1).toBeCloseTo(0.8, 12);
    expect(() => epsilonGreedy('x', ['a'], 1.5, () => 'a')).toThrow(/epsilon/);
    expect(() => deterministic('x', ['a', 'b'], () => 'c').probs(ctx())).toThrow(
      /unknown action c/,
    );
  });

  it('softmax is a distribution ordered by score, sharper at low temperature', () => {
    const score = (_: DecisionContext, a: string) => ({ a: 1, b: 2, c: 0 })[a] ?? 0;
    const warm = softmax('s', ['a', 'b', 'c'], score, 1).probs(ctx());
    const cold = softmax('s', ['a', 'b', 'c'], score, 0.1).probs(ctx());
    expect(sum(warm)).toBeCloseTo(1, 12);
    expect(warm.b! > warm.a! && warm.a! > warm.c!).toBe(true);
    expect(cold.b!).toBeGreaterThan(0.99);
    expect(uniform('u', ['a', 'b', 'c', 'd']).probs(ctx())).toEqual({
      a: 0.25,
      b: 0.25,
      c: 0.25,
      d: 0.25,
    });
  });
});

describe('decision simulator', () => {
  it('enumerates a context distribution that sums to 1 and that sampling follows', () => {
    const space = contextSpace();
    expect(space).toHaveLength(9216);
    expect(space.reduce((s, c) => s + c.p, 0)).toBeCloseTo(1, 10);
    const exact = space.reduce(
      (s, c) => s + (c.context.tags.includes('price_sensitive') ? c.p : 0),
      0,
    );
    const rng = seeded(3);
    let hits = 0;
    const n = 20000;
    for (let i = 0; i < n; i++) if (sampleContext(rng).tags.includes('price_sensitive')) hits++;
    expect(Math.abs(hits / n - exact)).toBeLessThan(4 * Math.sqrt((exact * (1 - exact)) / n));
  });

  it('logs valid records whose propensity is the logger probability of the action taken', () => {
    const logs = logDecisions(ROUTING_SCENARIO, uniform('u', ROUTING_SCENARIO.actions), 200, 5);
    for (const d of logs) {
      expect(loggedDecision.safeParse(d).success).toBe(true);
      expect(d.propensity).toBe(0.5);
    }
    const eg = logDecisions(SCRIPT_SCENARIO, logger, 300, 5);
    for (const d of eg) expect(d.propensity).toBe(logger.probs(d.context)[d.action]);
    expect(logDecisions(SCRIPT_SCENARIO, logger, 300, 5)).toEqual(eg);
    expect(logDecisions(SCRIPT_SCENARIO, logger, 300, 6)).not.toEqual(eg);
  });

  it('true value agrees with the on-policy mean reward of a large log', () => {
    for (const scenario of [SCRIPT_SCENARIO, ROUTING_SCENARIO]) {
      const policy = uniform('u', scenario.actions);
      const logs = logDecisions(scenario, policy, 20000, 11);
      const m = logs.reduce((s, d) => s + d.reward, 0) / logs.length;
      const v = trueValue(scenario, policy);
      expect(Math.abs(m - v)).toBeLessThan(4 * Math.sqrt((v * (1 - v)) / logs.length));
    }
  });

  it('best-by-segment beats every single script and is what the ground truth implies', () => {
    const seg = (c: DecisionContext) => c.tags.filter((t) => t !== 'contact_cap_reached').join('+');
    const best = bestBySegment(SCRIPT_SCENARIO, seg);
    expect(best.get('price_sensitive')).toBe('v2');
    expect(best.get('high_intent+vip')).toBe('v3');
    expect(best.get('')).toBe('v1');
    const v = trueValue(
      SCRIPT_SCENARIO,
      deterministic('b', ACTIONS, (c) => best.get(seg(c))!),
    );
    for (const a of ACTIONS)
      expect(v).toBeGreaterThan(
        trueValue(
          SCRIPT_SCENARIO,
          deterministic(a, ACTIONS, () => a),
        ),
      );
  });

  it('refuses a policy that uses an action the scenario does not have', () => {
    const bad = deterministic('bad', ['v1', 'v9'], () => 'v9');
    expect(() => trueValue(SCRIPT_SCENARIO, bad)).toThrow(/v9/);
    expect(() => logDecisions(SCRIPT_SCENARIO, bad, 1, 1)).toThrow(/v9/);
  });
});
