/**
 * Decisions with a known ground truth, for checking off-policy estimates.
 * A scenario fixes the true conversion probability of each action in each
 * context; the simulator logs decisions under a logging policy the way the
 * live A/B test will, and computes the exact value of any other policy, which
 * an estimate from those logs can then be scored against.
 */
import type {
  Action,
  ActionProbs,
  DecisionContext,
  LoggedDecision,
  Policy,
} from '../../src/training/off-policy/index.js';
import { contextSpace, hasTag, sampleContext } from './decision-contexts.js';
import { seeded, weighted } from '../../src/core/rng.js';

export { contextSpace, sampleContext } from './decision-contexts.js';

export interface DecisionScenario {
  readonly name: string;
  readonly actions: readonly Action[];
  /** True conversion probability of `action` in `context`. */
  convert(context: DecisionContext, action: Action): number;
}

const sigmoid = (x: number): number => 1 / (1 + Math.exp(-x));
const PRODUCT: Record<string, number> = {
  wealth: -0.3,
  insurance: 0,
  credit_card: 0.3,
  loan: -0.1,
};
const REGION: Record<string, number> = { east: 0.2, north: 0, south: 0.1, west: -0.2 };
const TIER: Record<string, number> = { A: 0.3, B: 0, C: -0.2 };

/** Log-odds of converting before the action's own effect. */
function baseLogit(c: DecisionContext): number {
  const hourEffect = c.hour >= 18 ? 0.2 : c.hour === 12 || c.hour === 13 ? -0.2 : 0;
  return (
    -2 +
    (PRODUCT[c.product_line] ?? 0) +
    (REGION[c.region] ?? 0) +
    (TIER[c.tier] ?? 0) +
    (hasTag(c, 'high_intent') ? 1 : 0) -
    0.25 * c.contacts_7d +
    hourEffect
  );
}

/**
 * Script versions: v2 answers price objections up front, so it wins with
 * price-sensitive customers and loses a little elsewhere; v3 is a longer,
 * consultative script that suits high-intent and VIP customers but tires
 * anyone called twice or more this week.
 */
export const SCRIPT_SCENARIO: DecisionScenario = {
  name: 'script',
  actions: ['v1', 'v2', 'v3'],
  convert(c, action) {
    let lift = 0;
    if (action === 'v2') lift = hasTag(c, 'price_sensitive') ? 0.6 : -0.15;
    else if (action === 'v3')
      lift =
        (hasTag(c, 'high_intent') ? 0.45 : -0.1) +
        (c.tier === 'A' ? 0.3 : 0) -
        (c.contacts_7d >= 2 ? 0.4 : 0);
    else if (action !== 'v1') throw new Error(`unknown script ${action}`);
    return sigmoid(baseLogit(c) + lift);
  },
};

/**
 * Bot or human agent: humans close high-intent and VIP customers much
 * better, are no better at haggling, and the evening shift converts less.
 */
export const ROUTING_SCENARIO: DecisionScenario = {
  name: 'routing',
  actions: ['bot', 'human'],
  convert(c, action) {
    let lift = 0;
    if (action === 'human')
      lift =
        (hasTag(c, 'high_intent') ? 0.8 : -0.1) +
        (c.tier === 'A' ? 0.4 : 0) -
        (hasTag(c, 'price_sensitive') ? 0.2 : 0) -
        (c.hour >= 18 ? 0.3 : 0);
    else if (action !== 'bot') throw new Error(`unknown routing target ${action}`);
    return sigmoid(baseLogit(c) + lift);
  },
};

function checkedProbs(scenario: DecisionScenario, policy: Policy, c: DecisionContext) {
  const probs: ActionProbs = policy.probs(c);
  for (const [a, p] of Object.entries(probs))
    if (p > 0 && !scenario.actions.includes(a))
      throw new Error(
        `policy ${policy.name} gives probability to ${a}, not a ${scenario.name} action`,
      );
  return probs;
}

export interface LogOptions {
  /** Time of the first decision; one decision a second after it. */
  start?: Date;
}

/**
 * N decisions drawn as the live system would make them: a context, an action
 * drawn from the logging policy (its probability logged as the propensity),
 * and a converted 0/1 reward drawn from the true conversion probability.
 * The same seed gives the same log.
 */
export function logDecisions(
  scenario: DecisionScenario,
  logging: Policy,
  n: number,
  seed: number,
  options: LogOptions = {},
): LoggedDecision[] {
  const rng = seeded(seed);
  const t0 = (options.start ?? new Date('2025-01-06T09:00:00Z')).getTime();
  const out: LoggedDecision[] = [];
  for (let i = 0; i < n; i++) {
    const context = sampleContext(rng);
    const probs = checkedProbs(scenario, logging, context);
    // Zero-probability actions are left out so rounding can never draw them.
    const action = weighted(
      rng,
      Object.fromEntries(Object.entries(probs).filter(([, p]) => p > 0)),
    );
    const converted = rng() < scenario.convert(context, action);
    out.push({
      decision_id: `${scenario.name}-${seed}-${i}`,
      ts: new Date(t0 + i * 1000).toISOString(),
      context,
      action,
      propensity: probs[action]!,
      reward: converted ? 1 : 0,
      policy_version: logging.name,
    });
  }
  return out;
}

/**
 * The exact expected reward (conversion rate) of a policy: the sum over every
 * context of its probability × the policy's action probabilities × the true
 * conversion probabilities. No sampling, so no Monte Carlo error; only
 * floating-point rounding (~1e-15).
 */
export function trueValue(scenario: DecisionScenario, policy: Policy): number {
  let v = 0;
  for (const { context, p } of contextSpace()) {
    const probs = checkedProbs(scenario, policy, context);
    for (const [a, pa] of Object.entries(probs))
      if (pa > 0) v += p * pa * scenario.convert(context, a);
  }
  return v;
}

/**
 * The truly best action per segment (e.g. per tag combination): the action
 * with the highest expected conversion over the segment's contexts. A rule
 * someone might deploy next; it is deterministic, so evaluating it offline
 * leans entirely on the logger's exploration.
 */
export function bestBySegment(
  scenario: DecisionScenario,
  segment: (context: DecisionContext) => string,
): Map<string, Action> {
  const sums = new Map<string, number[]>();
  for (const { context, p } of contextSpace()) {
    const key = segment(context);
    const s = sums.get(key) ?? scenario.actions.map(() => 0);
    scenario.actions.forEach((a, i) => (s[i]! += p * scenario.convert(context, a)));
    sums.set(key, s);
  }
  const best = new Map<string, Action>();
  for (const [key, s] of sums) best.set(key, scenario.actions[s.indexOf(Math.max(...s))]!);
  return best;
}
