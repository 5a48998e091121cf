/**
 * The transfer config (config/transfer.json) and its validation: the
 * triggers, each a condition over the latest turn, the call's running
 * counters, the dialog state and the customer; what happens when no agent
 * picks up; and the hybrid mode for high-value customers.
 */
import { z } from 'zod';
import { DialwiseError } from '../../core/errors.js';
import { INTENT_TAXONOMY } from '../../models/intent-taxonomy.js';
import { EMOTION_LABELS, type EmotionLabel } from '../../models/types.js';
import { COUNTER_NAMES, DEFAULT_COUNTING, type CounterName } from './call-counters.js';
import type { CrmValue } from './customer-match.js';

/**
 * One condition holds when every operator in it holds; `all` and `any`
 * nest further conditions. Text is matched case-insensitively after NFKC
 * folding; a word's Latin or digit edge must sit at a word boundary, so
 * "sue" does not match "issue" while "投诉" matches inside any sentence.
 */
export interface Condition {
  intent?: readonly string[];
  textAny?: readonly string[];
  counterAtLeast?: Partial<Record<CounterName, number>>;
  intentCountAtLeast?: Readonly<Record<string, number>>;
  valenceBelow?: number;
  impatienceAtLeast?: number;
  emotion?: readonly EmotionLabel[];
  asrBelow?: number;
  state?: readonly string[];
  tagAny?: readonly string[];
  /** Every listed CRM field holds one of its values. */
  crmIn?: Readonly<Record<string, readonly CrmValue[]>>;
  intentScoreAtLeast?: number;
  all?: readonly Condition[];
  any?: readonly Condition[];
}

const name = z.string().regex(/^[a-z][a-z0-9_]*$/, 'must be snake_case');
const list = <T extends z.ZodType>(item: T) => z.array(item).min(1, 'needs at least one entry');
const words = list(z.string().min(1, 'must not be empty'));
const unit = z.number().min(0).max(1);
const valence = z.number().min(-1).max(1);
const atLeast = z.number().int().min(1);
/** Refinement options that stay silent while the value has other problems. */
const quiet = (message: string) => ({
  message,
  when: (payload: { issues: readonly unknown[] }) => payload.issues.length === 0,
});
const crmIn = z
  .record(z.string().min(1), list(z.union([z.string(), z.number(), z.boolean()])))
  .refine((r) => Object.keys(r).length > 0, quiet('needs at least one field'));

const condition: z.ZodType<Condition> = z.lazy(() =>
  z
    .strictObject({
      intent: words
        .refine((l) => l.every((i) => INTENT_TAXONOMY.isName(i)), {
          error: (issue) => `unknown intent or intent group in ${JSON.stringify(issue.input)}`,
        })
        .optional(),
      textAny: words.optional(),
      counterAtLeast: z
        .partialRecord(z.enum(COUNTER_NAMES), atLeast)
        .refine((r) => Object.keys(r).length > 0, quiet('needs at least one counter'))
        .optional(),
      intentCountAtLeast: z
        .record(z.string().min(1), atLeast)
        .refine((r) => Object.keys(r).length > 0, quiet('needs at least one intent'))
        .optional(),
      valenceBelow: valence.optional(),
      impatienceAtLeast: unit.optional(),
      emotion: list(z.enum(EMOTION_LABELS)).optional(),
      asrBelow: unit.optional(),
      state: words.optional(),
      tagAny: words.optional(),
      crmIn: crmIn.optional(),
      intentScoreAtLeast: unit.optional(),
      all: list(condition).optional(),
      any: list(condition).optional(),
    })
    .refine((c) => Object.keys(c).length > 0, quiet('a condition needs at least one operator')),
);

const triggerSchema = z.strictObject({
  id: name,
  description: z.string().min(1),
  /** Used in Chinese handoff summaries; `description` otherwise. */
  descriptionZh: z.string().min(1).optional(),
  enabled: z.boolean(),
  /** Higher wins; equal priorities go by order in the file. */
  priority: z.number().int(),
  /** The skill queue the call goes to. */
  queue: name,
  when: condition,
});

const FALLBACKS = ['callback_task', 'bot_continue', 'voicemail'] as const;
export type NoPickupFallback = (typeof FALLBACKS)[number];

export const transferConfigSchema = z
  .strictObject({
    counting: z
      .strictObject({ lowAsrBelow: unit, negativeValenceBelow: valence })
      .default(DEFAULT_COUNTING),
    triggers: list(triggerSchema),
    noPickup: z.strictObject({
      /** How long an agent has to pick up. */
      timeoutMs: z.number().int().positive(),
      fallback: z.enum(FALLBACKS),
      /** Per-queue fallbacks that override `fallback`. */
      byQueue: z.record(name, z.enum(FALLBACKS)),
    }),
    /** High-value customers: the bot screens, an agent follows up. */
    hybrid: z.strictObject({
      enabled: z.boolean(),
      /** High value: any of these tags, or any listed CRM field holding one of its values. */
      highValue: z.strictObject({ tagAny: z.array(z.string().min(1)), crmIn }),
      queue: name,
      dueInHours: z.number().positive(),
    }),
  })
  .superRefine((c, ctx) => {
    const seen = new Set<string>();
    c.triggers.forEach((t, i) => {
      if (seen.has(t.id))
        ctx.addIssue({
          code: 'custom',
          path: ['triggers', i, 'id'],
          message: `duplicate trigger "${t.id}"`,
        });
      seen.add(t.id);
    });
  });

export type TransferConfig = z.output<typeof transferConfigSchema>;
export type Trigger = TransferConfig['triggers'][number];

/** Validates a parsed config/transfer.json, reporting every problem with its path. */
export function loadTransferConfig(json: unknown): TransferConfig {
  const r = transferConfigSchema.safeParse(json);
  if (r.success) return r.data;
  const problems = r.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
  throw new DialwiseError(
    'CONFIG_INVALID',
    `invalid transfer config:\n  - ${problems.join('\n  - ')}`,
  );
}

/**
 * A hurried customer hears the short line before a person is called in: every
 * enabled impatience trigger must sit above the flow's concise threshold
 * (dialog-flow.json `concise.impatienceAtLeast`).
 */
export function checkConciseBeforeTransfer(conciseAt: number, config: TransferConfig): void {
  const early = config.triggers.filter(
    (t) =>
      t.enabled && t.when.impatienceAtLeast !== undefined && t.when.impatienceAtLeast <= conciseAt,
  );
  if (early.length)
    throw new DialwiseError(
      'CONFIG_INVALID',
      `transfer trigger(s) ${early.map((t) => `${t.id} (${t.when.impatienceAtLeast})`).join(', ')} hand off at or below the concise line's impatience ${conciseAt}: raise them above it`,
    );
}
