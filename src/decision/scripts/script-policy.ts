/**
 * A script policy deployed live (DIALWISE_SCRIPT_POLICY): at its one node,
 * the variant is drawn from the policy's probabilities for the customer's
 * context instead of from the experiment, and the probability it was drawn
 * with is logged as the propensity, so the policy's own decisions can be
 * evaluated off-policy later like the experiment's. The policy file and its
 * rules are the off-policy evaluator's (training/off-policy, docs/off-policy.md);
 * the composition root turns a file into this shape.
 */
import type { DecisionContext } from '../../core/logged-decision.js';
import type { Rng } from '../../core/rng.js';

export interface ScriptPolicy {
  name: string;
  /** The script node it chooses the variant of. */
  node: string;
  /** Probability of each variant id in a context (a variant left out has 0). */
  probs(context: DecisionContext): Readonly<Record<string, number>>;
}

/**
 * Draws among the variants that can be spoken here. The policy's
 * probabilities are renormalised over them: a variant the customer does not
 * fit (a match on industry or tags) or whose slots are unknown cannot be
 * said, whatever the file gives it. Undefined when the policy gives none of
 * them any probability: the experiment chooses then.
 */
export function drawFromPolicy(
  probs: Readonly<Record<string, number>>,
  variants: readonly string[],
  rng: Rng,
): { variant: string; propensity: number } | undefined {
  const live = variants.filter((v) => (probs[v] ?? 0) > 0);
  const total = live.reduce((s, v) => s + probs[v]!, 0);
  if (live.length === 0) return undefined;
  let u = rng() * total;
  for (const variant of live) {
    u -= probs[variant]!;
    if (u < 0) return { variant, propensity: probs[variant]! / total };
  }
  // Rounding left u at or a hair above 0: the last variant.
  const last = live[live.length - 1]!;
  return { variant: last, propensity: probs[last]! / total };
}
