import { describe, expect, it } from 'vitest';
import {
  bestBySegment,
  logDecisions,
  ROUTING_SCENARIO,
  SCRIPT_SCENARIO,
  trueValue,
  type DecisionScenario,
} from '../../bench/lib/decision-simulator.js';
import {
  deterministic,
  epsilonGreedy,
  uniform,
  type ActionProbs,
  type DecisionContext,
  type LoggedDecision,
  type Policy,
  comparePolicies,
  evaluatePolicy,
  fitBucketRewardModel,
  SupportViolationError,
  type RewardModel,
} from '../../src/training/off-policy/index.js';
import { normalQuantile, quantile } from '../../src/training/off-policy/estimator-intervals.js';

const ctx = (tier: string, tags: string[] = []): DecisionContext => ({
  tags,
  region: 'east',
  product_line: 'loan',
  tier,
  contacts_7d: 0,
  hour: 10,
});
const X = ctx('X');
const Y = ctx('Y');
const rec = (
  i: number,
  context: DecisionContext,
  action: string,
  propensity: number,
  reward: number,
): LoggedDecision => ({
  decision_id: `d${i}`,
  ts: '2025-01-06T09:00:00Z',
  context,
  action,
  propensity,
  reward,
  policy_version: 'hand',
});

// Hand table: two contexts, two actions, a stochastic target and a fixed reward model.
const HAND = [
  rec(1, X, 'a', 0.5, 1),
  rec(2, X, 'b', 0.5, 0),
  rec(3, Y, 'a', 0.8, 0),
  rec(4, Y, 'b', 0.2, 1),
];
const HAND_TARGET: Policy = {
  name: 'target',
  probs: (c) => (c.tier === 'X' ? { a: 0.5, b: 0.5 } : { a: 0.25, b: 0.75 }),
};
const Q: Record<string, number> = { 'X|a': 0.6, 'X|b': 0.2, 'Y|a': 0.1, 'Y|b': 0.5 };
const HAND_MODEL: RewardModel = { predict: (c, a) => Q[`${c.tier}|${a}`]! };

describe('off-policy estimators on a hand-computed table', () => {
  // weights 1, 1, 0.3125, 3.75; weighted rewards 1, 0, 0, 3.75; DM term 0.4 in both contexts.
  const ev = evaluatePolicy(HAND, HAND_TARGET, { rewardModel: HAND_MODEL, bootstrap: false });

  it('IPS, SNIPS, DM and DR', () => {
    expect(ev.estimates.ips.value).toBeCloseTo(4.75 / 4, 12);
    expect(ev.estimates.snips.value).toBeCloseTo(4.75 / 6.0625, 12);
    expect(ev.estimates.dm.value).toBeCloseTo(0.4, 12);
    // DR terms: 0.4 + w (r - q(a)) = 0.8, 0.2, 0.36875, 2.275
    expect(ev.estimates.dr.value).toBeCloseTo(3.64375 / 4, 12);
  });

  it('effective sample size, weight stats and the normal interval', () => {
    expect(ev.weights.ess).toBeCloseTo(6.0625 ** 2 / (2 + 0.3125 ** 2 + 3.75 ** 2), 12);
    expect(ev.weights.max).toBe(3.75);
    expect(ev.weights.mean).toBeCloseTo(6.0625 / 4, 12);
    const se = Math.sqrt(9.421875 / 3 / 4); // sample variance of 1, 0, 0, 3.75 over n
    expect(ev.estimates.ips.se).toBeCloseTo(se, 12);
    expect(ev.estimates.ips.normal.lo).toBeCloseTo(4.75 / 4 - 1.959964 * se, 5);
    expect(ev.estimates.ips.normal.hi).toBeCloseTo(4.75 / 4 + 1.959964 * se, 5);
  });

  it('clipping caps weights and reports how far it moved each estimate', () => {
    const c = evaluatePolicy(HAND, HAND_TARGET, {
      rewardModel: HAND_MODEL,
      bootstrap: false,
      clip: 2,
    });
    expect(c.estimates.ips.value).toBeCloseTo(3 / 4, 12);
    expect(c.clipping).toMatchObject({ cap: 2, clipped: 1 });
    expect(c.clipping!.shift.ips).toBeCloseTo(4.75 / 4 - 3 / 4, 12);
    expect(c.clipping!.shift.dr).toBeCloseTo(((3.75 - 2) * 0.5) / 4, 12);
    expect(c.estimates.dm.value).toBe(ev.estimates.dm.value);
    expect(ev.clipping).toBeUndefined();
  });

  it("DM's standard error includes the error of a reward model fitted on the same logs", () => {
    const logs = [rec(1, X, 'a', 0.5, 1), rec(2, X, 'a', 0.5, 0), rec(3, X, 'b', 0.5, 1)];
    const coin: Policy = { name: 'coin', probs: () => ({ a: 0.5, b: 0.5 }) };
    const e = evaluatePolicy(logs, coin, { bootstrap: false }).estimates.dm;
    // Bucket mean 2/3; q(a) = (1 + 2·2/3) / (2 + 2) = 7/12, q(b) = (1 + 2·2/3) / (1 + 2) = 7/9.
    const dm = 0.5 * (7 / 12) + 0.5 * (7 / 9);
    expect(e.value).toBeCloseTo(dm, 12);
    // Target mass per cell is 1.5; each decision moves DM by mass / (n + prior) × residual.
    const lin = [
      dm + (1.5 / 4) * (1 - 7 / 12),
      dm + (1.5 / 4) * (0 - 7 / 12),
      dm + (1.5 / 3) * (1 - 7 / 9),
    ];
    const m = lin.reduce((x, y) => x + y) / 3;
    const sd = Math.sqrt(lin.reduce((x, y) => x + (y - m) ** 2, 0) / 2);
    expect(e.se).toBeCloseTo(sd / Math.sqrt(3), 12);
    // A model given from outside is held fixed: every DM term is the same, so no error.
    const fixed = evaluatePolicy(logs, coin, { bootstrap: false, rewardModel: HAND_MODEL });
    expect(fixed.estimates.dm.se).toBeCloseTo(0, 12);
  });

  it('bucket reward model: cell rate shrunk towards the bucket mean', () => {
    const logs = [
      rec(1, X, 'a', 0.5, 1),
      rec(2, X, 'a', 0.5, 1),
      rec(3, X, 'a', 0.5, 0),
      rec(4, X, 'b', 0.5, 0),
    ];
    const m = fitBucketRewardModel(logs, { prior: 2 });
    expect(m.predict(X, 'a')).toBeCloseTo((2 + 2 * 0.5) / (3 + 2), 12);
    expect(m.predict(X, 'b')).toBeCloseTo((0 + 2 * 0.5) / (1 + 2), 12);
    expect(m.predict(X, 'c')).toBe(0.5);
    expect(m.predict(ctx('Z'), 'a')).toBe(0.5);
  });

  it('normal quantile and interpolated percentiles', () => {
    expect(normalQuantile(0.975)).toBeCloseTo(1.959964, 6);
    expect(normalQuantile(0.05)).toBeCloseTo(-1.644854, 6);
    expect(normalQuantile(0.999)).toBeCloseTo(3.090232, 5);
    expect(quantile([1, 2, 3, 4, 5], 0.25)).toBe(2);
    expect(quantile([0, 10], 0.3)).toBeCloseTo(3, 12);
  });
});

describe('support violations', () => {
  it('throws when the target needs an action the logs never take', () => {
    const logs = logDecisions(SCRIPT_SCENARIO, uniform('v1v2', ['v1', 'v2']), 200, 1);
    const target = uniform('all-scripts', ['v1', 'v2', 'v3']);
    expect(() => evaluatePolicy(logs, target)).toThrow(SupportViolationError);
    expect(() => evaluatePolicy(logs, target)).toThrow(
      /"all-scripts".*"v3".*200 logged contexts.*never take/,
    );
    expect(() => comparePolicies(logs, uniform('c', ['v1', 'v2']), [target])).toThrow(
      SupportViolationError,
    );
    expect(
      evaluatePolicy(
        logs,
        deterministic('v2', ['v2'], () => 'v2'),
      ).n,
    ).toBe(200);
  });

  it('with the logging policy, catches contexts where the logger gave the action probability 0', () => {
    // High-intent customers always go to a human: the bot is never tried on them.
    const logger: Policy = {
      name: 'hi-to-human',
      probs: (c): ActionProbs =>
        c.tags.includes('high_intent') ? { human: 1 } : { bot: 0.5, human: 0.5 },
    };
    const logs = logDecisions(ROUTING_SCENARIO, logger, 500, 2);
    const target = uniform('coin', ['bot', 'human']);
    const highIntent = logs.filter((d) => d.context.tags.includes('high_intent')).length;
    // Both actions appear somewhere in the log, so only the logger reveals the gap.
    expect(evaluatePolicy(logs, target, { bootstrap: false }).n).toBe(500);
    const err = (() => {
      try {
        evaluatePolicy(logs, target, { logging: logger });
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(SupportViolationError);
    expect(err).toMatchObject({ action: 'bot', decisions: highIntent, code: 'BAD_REQUEST' });
    expect(String((err as Error).message)).toMatch(/probability 0 there/);
  });

  it('rejects bad propensities and targets that are not distributions', () => {
    expect(() => evaluatePolicy([rec(1, X, 'a', 0, 1)], HAND_TARGET)).toThrow(/propensity 0/);
    expect(() => evaluatePolicy([rec(1, X, 'a', 1.2, 1)], HAND_TARGET)).toThrow(/propensity 1.2/);
    const half: Policy = { name: 'half', probs: () => ({ a: 0.5 }) };
    expect(() => evaluatePolicy(HAND, half)).toThrow(/sum to 0.5/);
    expect(() => evaluatePolicy([], HAND_TARGET)).toThrow(/no logged decisions/);
  });
});

// Repeated small simulations: the script scenario with an 80/20 logger around v1.
const LOGGER = epsilonGreedy('champion', SCRIPT_SCENARIO.actions, 0.2, () => 'v1');
const SEG = (c: DecisionContext) => c.tags.filter((t) => t !== 'contact_cap_reached').join('+');
const BEST = bestBySegment(SCRIPT_SCENARIO, SEG);
const BEST_POLICY = deterministic('best', SCRIPT_SCENARIO.actions, (c) => BEST.get(SEG(c))!);
const TRUE_MODEL = (s: DecisionScenario): RewardModel => ({ predict: (c, a) => s.convert(c, a) });
const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;
const variance = (xs: number[]) => {
  const m = mean(xs);
  return xs.reduce((s, x) => s + (x - m) ** 2, 0) / (xs.length - 1);
};

describe('statistical behaviour over repeated seeds', () => {
  const SEEDS = 200;
  const truth = trueValue(SCRIPT_SCENARIO, BEST_POLICY);
  const ips: number[] = [];
  const drTrue: number[] = [];
  const naive: number[] = [];
  for (let seed = 1; seed <= SEEDS; seed++) {
    const logs = logDecisions(SCRIPT_SCENARIO, LOGGER, 300, seed);
    const ev = evaluatePolicy(logs, BEST_POLICY, {
      bootstrap: false,
      rewardModel: TRUE_MODEL(SCRIPT_SCENARIO),
    });
    ips.push(ev.estimates.ips.value);
    drTrue.push(ev.estimates.dr.value);
    // What a dashboard would show: the conversion rate where the log happened to match the target.
    const hits = logs.filter((d) => d.action === BEST.get(SEG(d.context)));
    naive.push(mean(hits.map((d) => d.reward)));
  }

  it('IPS is unbiased: its mean over seeds is within 4 standard errors of the truth', () => {
    const se = Math.sqrt(variance(ips) / SEEDS);
    expect(Math.abs(mean(ips) - truth)).toBeLessThan(4 * se);
    // The naive matched-log average is not: the test can tell the difference.
    expect(Math.abs(mean(naive) - truth)).toBeGreaterThan(4 * Math.sqrt(variance(naive) / SEEDS));
  });

  it('DR with the correct reward model is unbiased and less variable than IPS', () => {
    expect(Math.abs(mean(drTrue) - truth)).toBeLessThan(4 * Math.sqrt(variance(drTrue) / SEEDS));
    expect(variance(drTrue)).toBeLessThan(variance(ips));
    // With 0/1 rewards near 15% the noise left is w² p (1 - p) against IPS's w² p,
    // so the gain is modest; one large log measures it precisely.
    const big = logDecisions(SCRIPT_SCENARIO, LOGGER, 10000, 9);
    const ev = evaluatePolicy(big, BEST_POLICY, {
      bootstrap: false,
      rewardModel: TRUE_MODEL(SCRIPT_SCENARIO),
    });
    expect((ev.estimates.dr.se / ev.estimates.ips.se) ** 2).toBeLessThan(0.85);
  });

  it('intervals cover the truth at about the nominal 95% rate', () => {
    const target = uniform('uniform', SCRIPT_SCENARIO.actions);
    const t = trueValue(SCRIPT_SCENARIO, target);
    const runs = 120;
    const hits = new Map<string, number>();
    const count = (k: string, i: { lo: number; hi: number } | undefined) =>
      hits.set(k, (hits.get(k) ?? 0) + (i!.lo <= t && t <= i!.hi ? 1 : 0));
    for (let seed = 1; seed <= runs; seed++) {
      const logs = logDecisions(SCRIPT_SCENARIO, LOGGER, 400, 1000 + seed);
      const ev = evaluatePolicy(logs, target, { bootstrap: { resamples: 150, seed } });
      for (const e of ['ips', 'snips', 'dr'] as const) count(`${e} normal`, ev.estimates[e].normal);
      // DM's bootstrap refits the model per resample; its normal interval ignores
      // shrinkage bias and undercovers at 400 decisions (about 80%).
      for (const e of ['ips', 'snips', 'dm', 'dr'] as const)
        count(`${e} bootstrap`, ev.estimates[e].bootstrap);
    }
    expect(hits.size).toBe(7);
    for (const [k, h] of hits) {
      expect(h / runs, k).toBeGreaterThan(0.88);
      expect(h / runs, k).toBeLessThan(0.995);
    }
  });
});

describe('comparePolicies', () => {
  it('flags a candidate whose lower bound clears the champion, and not a worse one', () => {
    const logs = logDecisions(SCRIPT_SCENARIO, LOGGER, 12000, 42);
    // v2 wherever v1 is truly best, v1 everywhere else.
    const worse = deterministic('swapped', SCRIPT_SCENARIO.actions, (c) =>
      BEST.get(SEG(c)) === 'v1' ? 'v2' : 'v1',
    );
    expect(trueValue(SCRIPT_SCENARIO, worse)).toBeLessThan(trueValue(SCRIPT_SCENARIO, LOGGER));
    const rows = comparePolicies(logs, LOGGER, [BEST_POLICY, worse], {
      logging: LOGGER,
      bootstrap: { resamples: 100, seed: 1 },
    });
    expect(rows.map((r) => [r.policy, r.role, r.beatsChampion])).toEqual([
      ['champion', 'champion', null],
      ['best', 'candidate', true],
      ['swapped', 'candidate', false],
    ]);
    const dr = evaluatePolicy(logs, BEST_POLICY, { bootstrap: { resamples: 100, seed: 1 } });
    expect(rows[1]!.estimate).toBeCloseTo(dr.estimates.dr.value, 12);
    expect(rows[1]!.interval).toEqual(dr.estimates.dr.bootstrap);
    expect(rows[1]!.lift).toBeCloseTo(rows[1]!.estimate - rows[0]!.estimate, 12);
    const ips = comparePolicies(logs, LOGGER, [worse], { estimator: 'ips', bootstrap: false });
    expect(ips[1]!.estimate).toBeCloseTo(
      evaluatePolicy(logs, worse, { bootstrap: false }).estimates.ips.value,
      12,
    );
  });
});

describe('decisions that share a reward (the turns of one call)', () => {
  // 40 calls, each two decisions at a uniform logging policy with the call's one outcome.
  const logs = Array.from({ length: 80 }, (_, i) => {
    const call = Math.floor(i / 2);
    return {
      ...rec(i, X, i % 2 ? 'a' : 'b', 0.5, call % 3 === 0 ? 1 : 0),
      group: `call-${call}`,
    };
  });
  const target = uniform('uniform', ['a', 'b']);
  const alone = logs.map(({ group: _group, ...d }) => d);

  it('widen the error by call and leave the estimate as it was', () => {
    const grouped = evaluatePolicy(logs, target, { rewardModel: HAND_MODEL });
    const ungrouped = evaluatePolicy(alone, target, { rewardModel: HAND_MODEL });
    expect(grouped.estimates.ips.value).toBeCloseTo(ungrouped.estimates.ips.value, 12);
    // Pairs of identical rewards: the cluster-robust error is about √2 × the naive one.
    const ratio = grouped.estimates.ips.se / ungrouped.estimates.ips.se;
    expect(ratio).toBeGreaterThan(1.3);
    expect(ratio).toBeLessThan(1.5);
  });

  it('are resampled together, so the bootstrap interval widens too', () => {
    const width = (i: { lo: number; hi: number }) => i.hi - i.lo;
    const grouped = evaluatePolicy(logs, target, { rewardModel: HAND_MODEL });
    const ungrouped = evaluatePolicy(alone, target, { rewardModel: HAND_MODEL });
    expect(width(grouped.estimates.ips.bootstrap!)).toBeGreaterThan(
      1.2 * width(ungrouped.estimates.ips.bootstrap!),
    );
  });
});
