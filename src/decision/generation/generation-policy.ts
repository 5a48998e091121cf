/**
 * Where the bot may answer with a generated line instead of a template
 * (config/generation.json): questions no template covers, once the flow is
 * past its scripted steps. Opening, identity, disclosure, closing and
 * opt-out always stay templates.
 */
import { z } from 'zod';
import { parseConfig } from '../../core/config-file.js';

const policySchema = z.strictObject({
  /** Intents a generated answer may take at once (questions about the offer). */
  intents: z.array(z.string().min(1)).default(['ask_details', 'ask_terms']),
  /** Intents answered by generation only after the state's scripted answer was said once in the call. */
  afterScript: z
    .array(z.string().min(1))
    .default(['ask_price', 'ask_discount', 'objection_price', 'objection_competitor']),
  /** Intents answered only when the question is on topic: the knowledge base has a fact for it. */
  onTopic: z.array(z.string().min(1)).default(['out_of_scope']),
  /** States whose lines are always the script's. */
  scriptedStates: z
    .array(z.string().min(1))
    .default([
      'opening',
      'identity_check',
      'closing',
      'callback_scheduling',
      'transfer_to_human',
      'do_not_call',
      'end',
    ]),
  /** The least BM25 score of the best fact for an on-topic question. */
  minScore: z.number().nonnegative().default(2),
  /** Facts retrieved into the prompt. */
  facts: z.number().int().min(1).max(10).default(3),
  /** Whether generated vs template is an arm of the script experiments (per node and segment). */
  experiment: z.boolean().default(false),
});
export type GenerationPolicy = z.output<typeof policySchema>;

export const DEFAULT_GENERATION_POLICY: GenerationPolicy = policySchema.parse({});

export const loadGenerationPolicy = (raw: unknown, source = 'config/generation.json') =>
  parseConfig(policySchema, raw, source);

/** Why a turn may be generated: a question, one after its scripted answer, or one that must be on topic. */
export type GenerationGround = 'question' | 'after_script' | 'on_topic';

/**
 * Whether the bot may generate this turn's line, and on what ground: never
 * in a scripted state, an `afterScript` intent only once the state's node
 * was said before in the call. Null: the template is spoken.
 */
export function mayGenerate(
  p: GenerationPolicy,
  turn: { state: string; intent: string; node: string; saidNodes: readonly string[] },
): GenerationGround | null {
  if (p.scriptedStates.includes(turn.state)) return null;
  if (p.intents.includes(turn.intent)) return 'question';
  if (p.afterScript.includes(turn.intent))
    return turn.saidNodes.includes(turn.node) ? 'after_script' : null;
  if (p.onTopic.includes(turn.intent)) return 'on_topic';
  return null;
}
