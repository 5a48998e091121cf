/**
 * When a call goes to a human, what the agent is told, and who takes it.
 *
 * Transfer triggers are data (config/transfer.json): each one is a condition
 * over the latest turn, the call's running counters, the dialog state and the
 * customer. Every turn the caller folds the turn into the counters
 * (`updateCounters`) and asks `firstTrigger`; the highest-priority enabled
 * trigger that holds decides the skill queue. `buildHandoff` then packs what
 * the agent needs (no phone number or name), `chooseAgent` picks the agent,
 * and `onNoPickup` says what happens when nobody answers.
 */
import { z } from 'zod';
import { DialwiseError } from '../core/errors.js';
import type { IntentLabel } from '../models/keyword/intent-cues.js';
import { EMOTION_LABELS, type EmotionLabel, type SlotFacts } from '../models/types.js';
import { rankWorkers, type SkillModel } from './routing.js';
import type { CustomerView, StateName, TurnSignals } from './types.js';

/** A value of a record read by a key that came from config or a model label. */
const own = <V>(record: Readonly<Record<string, V>>, key: string): V | undefined =>
  Object.hasOwn(record, key) ? record[key] : undefined;

// ---------------------------------------------------------------- counters

export const COUNTER_NAMES = [
  'customerTurns',
  'outOfScopeStreak',
  'lowAsrStreak',
  'negativeTurns',
  'objections',
  'turnsInState',
] as const;
export type CounterName = (typeof COUNTER_NAMES)[number];

/** What a call has added up so far; plain data, replaced every turn. */
export type CallCounters = Readonly<Record<CounterName, number>> & {
  /** State of the latest customer turn (null before the first). */
  readonly state: StateName | null;
  /** Customer turns per intent label. */
  readonly intentCounts: Readonly<Record<string, number>>;
};

/** What counts as a low-ASR or a negative turn when counting. */
export interface Counting {
  lowAsrBelow: number;
  negativeValenceBelow: number;
}

export const DEFAULT_COUNTING: Counting = { lowAsrBelow: 0.6, negativeValenceBelow: -0.3 };

export const initialCounters = (): CallCounters => ({
  customerTurns: 0,
  outOfScopeStreak: 0,
  lowAsrStreak: 0,
  negativeTurns: 0,
  objections: 0,
  turnsInState: 0,
  state: null,
  intentCounts: {},
});

/**
 * The counters after one more customer turn heard in `stateName`. Streaks
 * (out of scope, low ASR) restart at 0 on a turn that breaks them; the
 * other counts only grow, except turns-in-state, which restarts at 1 when
 * the state changes.
 */
export function updateCounters(
  counters: CallCounters,
  signals: TurnSignals,
  stateName: StateName,
  counting: Counting = DEFAULT_COUNTING,
): CallCounters {
  const negative =
    signals.emotion === 'angry' ||
    signals.emotion === 'negative' ||
    signals.valence < counting.negativeValenceBelow;
  const objection =
    signals.intent.startsWith('objection_') || signals.slots.objection !== undefined;
  return {
    customerTurns: counters.customerTurns + 1,
    outOfScopeStreak: signals.outOfScope ? counters.outOfScopeStreak + 1 : 0,
    lowAsrStreak: signals.asrConfidence < counting.lowAsrBelow ? counters.lowAsrStreak + 1 : 0,
    negativeTurns: counters.negativeTurns + (negative ? 1 : 0),
    objections: counters.objections + (objection ? 1 : 0),
    turnsInState: stateName === counters.state ? counters.turnsInState + 1 : 1,
    state: stateName,
    intentCounts: {
      ...counters.intentCounts,
      [signals.intent]: (own(counters.intentCounts, signals.intent) ?? 0) + 1,
    },
  };
}

// ---------------------------------------------------------------- config

type CrmValue = string | number | boolean;

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
      intent: words.optional(),
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

// ---------------------------------------------------------------- triggers

/** What the triggers see on one turn; `counters` already include this turn. */
export interface TransferInput {
  signals: TurnSignals;
  counters: CallCounters;
  state: StateName;
  customer: CustomerView;
}

const fold = (s: string): string => s.normalize('NFKC').toLowerCase();
const isWordChar = (c: string | undefined): boolean => c !== undefined && /[a-z0-9]/.test(c);

/** Config words are few and fixed: each is folded once. */
const foldedWords = new Map<string, string>();

/** Whether folded `text` contains `word`, with Latin/digit edges on word boundaries. */
function mentions(text: string, word: string): boolean {
  let w = foldedWords.get(word);
  if (w === undefined) foldedWords.set(word, (w = fold(word)));
  const edgeOk = (inner: string | undefined, outer: string | undefined) =>
    !isWordChar(inner) || !isWordChar(outer);
  for (let i = text.indexOf(w); i >= 0; i = text.indexOf(w, i + 1)) {
    if (edgeOk(w[0], text[i - 1]) && edgeOk(w.at(-1), text[i + w.length])) return true;
  }
  return false;
}

const hasAnyTag = (customer: CustomerView, tags: readonly string[]): boolean =>
  tags.some((t) => customer.tags.includes(t));

const crmHolds = (customer: CustomerView, field: string, values: readonly CrmValue[]): boolean => {
  const v = own(customer.crm, field);
  return v !== undefined && v !== null && values.includes(v);
};

/** `text` is the turn's text, folded once per decision. */
function holds(c: Condition, x: TransferInput, text: string): boolean {
  const s = x.signals;
  const atLeastAll = (
    need: Readonly<Record<string, number | undefined>>,
    have: (k: string) => number,
  ) => Object.entries(need).every(([k, n]) => have(k) >= (n ?? 0));
  if (c.intent && !c.intent.includes(s.intent)) return false;
  if (c.textAny && !c.textAny.some((w) => mentions(text, w))) return false;
  if (c.counterAtLeast && !atLeastAll(c.counterAtLeast, (k) => x.counters[k as CounterName]))
    return false;
  if (
    c.intentCountAtLeast &&
    !atLeastAll(c.intentCountAtLeast, (k) => own(x.counters.intentCounts, k) ?? 0)
  )
    return false;
  if (c.valenceBelow !== undefined && !(s.valence < c.valenceBelow)) return false;
  if (c.impatienceAtLeast !== undefined && !(s.impatience >= c.impatienceAtLeast)) return false;
  if (c.emotion && !c.emotion.includes(s.emotion)) return false;
  if (c.asrBelow !== undefined && !(s.asrConfidence < c.asrBelow)) return false;
  if (c.state && !c.state.includes(x.state)) return false;
  if (c.tagAny && !hasAnyTag(x.customer, c.tagAny)) return false;
  if (c.crmIn && !Object.entries(c.crmIn).every(([f, vs]) => crmHolds(x.customer, f, vs)))
    return false;
  if (c.intentScoreAtLeast !== undefined && !(x.customer.intentScore >= c.intentScoreAtLeast))
    return false;
  if (c.all && !c.all.every((sub) => holds(sub, x, text))) return false;
  if (c.any && !c.any.some((sub) => holds(sub, x, text))) return false;
  return true;
}

/** The highest-priority enabled trigger that holds, if any. */
export function firstTrigger(config: TransferConfig, input: TransferInput): Trigger | undefined {
  let best: Trigger | undefined;
  const text = fold(input.signals.text);
  for (const t of config.triggers) {
    if (t.enabled && (!best || t.priority > best.priority) && holds(t.when, input, text)) best = t;
  }
  return best;
}

// ---------------------------------------------------------------- handoff

export interface Turn {
  speaker: 'customer' | 'bot' | 'agent';
  text: string;
}

export interface HandoffInput {
  trigger: Trigger;
  state: StateName;
  signals: TurnSignals;
  /** Facts remembered from earlier turns. */
  memorySlots: SlotFacts;
  customer: CustomerView;
  lastTurns: readonly Turn[];
  callId: string;
  /** A summary written elsewhere (e.g. by a language model); generated otherwise. */
  summary?: string;
}

export interface Handoff {
  callId: string;
  customerId: string;
  queue: string;
  reason: { trigger: string; description: string };
  state: StateName;
  language: 'zh' | 'en';
  summary: string;
  slots: SlotFacts;
  profile: { tags: readonly string[]; tier?: string; industry?: string; intentScore: number };
  intentScore: number;
  lastTurns: Turn[];
}

/** What the customer wants, by intent: [Chinese, English]. */
const WANTS: Record<IntentLabel, readonly [string, string]> = {
  greeting: ['刚接通', 'has just picked up'],
  ask_price: ['询问价格', 'asks about the price'],
  ask_details: ['想了解产品细节', 'wants product details'],
  interested: ['有兴趣', 'is interested'],
  purchase: ['想购买', 'wants to buy'],
  not_interested: ['表示不感兴趣', 'says they are not interested'],
  ask_materials: ['想要资料', 'wants materials'],
  request_callback: ['希望回电', 'wants a callback'],
  request_human: ['要求人工服务', 'asks for a person'],
  ask_meeting: ['想约见面或演示', 'wants a meeting or demo'],
  complaint: ['要投诉', 'has a complaint'],
  objection_price: ['嫌价格高', 'finds it too expensive'],
  objection_timing: ['觉得时机不合适', 'says the timing is bad'],
  objection_trust: ['不太信任', 'does not trust the offer'],
  objection_competitor: ['在用其他供应商', 'uses a competitor'],
  confirm_identity: ['已确认身份', 'confirmed their identity'],
  deny_identity: ['否认是本人', 'says they are not the person called'],
  other: ['意图不明', 'intent unclear'],
};

type Objection = NonNullable<SlotFacts['objection']>;
const OBJECTIONS: Record<Objection, readonly [string, string]> = {
  price: ['价格', 'price'],
  timing: ['时机', 'timing'],
  trust: ['信任', 'trust'],
  need: ['需求', 'need'],
  competitor: ['竞品', 'competitor'],
};

const FACTS = {
  budget: ['预算', 'budget'],
  timeline: ['时间', 'timeline'],
  decisionMaker: ['决策人', 'decision maker'],
  competitor: ['竞品', 'competitor'],
} as const satisfies Record<Exclude<keyof SlotFacts, 'objection'>, readonly [string, string]>;

const HAN = /\p{Script=Han}/u;
const PHONE_LIKE = /\+?\d(?:[\s-]?\d){6,}/g;

/** Masks the CRM name and phone and anything phone-like. */
function redact(text: string, customer: CustomerView): string {
  let out = text.replace(PHONE_LIKE, '[phone]');
  for (const field of ['name', 'phone'] as const) {
    const v = own(customer.crm, field);
    if (typeof v === 'string' && v.length >= 2) out = out.split(v).join(`[${field}]`);
  }
  return out;
}

function summarize(x: HandoffInput, slots: SlotFacts, language: 'zh' | 'en'): string {
  const i = language === 'zh' ? 0 : 1;
  const want = own<readonly [string, string]>(WANTS, x.signals.intent)?.[i] ?? x.signals.intent;
  const objections = [...new Set([x.memorySlots.objection, x.signals.slots.objection])]
    .filter((o): o is Objection => o !== undefined)
    .map((o) => OBJECTIONS[o][i]);
  const known = (Object.keys(FACTS) as (keyof typeof FACTS)[])
    .filter((k) => slots[k])
    .map((k) => `${FACTS[k][i]} ${slots[k]}`);
  if (language === 'zh') {
    const why = x.trigger.descriptionZh ?? x.trigger.description;
    return [
      `客户${want}`,
      objections.length > 0 ? `异议：${objections.join('、')}` : '',
      known.length > 0 ? `已知：${known.join('；')}` : '',
      `转人工原因：${why}`,
    ]
      .filter(Boolean)
      .join('。')
      .concat('。');
  }
  return [
    `Customer ${want}`,
    objections.length > 0 ? `Objections: ${objections.join(', ')}` : '',
    known.length > 0 ? `Known: ${known.join('; ')}` : '',
    `Transferred because: ${x.trigger.description}`,
  ]
    .filter(Boolean)
    .join('. ')
    .concat('.');
}

/** The context an agent receives with the call. */
export function buildHandoff(x: HandoffInput): Handoff {
  const slots: SlotFacts = { ...x.memorySlots, ...x.signals.slots };
  const customerTexts = [
    x.signals.text,
    ...x.lastTurns.filter((t) => t.speaker === 'customer').map((t) => t.text),
  ];
  const language = customerTexts.some((t) => HAN.test(t)) ? 'zh' : 'en';
  const crmText = (field: string) => {
    const v = own(x.customer.crm, field);
    return v === undefined || v === null ? undefined : String(v);
  };
  return {
    callId: x.callId,
    customerId: x.customer.customerId,
    queue: x.trigger.queue,
    reason: { trigger: x.trigger.id, description: x.trigger.description },
    state: x.state,
    language,
    summary: redact(x.summary ?? summarize(x, slots, language), x.customer),
    slots,
    profile: {
      tags: [...x.customer.tags],
      tier: crmText('customer_tier'),
      industry: crmText('industry'),
      intentScore: x.customer.intentScore,
    },
    intentScore: x.customer.intentScore,
    lastTurns: x.lastTurns.slice(-6).map((t) => ({ ...t, text: redact(t.text, x.customer) })),
  };
}

// ---------------------------------------------------------------- agents

export interface Agent {
  id: string;
  queues: readonly string[];
  languages: readonly string[];
  available: boolean;
  /** Epoch ms of the agent's latest assignment; absent if never assigned. */
  lastAssignedAt?: number;
}

export interface AgentNeed {
  queue: string;
  productLine: string;
  language?: string;
}

/**
 * The available agent in the queue (speaking the language, if one is asked
 * for) with the best learned skill on the product line; among equals, the
 * one assigned least recently.
 */
export function chooseAgent(
  agents: readonly Agent[],
  need: AgentNeed,
  skills: SkillModel,
): Agent | undefined {
  const eligible = agents
    .filter(
      (a) =>
        a.available &&
        a.queues.includes(need.queue) &&
        (need.language === undefined || a.languages.includes(need.language)),
    )
    .sort((a, b) => (a.lastAssignedAt ?? 0) - (b.lastAssignedAt ?? 0));
  return rankWorkers(skills, eligible, need.productLine)[0];
}

/** When an agent offered a call at `now` (epoch ms) must have picked up. */
export const pickupDeadline = (now: number, timeoutMs: number): number => now + timeoutMs;

/** What to do when no agent picked up in time, and the alert to raise. */
export function onNoPickup(
  handoff: Handoff,
  config: TransferConfig,
): { fallback: NoPickupFallback; alert: string } {
  const { timeoutMs, fallback, byQueue } = config.noPickup;
  const chosen = own(byQueue, handoff.queue) ?? fallback;
  return {
    fallback: chosen,
    alert:
      `no agent in queue ${handoff.queue} picked up call ${handoff.callId} ` +
      `within ${timeoutMs / 1000}s (trigger ${handoff.reason.trigger}); fallback: ${chosen}`,
  };
}

export interface HybridPlan {
  screening: 'bot';
  followUp: { queue: string; dueInHours: number };
}

/** For a high-value customer in hybrid mode: the bot screens, an agent follows up. */
export function hybridPlan(customer: CustomerView, config: TransferConfig): HybridPlan | undefined {
  const h = config.hybrid;
  const highValue =
    hasAnyTag(customer, h.highValue.tagAny) ||
    Object.entries(h.highValue.crmIn).some(([f, vs]) => crmHolds(customer, f, vs));
  if (!h.enabled || !highValue) return undefined;
  return { screening: 'bot', followUp: { queue: h.queue, dueInHours: h.dueInHours } };
}
