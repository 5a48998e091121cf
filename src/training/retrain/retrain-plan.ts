import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { DialwiseError } from '../../core/errors.js';
import { MODEL_KINDS } from '../kinds.js';
import { parseSchedule } from './retrain-schedule.js';

type Kind = (typeof MODEL_KINDS)[number];

/** Each registered kind's own section of the plan, under its name. */
const kindSections = Object.fromEntries(MODEL_KINDS.map((k) => [k.name, k.settings])) as {
  [K in Kind as K['name']]: K['settings'];
};

/** config/retrain.json: when the weekly job runs, the gate, and each kind's data and settings. */
export const retrainPlanSchema = z.strictObject({
  /** Cron expression (5 fields, UTC) for `dialwise start`; null: only by hand. */
  schedule: z
    .string()
    .nullable()
    .superRefine((s, ctx) => {
      try {
        if (s !== null) parseSchedule(s);
      } catch (err) {
        ctx.addIssue({ code: 'custom', message: (err as Error).message });
      }
    }),
  gate: z.strictObject({
    /** The challenger must beat the champion's headline metric by at least this (absolute). */
    minGain: z.number().min(0).max(1),
    /** No class (or data source) may drop by more than this (absolute F1 or AUC). */
    maxPartDrop: z.number().min(0).max(1),
  }),
  /** How many times each human correction counts in training. */
  correctionWeight: z.number().int().min(1).max(100),
  ...kindSections,
});
export type RetrainPlan = z.infer<typeof retrainPlanSchema>;

/** A kind's own section of the plan (validated by its schema when the plan was loaded). */
export const kindSettings = (plan: RetrainPlan, name: string): unknown =>
  (plan as unknown as Record<string, unknown>)[name];

export function loadRetrainPlan(file: string): RetrainPlan {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new DialwiseError(
      'CONFIG_INVALID',
      `${file}: cannot read JSON (${(err as Error).message})`,
    );
  }
  const r = retrainPlanSchema.safeParse(json);
  if (!r.success) {
    const problems = r.error.issues.map((i) => `${i.path.join('.') || '(file)'}: ${i.message}`);
    throw new DialwiseError('CONFIG_INVALID', `${file}: ${problems.join('; ')}`);
  }
  return r.data;
}
