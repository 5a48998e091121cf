/**
 * The dialog flow as data (config/dialog-flow.json): its conditions,
 * transitions and states, and the zod schemas that check their shape.
 * flow-loader.ts checks their meaning and resolves the campaigns' flows.
 */
import { z } from 'zod';
import { INTENT_TAXONOMY } from '../../models/intent-taxonomy.js';
import { EMOTION_LABELS, type EmotionLabel } from '../../models/types.js';
import { SLOT_NAMES, type SlotName } from './dialog-memory.js';
import type { StateName } from './dialog-states.js';

/** A condition over the latest turn and the call; every key given must hold. */
export interface Condition {
  /** The turn's intent is this one or one of these, a label or a group of labels (config/intents.json). */
  intent?: string | string[];
  /** The customer withdrew consent to be contacted (the opt-out signal, whatever the intent). */
  optOut?: boolean;
  /** With intent: this turn's intent was heard at least this often in the call (this turn included). */
  timesAtLeast?: number;
  emotion?: EmotionLabel[];
  impatienceAtLeast?: number;
  valenceBelow?: number;
  outOfScope?: boolean;
  slotKnown?: SlotName;
  slotMissing?: SlotName;
  /** Turns in the current state, this one included. */
  turnsInStateAtLeast?: number;
  /** Customer turns in the call, this one included. */
  callTurnsAtLeast?: number;
  asrBelow?: number;
  any?: Condition[];
  all?: Condition[];
  not?: Condition;
}

export interface Transition {
  to: StateName;
  when: Condition;
  reason: string;
}

export const ASKED_SLOTS = ['budget', 'timeline', 'decisionMaker', 'competitor'] as const;
export type AskedSlot = (typeof ASKED_SLOTS)[number];

/** A state of a resolved flow (campaign merged in). */
export interface StateSpec {
  name: StateName;
  /** The script node the bot speaks from. */
  node: string;
  asks?: AskedSlot;
  terminal: boolean;
  maxTurns?: number;
  timeout?: StateName;
  /** Every transition tried in this state, in order (campaign, global, own). */
  rules: readonly Transition[];
}

export interface Graph {
  initial: StateName;
  states: Readonly<Record<StateName, StateSpec>>;
}

/**
 * When the bot speaks a node's concise variant: the latest turn is this
 * impatient or this negative, or impatience rose at every remembered turn
 * by `risingBy` in all. Below the impatience that hands a call to a human
 * (transfer.json), so a hurried customer hears the short line first.
 */
export interface ConciseRule {
  impatienceAtLeast: number;
  valenceBelow: number;
  risingBy: number;
}

/** The base flow and each campaign's merged flow, resolved once at load. */
export interface Flow {
  base: Graph;
  campaigns: Readonly<Record<string, Graph>>;
  concise: ConciseRule;
}

export interface FlowState {
  name: StateName;
  /** Customer turns handled in this state so far. */
  turnsInState: number;
  /** Customer turns handled in the call so far. */
  callTurns: number;
}

export interface StepResult {
  state: FlowState;
  reason: string;
  moved: boolean;
}

// ---- shape ---------------------------------------------------------------

const unit = z.number().min(0).max(1);
const count = z.number().int().min(1);
const stateName = z.string().min(1);
const intent = z.string().refine((i) => INTENT_TAXONOMY.isName(i), {
  error: (issue) => `unknown intent or intent group ${JSON.stringify(issue.input)}`,
});

const conditionSchema: z.ZodType<Condition> = z.lazy(() =>
  z
    .strictObject({
      intent: z.union([intent, z.array(intent).min(1)]).optional(),
      timesAtLeast: count.optional(),
      emotion: z.array(z.enum(EMOTION_LABELS)).min(1).optional(),
      impatienceAtLeast: unit.optional(),
      valenceBelow: z.number().min(-1).max(1).optional(),
      outOfScope: z.boolean().optional(),
      optOut: z.boolean().optional(),
      slotKnown: z.enum(SLOT_NAMES).optional(),
      slotMissing: z.enum(SLOT_NAMES).optional(),
      turnsInStateAtLeast: count.optional(),
      callTurnsAtLeast: count.optional(),
      asrBelow: unit.optional(),
      any: z.array(conditionSchema).min(1).optional(),
      all: z.array(conditionSchema).min(1).optional(),
      not: conditionSchema.optional(),
    })
    .refine((c) => c.timesAtLeast === undefined || c.intent !== undefined, {
      message: 'timesAtLeast needs intent',
      path: ['timesAtLeast'],
    }),
);

export const transitionSchema = z.strictObject({
  to: stateName,
  when: conditionSchema,
  reason: z.string().min(1),
});

/** A state as written; transitions are parsed one by one so one bad one hides nothing else. */
export const stateSchema = z.strictObject({
  node: z.string().min(1).optional(),
  asks: z.enum(ASKED_SLOTS).optional(),
  terminal: z.boolean().optional(),
  maxTurns: count.optional(),
  timeout: stateName.optional(),
  transitions: z.array(z.unknown()).optional(),
});
export type StateFields = Omit<z.output<typeof stateSchema>, 'transitions'>;

export const conciseSchema = z.strictObject({
  impatienceAtLeast: unit.default(0.5),
  valenceBelow: z.number().min(-1).max(1).default(-0.4),
  risingBy: unit.default(0.2),
});

export const flowSchema = z.strictObject({
  initial: stateName,
  concise: conciseSchema.optional(),
  global: z.array(z.unknown()).optional(),
  states: z.record(stateName, z.unknown()),
  campaigns: z
    .record(
      z.string().min(1),
      z.strictObject({
        initial: stateName.optional(),
        states: z.record(stateName, z.unknown()).optional(),
      }),
    )
    .optional(),
});
