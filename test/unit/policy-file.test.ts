import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { DecisionContext, LoggedDecision } from '../../src/core/logged-decision.js';
import { formatPolicyReport } from '../../src/cli/evaluate-policy-command.js';
import { DialwiseError } from '../../src/core/errors.js';
import { parsePolicyFile, policyOf, policyReport } from '../../src/training/off-policy/index.js';

const ctx = (over: Partial<DecisionContext> = {}): DecisionContext => ({
  tags: [],
  region: 'east',
  product_line: 'loan',
  tier: 'B',
  contacts_7d: 0,
  hour: 10,
  ...over,
});

const problems = (raw: unknown): string => {
  try {
    parsePolicyFile(raw, 'p.json');
  } catch (err) {
    expect(err).toBeInstanceOf(DialwiseError);
    expect((err as DialwiseError).code).toBe('BAD_REQUEST');
    return (err as Error).message;
  }
  throw new Error('parsed');
};

describe('policy file', () => {
  it('lists every problem of a bad file at once, each with its path', () => {
    const message = problems({
      name: '',
      node: 'product_pitch',
      rules: [
        { when: { tagsAny: ['vip'] }, probs: { benefit: 0.5, default: 0.4 } },
        { when: {}, probs: { benefit: 1.5 } },
        { when: { tier: ['A'], colour: ['red'] }, probs: {} },
      ],
      default: { benefit: 0.3 },
      extra: true,
    });
    expect(message).toMatch(/^invalid p\.json:/);
    const lines = message.split('\n').slice(1);
    for (const expected of [
      /name: /,
      /rules\.0\.probs: probabilities sum to 0\.9, not 1/,
      /rules\.1\.when: needs at least one of tagsAny, region, tier/,
      /rules\.1\.probs\.benefit: /,
      /rules\.2\.when: .*colour/,
      /rules\.2\.probs: names no variant/,
      /default: probabilities sum to 0\.3, not 1/,
      /\(root\): .*extra/,
    ])
      expect(
        lines.some((l) => expected.test(l)),
        String(expected),
      ).toBe(true);
  });

  it('takes the first rule whose conditions all hold, else the default', () => {
    const file = parsePolicyFile(
      {
        name: 'p',
        node: 'product_pitch',
        rules: [
          { when: { tagsAny: ['vip', 'high_intent'], region: ['east'] }, probs: { a: 1 } },
          { when: { tier: ['A'] }, probs: { b: 1 } },
        ],
        default: { a: 0.25, b: 0.75 },
      },
      'p',
    );
    const p = policyOf(file);
    expect(p.name).toBe('p');
    expect(p.probs(ctx({ tags: ['high_intent'], tier: 'A' }))).toEqual({ a: 1 });
    expect(p.probs(ctx({ tags: ['high_intent'], region: 'west', tier: 'A' }))).toEqual({ b: 1 });
    expect(p.probs(ctx({ tags: ['vip'], region: 'west' }))).toEqual({ a: 0.25, b: 0.75 });
  });

  it('the shipped example is valid', () => {
    const raw = JSON.parse(readFileSync('config/policies/pitch-benefit.json', 'utf8'));
    expect(parsePolicyFile(raw, 'pitch-benefit.json').node).toBe('product_pitch');
  });
});

describe('policy report', () => {
  // 400 decisions: two variants drawn 50/50; 'benefit' converts 40%, 'default' 20%.
  const logs: LoggedDecision[] = Array.from({ length: 400 }, (_, i) => {
    const action = i % 2 === 0 ? 'benefit' : 'default';
    const reward = action === 'benefit' ? Number(i % 10 < 3) : Number(i % 10 === 1);
    return {
      decision_id: `d${i}`,
      ts: new Date(Date.UTC(2026, 0, 1) + i * 60_000).toISOString(),
      context: ctx({ tags: i % 4 < 2 ? ['vip'] : [] }),
      action,
      propensity: 0.5,
      reward,
      policy_version: 'v1',
    };
  });
  const file = (probs: Record<string, number>) =>
    parsePolicyFile({ name: 'cand', node: 'product_pitch', default: probs }, 'p');

  it('estimates the candidate with intervals beside the logged value', () => {
    const r = policyReport(file({ benefit: 1 }), logs);
    expect(r).toMatchObject({ policy: 'cand', node: 'product_pitch', n: 400, support: null });
    expect(r.loggedPolicies).toEqual(['v1']);
    expect(r.logged.value).toBeCloseTo(0.3, 5);
    expect(r.logged.interval.lo).toBeLessThan(0.3);
    expect(r.logged.interval.hi).toBeGreaterThan(0.3);
    expect(r.estimates.map((e) => e.estimator)).toEqual(['ips', 'snips', 'dr']);
    for (const e of r.estimates) {
      expect(e.value).toBeCloseTo(0.4, 1);
      expect(e.interval.lo).toBeLessThan(e.value);
      expect(e.interval.hi).toBeGreaterThan(e.value);
    }
    // Half the decisions carry all the weight.
    expect(r.ess).toBeCloseTo(200, 0);
  });

  it('says why when the log never took a variant the candidate needs', () => {
    const r = policyReport(file({ benefit: 0.5, brand_new: 0.5 }), logs);
    expect(r.estimates).toEqual([]);
    expect(r.ess).toBeNull();
    expect(r.support).toMatch(/support violation: .*"brand_new".*never take it/);
    expect(r.logged.value).toBeCloseTo(0.3, 5);
  });

  it('prints the logged value, each estimate with its interval, and a missing support', () => {
    const text = formatPolicyReport(policyReport(file({ benefit: 1 }), logs));
    expect(text).toMatch(/^policy "cand" on script node product_pitch: 400 logged decisions/);
    expect(text).toMatch(/logged policy +0\.3000 {2}\[0\.2\d+, 0\.3\d+\]/);
    for (const e of ['IPS', 'SNIPS', 'DR'])
      expect(text).toMatch(new RegExp(`\n  ${e} +0\\.\\d{4}  \\[`));
    expect(text).toMatch(/effective sample size 200\.0 of 400/);
    const lacking = formatPolicyReport(policyReport(file({ brand_new: 1 }), logs));
    expect(lacking).toMatch(/cannot estimate: support violation/);
    expect(lacking).not.toMatch(/IPS/);
  });

  it('refuses an empty log with a message naming the node', () => {
    expect(() => policyReport(file({ benefit: 1 }), [])).toThrow(/node "product_pitch"/);
  });
});
