/**
 * A candidate script policy written by hand, before rollout: for one script
 * node, the probability of each variant by rule (the first rule whose
 * `when` holds), else by default. Read from a file (`dialwise
 * evaluate-policy --policy FILE`) or from JSON text (GraphQL
 * policyEvaluation); format in docs/off-policy.md, an example in
 * config/policies/.
 */
import { z } from 'zod';
import { parseConfig } from '../../core/config-file.js';
import { DialwiseError } from '../../core/errors.js';
import type { ActionProbs, DecisionContext, Policy } from './logged-decision.js';

const name = z.string().trim().min(1).max(100);
const names = z.array(name).min(1).max(100);

/** How far a row's probabilities may sum from 1 (rounding in a hand-written file). */
const SUM_TOLERANCE = 1e-6;

const probs = z.record(name, z.number().min(0).max(1)).superRefine((p, ctx) => {
  const values = Object.values(p);
  const total = values.reduce((s, v) => s + v, 0);
  if (values.length === 0) ctx.addIssue({ code: 'custom', message: 'names no variant' });
  else if (Math.abs(total - 1) > SUM_TOLERANCE)
    ctx.addIssue({ code: 'custom', message: `probabilities sum to ${total}, not 1` });
});

const when = z
  .strictObject({ tagsAny: names.optional(), region: names.optional(), tier: names.optional() })
  .refine((w) => w.tagsAny || w.region || w.tier, {
    message: 'needs at least one of tagsAny, region, tier (the default row covers the rest)',
  });

export const policyFileSchema = z.strictObject({
  name,
  /** The script node the policy chooses the variant of (e.g. product_pitch). */
  node: name,
  rules: z.array(z.strictObject({ when, probs })).max(100).default([]),
  default: probs,
});
export type PolicyFile = z.infer<typeof policyFileSchema>;

/**
 * Validates a policy, every problem listed with its path. A bad policy is the
 * caller's mistake, not the platform's config: BAD_REQUEST.
 */
export function parsePolicyFile(raw: unknown, source: string): PolicyFile {
  try {
    return parseConfig(policyFileSchema, raw, source);
  } catch (err) {
    if (err instanceof DialwiseError) throw new DialwiseError('BAD_REQUEST', err.message);
    throw err;
  }
}

const holds = (w: PolicyFile['rules'][number]['when'], c: DecisionContext): boolean =>
  (!w.tagsAny || w.tagsAny.some((t) => c.tags.includes(t))) &&
  (!w.region || w.region.includes(c.region)) &&
  (!w.tier || w.tier.includes(c.tier));

/** The evaluator's Policy: the first rule that holds in a context, else the default row. */
export function policyOf(file: PolicyFile): Policy {
  return {
    name: file.name,
    probs: (c): ActionProbs => file.rules.find((r) => holds(r.when, c))?.probs ?? file.default,
  };
}
