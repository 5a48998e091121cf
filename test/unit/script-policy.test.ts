import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadLiveScriptPolicy } from '../../src/app/live-script-policy.js';
import type { DecisionContext } from '../../src/core/logged-decision.js';
import { seeded } from '../../src/core/rng.js';
import { createExperiment, loadScripts } from '../../src/decision/index.js';
import { chooseLine, drawFromPolicy } from '../../src/decision/scripts/index.js';
import { customerView } from '../helpers/decision.js';
import { check, engine, json, turn } from '../helpers/decision-engine.js';

const library = loadScripts(json('scripts.json'), check);

describe('a script policy deployed live', () => {
  it('draws among the speakable variants, its probabilities renormalised over them', () => {
    const probs = { a: 0.5, b: 0.125, c: 0.375 };
    // c cannot be spoken here: a and b share its mass 0.5 : 0.125.
    expect(drawFromPolicy(probs, ['a', 'b'], () => 0.5)).toEqual({ variant: 'a', propensity: 0.8 });
    expect(drawFromPolicy(probs, ['a', 'b'], () => 0.9)).toEqual({ variant: 'b', propensity: 0.2 });
    expect(drawFromPolicy(probs, ['d'], () => 0.5)).toBeUndefined();
    const rng = seeded(7);
    let b = 0;
    for (let i = 0; i < 20_000; i++)
      if (drawFromPolicy(probs, ['a', 'b'], rng)!.variant === 'b') b++;
    expect(b / 20_000).toBeCloseTo(0.2, 1);
  });

  it('chooses the line at its node instead of the experiment and names itself', () => {
    // Both opening variants matched on tags fit this customer; 'standard' (the fallback) is not said.
    const customer = customerView({ tags: ['converted_before', 'high_intent'] });
    const x = {
      library,
      nodeId: 'opening',
      customer,
      segment: 'high_intent',
      concise: false,
      slots: { product: '经营贷服务' },
    };
    const policy = { name: 'warm-first', probs: { standard: 0.5, returning: 0.125, warm: 0.375 } };
    const line = chooseLine({ ...x, policy }, createExperiment(), check, () => 0.5);
    expect(line).toMatchObject({ variant: 'warm', propensity: 0.75, policy: 'warm-first' });
    const bandit = chooseLine(x, createExperiment(), check, () => 0.5);
    expect(bandit.policy).toBeUndefined();
    // A policy that gives no speakable variant any mass leaves the choice to the experiment.
    const none = { name: 'std', probs: { standard: 1 } };
    const fallback = chooseLine({ ...x, policy: none }, createExperiment(), check, () => 0.5);
    expect(fallback.policy).toBeUndefined();
    expect(['returning', 'warm']).toContain(fallback.variant);
  });

  it('is asked with the context the decision is logged with, and its probability is the propensity', () => {
    // The second turn is said from identity_check, where this customer (no vip tag) fits one variant.
    const seen: DecisionContext[] = [];
    const live = (probs: Record<string, number>) =>
      engine({
        customer: { tags: ['high_intent'], crm: { customer_tier: 'A' } },
        scriptPolicy: {
          name: 'live-test',
          node: 'identity_check',
          probs: (c) => (seen.push(c), probs),
        },
      });
    const { e, logged } = live({ vip: 0.5, decision_maker: 0.5 });
    e.turn(turn('call-1', '你好'));
    e.turn(turn('call-1', '你好'));
    expect(seen).toEqual([logged[1]!.context]);
    expect(seen[0]).toMatchObject({ tier: 'A', tags: ['high_intent'] });
    // vip cannot be said to this customer: decision_maker takes its mass.
    expect(logged[1]).toMatchObject({
      node: 'identity_check',
      variant: 'decision_maker',
      propensity: 1,
      policy_version: 'live-test',
    });
    const other = live({ vip: 1 });
    other.e.turn(turn('call-2', '你好'));
    other.e.turn(turn('call-2', '你好'));
    expect(other.logged[1]).toMatchObject({
      variant: 'decision_maker',
      policy_version: '2026-12-06',
    });
  });

  it('is validated at start against the script library: node, variants and probabilities', () => {
    const dir = mkdtempSync(join(tmpdir(), 'script-policy-'));
    const write = (name: string, body: unknown) => {
      const file = join(dir, name);
      writeFileSync(file, JSON.stringify(body));
      return file;
    };
    const live = loadLiveScriptPolicy('config/policies/pitch-benefit.json', library);
    expect(live.node).toBe('product_pitch');
    const ctx = { tags: ['price_sensitive'], region: 'east', tier: 'B' };
    expect(live.probs({ ...ctx, product_line: 'loan', contacts_7d: 0, hour: 10 })).toEqual({
      benefit: 0.8,
      default: 0.2,
    });
    const base = { name: 'p', node: 'product_pitch', default: { benefit: 1 } };
    expect(() =>
      loadLiveScriptPolicy(write('node.json', { ...base, node: 'nope' }), library),
    ).toThrow(/DIALWISE_SCRIPT_POLICY.*no node "nope"/);
    const typo = write('typo.json', { ...base, default: { benfit: 0.5, default: 0.5 } });
    expect(() => loadLiveScriptPolicy(typo, library)).toThrow(/no variant "benfit"/);
    const sum = write('sum.json', { ...base, default: { benefit: 0.5 } });
    expect(() => loadLiveScriptPolicy(sum, library)).toThrow(/default: probabilities sum to 0.5/);
    expect(() => loadLiveScriptPolicy(join(dir, 'missing.json'), library)).toThrow(
      /cannot read script policy/,
    );
  });
});
