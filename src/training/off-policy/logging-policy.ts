/**
 * Stochastic policies for script and routing choice. Each one states the
 * full probability of every action, so the live A/B test can log the
 * propensity of the action it took and a new policy can be evaluated offline
 * from those logs (policy-evaluation.ts).
 */
import type { Action, DecisionContext, Policy } from './logged-decision.js';

function checkActions(actions: readonly Action[]): void {
  if (actions.length === 0) throw new Error('a policy needs at least one action');
  if (new Set(actions).size !== actions.length) throw new Error('actions must be distinct');
}

/**
 * Takes `choose(context)` with probability 1 - epsilon and explores uniformly
 * over all actions with probability epsilon (so the chosen one gets
 * 1 - epsilon + epsilon / k). epsilon 0 is a deterministic policy.
 */
export function epsilonGreedy(
  name: string,
  actions: readonly Action[],
  epsilon: number,
  choose: (context: DecisionContext) => Action,
): Policy {
  checkActions(actions);
  if (!(epsilon >= 0 && epsilon <= 1)) throw new Error(`epsilon must be in [0, 1], got ${epsilon}`);
  const explore = epsilon / actions.length;
  return {
    name,
    probs(context) {
      const best = choose(context);
      if (!actions.includes(best)) throw new Error(`policy ${name} chose unknown action ${best}`);
      const p: Record<Action, number> = {};
      for (const a of actions) p[a] = explore;
      p[best] = 1 - epsilon + explore;
      return p;
    },
  };
}

export const deterministic = (
  name: string,
  actions: readonly Action[],
  choose: (context: DecisionContext) => Action,
): Policy => epsilonGreedy(name, actions, 0, choose);

export function uniform(name: string, actions: readonly Action[]): Policy {
  checkActions(actions);
  const p = Object.fromEntries(actions.map((a) => [a, 1 / actions.length]));
  return { name, probs: () => p };
}

/**
 * Softmax over scores (e.g. predicted conversion per action): a lower
 * temperature exploits more, and every action keeps some probability, which
 * keeps later off-policy estimates possible.
 */
export function softmax(
  name: string,
  actions: readonly Action[],
  score: (context: DecisionContext, action: Action) => number,
  temperature: number,
): Policy {
  checkActions(actions);
  if (!(temperature > 0)) throw new Error(`temperature must be > 0, got ${temperature}`);
  return {
    name,
    probs(context) {
      const s = actions.map((a) => score(context, a) / temperature);
      const top = Math.max(...s);
      const e = s.map((v) => Math.exp(v - top));
      const total = e.reduce((x, y) => x + y, 0);
      return Object.fromEntries(actions.map((a, i) => [a, e[i]! / total]));
    },
  };
}
