/**
 * Capability model for the workers that can take a call: bot variants and
 * human agents alike. A worker's skill on a product line is the mean of a
 * Beta posterior over its conversion rate. The prior comes from a configured
 * product knowledge score k (0..1, e.g. a certification result) worth
 * `priorStrength` outcomes: Beta(k·n, (1 − k)·n). Each recorded outcome adds
 * one to the converted or failed count, so a well-trained newcomer starts
 * ahead and real results take over once they outweigh the prior.
 *
 * The model is plain JSON: store it as is, load it with `loadSkillModel`.
 */
import { z } from 'zod';
import { DialwiseError } from '../../core/errors.js';

const score = z.number().min(0).max(1);
const count = z.number().int().min(0);

export const skillModelSchema = z.strictObject({
  /** How many outcomes the prior is worth. */
  priorStrength: z.number().positive(),
  /** Knowledge score for a worker and line with none configured. */
  defaultKnowledge: score,
  /** Configured product knowledge, by worker id then product line. */
  knowledge: z.record(z.string(), z.record(z.string(), score)),
  /** Observed outcomes, by worker id then product line. */
  outcomes: z.record(
    z.string(),
    z.record(z.string(), z.strictObject({ converted: count, failed: count })),
  ),
});

export type SkillModel = z.infer<typeof skillModelSchema>;

export function loadSkillModel(json: unknown): SkillModel {
  const r = skillModelSchema.safeParse(json);
  if (r.success) return r.data;
  const problems = r.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
  throw new DialwiseError('CONFIG_INVALID', `invalid skill model:\n  - ${problems.join('\n  - ')}`);
}

/** Posterior mean conversion rate of a worker on a product line. */
export function skill(model: SkillModel, workerId: string, productLine: string): number {
  const k = model.knowledge[workerId]?.[productLine] ?? model.defaultKnowledge;
  const seen = model.outcomes[workerId]?.[productLine] ?? { converted: 0, failed: 0 };
  const n = model.priorStrength;
  return (k * n + seen.converted) / (n + seen.converted + seen.failed);
}

/** A new model with one more outcome for the worker on the product line. */
export function recordOutcome(
  model: SkillModel,
  workerId: string,
  productLine: string,
  converted: boolean,
): SkillModel {
  const lines = model.outcomes[workerId] ?? {};
  const seen = lines[productLine] ?? { converted: 0, failed: 0 };
  const next = converted
    ? { ...seen, converted: seen.converted + 1 }
    : { ...seen, failed: seen.failed + 1 };
  return {
    ...model,
    outcomes: { ...model.outcomes, [workerId]: { ...lines, [productLine]: next } },
  };
}

/** Workers by skill on the product line, best first; equal skills keep their given order. */
export function rankWorkers<W extends { id: string }>(
  model: SkillModel,
  workers: readonly W[],
  productLine: string,
): W[] {
  return workers
    .map((w) => ({ w, s: skill(model, w.id, productLine) }))
    .sort((a, b) => b.s - a.s)
    .map(({ w }) => w);
}
