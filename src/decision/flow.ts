/**
 * The dialog state machine: which script node the bot speaks from next.
 * The flow is data (config/dialog-flow.json); `loadFlow` checks its shape
 * with zod and its meaning (targets exist, every state is reachable, asking
 * states can skip forward, ...) and reports every problem with its path.
 *
 * Each customer turn, a state tries its transitions in order and takes the
 * first whose condition holds; none holds: it stays, until `maxTurns` turns
 * in the state send it to `timeout`. The transitions tried are, in order:
 * the campaign's for this state, the global ones (interrupts such as
 * request_human, except those leading to the state itself), the base
 * state's. A transition to the state itself is an explicit stay.
 *
 * A state that `asks` for a slot the customer already gave is never entered:
 * the step follows that state's transition on `slotKnown` for the slot, so
 * the bot does not ask for what it was just told.
 *
 * Call memory.remember() with the turn before step() and concise(): both
 * read the latest turn's slots, intent count and emotion from the memory.
 */
import { z } from 'zod';
import { DialwiseError } from '../core/errors.js';
import { INTENT_LABELS } from '../models/keyword/intent-cues.js';
import { EMOTION_LABELS, type EmotionLabel } from '../models/types.js';
import { isKnown, MEMORY_TURNS, SLOT_NAMES, type Memory, type SlotName } from './memory.js';
import { STANDARD_STATES, type StateName, type TurnSignals } from './types.js';

/** A condition over the latest turn and the call; every key given must hold. */
export interface Condition {
  /** The turn's intent is this one or one of these. */
  intent?: string | string[];
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

/** The base flow and each campaign's merged flow, resolved once at load. */
export interface Flow {
  base: Graph;
  campaigns: Readonly<Record<string, Graph>>;
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

/** States that end the bot's part of the call. */
const TERMINAL_STATES = ['transfer_to_human', 'do_not_call', 'end'];

// ---- shape ---------------------------------------------------------------

const unit = z.number().min(0).max(1);
const count = z.number().int().min(1);
const stateName = z.string().min(1);
const intent = z.string().refine((i) => (INTENT_LABELS as readonly string[]).includes(i), {
  error: (issue) => `unknown intent ${JSON.stringify(issue.input)}`,
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

const transitionSchema = z.strictObject({
  to: stateName,
  when: conditionSchema,
  reason: z.string().min(1),
});

/** A state as written; transitions are parsed one by one so one bad one hides nothing else. */
const stateSchema = z.strictObject({
  node: z.string().min(1).optional(),
  asks: z.enum(ASKED_SLOTS).optional(),
  terminal: z.boolean().optional(),
  maxTurns: count.optional(),
  timeout: stateName.optional(),
  transitions: z.array(z.unknown()).optional(),
});
type StateFields = Omit<z.output<typeof stateSchema>, 'transitions'>;

const flowSchema = z.strictObject({
  initial: stateName,
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

// ---- loading -------------------------------------------------------------

type Path = readonly PropertyKey[];
interface Problem {
  path: Path;
  message: string;
}
/** A piece of config and where it was written. */
interface Placed<T> {
  value: T;
  at: Path;
}
/** A state while merging; fields undefined when its shape was invalid. */
interface Draft {
  at: Path;
  fields: StateFields | undefined;
  /** A campaign's transitions for a base state: tried before the global ones. */
  first: Placed<Transition>[];
  own: Placed<Transition>[];
}
interface DraftFlow {
  initial: Placed<StateName>;
  global: Placed<Transition>[];
  states: Map<StateName, Draft>;
}

/** `states.pricing.transitions[2].to` */
const formatPath = (path: Path): string =>
  path
    .map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? String(p) : `.${String(p)}`))
    .join('') || '(root)';

function parseAt<T>(schema: z.ZodType<T>, value: unknown, at: Path, problems: Problem[]) {
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  for (const i of r.error.issues) problems.push({ path: [...at, ...i.path], message: i.message });
  return undefined;
}

function parseTransitions(raw: unknown[], at: Path, problems: Problem[]) {
  const out: Placed<Transition>[] = [];
  raw.forEach((t, i) => {
    const value = parseAt(transitionSchema, t, [...at, i], problems);
    if (value) out.push({ value, at: [...at, i] });
  });
  return { transitions: out, ok: out.length === raw.length };
}

function parseStates(raw: Record<string, unknown>, at: Path, problems: Problem[]) {
  const out = new Map<
    StateName,
    { at: Path; fields?: StateFields; transitions: Placed<Transition>[] }
  >();
  for (const [name, value] of Object.entries(raw)) {
    const here = [...at, name];
    const spec = parseAt(stateSchema, value, here, problems);
    const { transitions: rawTransitions = [], ...fields } = spec ?? {};
    const parsed = parseTransitions(rawTransitions, [...here, 'transitions'], problems);
    out.set(name, {
      at: here,
      fields: spec && parsed.ok ? fields : undefined,
      transitions: parsed.transitions,
    });
  }
  return out;
}

/** The transitions a state tries, in order, each with where it was written. */
function rulesOf(d: DraftFlow, name: StateName, s: Draft): Placed<Transition>[] {
  const global = s.fields?.terminal ? [] : d.global.filter((t) => t.value.to !== name);
  return [...s.first, ...global, ...s.own];
}

/**
 * Problems of meaning: references, terminal states, skips, timeouts, and
 * whether the states `mustReach` picks can be reached from the initial one.
 */
function check(d: DraftFlow, mustReach: (name: StateName) => boolean): Problem[] {
  const problems: Problem[] = [];
  const add = (path: Path, message: string) => problems.push({ path, message });
  const unknown = (name: string) => `unknown state ${JSON.stringify(name)}`;
  const has = (name: string) => d.states.has(name);

  for (const name of STANDARD_STATES) {
    if (!has(name)) add(['states'], `missing standard state "${name}"`);
  }
  if (!has(d.initial.value)) add(d.initial.at, unknown(d.initial.value));
  const written = [d.global, ...[...d.states.values()].flatMap((s) => [s.first, s.own])].flat();
  for (const t of written) if (!has(t.value.to)) add([...t.at, 'to'], unknown(t.value.to));

  for (const [name, s] of d.states) {
    const f = s.fields;
    if (!f) continue;
    const own = s.first.length + s.own.length;
    if (TERMINAL_STATES.includes(name) && !f.terminal) add(s.at, 'must be terminal');
    if (f.terminal) {
      for (const key of ['asks', 'maxTurns', 'timeout'] as const) {
        if (f[key] !== undefined) add([...s.at, key], `a terminal state takes no ${key}`);
      }
      if (own > 0) add([...s.at, 'transitions'], 'a terminal state takes no transitions');
      continue;
    }
    const rules = rulesOf(d, name, s);
    if (own === 0 && f.timeout === undefined) add(s.at, 'needs transitions or a timeout');
    if ((f.maxTurns === undefined) !== (f.timeout === undefined)) {
      add(s.at, 'maxTurns and timeout go together');
    }
    if (f.timeout !== undefined && !has(f.timeout)) add([...s.at, 'timeout'], unknown(f.timeout));
    if (f.asks && !rules.some((t) => t.value.when.slotKnown === f.asks)) {
      add([...s.at, 'asks'], `no transition has slotKnown "${f.asks}" to skip forward on`);
    }
    const always = rules.find((t) => Object.keys(t.value.when).length === 0);
    if (f.maxTurns !== undefined && always) {
      add([...s.at, 'maxTurns'], `never reached: ${formatPath(always.at)} always matches`);
    }
  }

  if (has(d.initial.value)) {
    const seen = new Set([d.initial.value]);
    const queue = [d.initial.value];
    for (let name = queue.pop(); name !== undefined; name = queue.pop()) {
      const s = d.states.get(name);
      if (!s) continue;
      const next = [...rulesOf(d, name, s).map((t) => t.value.to), s.fields?.timeout];
      for (const to of next) {
        if (to !== undefined && !seen.has(to)) {
          seen.add(to);
          queue.push(to);
        }
      }
    }
    for (const [name, s] of d.states) {
      if (!seen.has(name) && mustReach(name)) add(s.at, `unreachable from "${d.initial.value}"`);
    }
  }
  return problems;
}

function resolve(d: DraftFlow): Graph {
  const states: Record<StateName, StateSpec> = {};
  for (const [name, s] of d.states) {
    const f = s.fields ?? {};
    states[name] = {
      name,
      node: f.node ?? name,
      asks: f.asks,
      terminal: f.terminal ?? false,
      maxTurns: f.maxTurns,
      timeout: f.timeout,
      rules: rulesOf(d, name, s).map((t) => t.value),
    };
  }
  return { initial: d.initial.value, states };
}

/**
 * Validates a flow config and resolves the base flow and every campaign's
 * merged flow. Throws DialwiseError CONFIG_INVALID listing every problem,
 * one per line, each with its path in the config.
 */
export function loadFlow(json: unknown): Flow {
  const shape: Problem[] = [];
  const top = parseAt(flowSchema, json, [], shape);
  if (!top) fail(shape);

  const baseStates = parseStates(top.states, ['states'], shape);
  const base: DraftFlow = {
    initial: { value: top.initial, at: ['initial'] },
    global: parseTransitions(top.global ?? [], ['global'], shape).transitions,
    states: new Map(
      [...baseStates].map(([name, s]) => [
        name,
        { at: s.at, fields: s.fields, first: [], own: s.transitions },
      ]),
    ),
  };

  // A campaign state replaces the fields it gives; its transitions go first
  // for a base state and are the state's own for a new one.
  const campaigns = Object.entries(top.campaigns ?? {}).map(([id, c]) => {
    const at = ['campaigns', id];
    const states = new Map(base.states);
    for (const [name, o] of parseStates(c.states ?? {}, [...at, 'states'], shape)) {
      const b = base.states.get(name);
      const fields = o.fields && (b ? b.fields && { ...b.fields, ...o.fields } : o.fields);
      states.set(
        name,
        b
          ? { at: o.at, fields, first: o.transitions, own: b.own }
          : { at: o.at, fields, first: [], own: o.transitions },
      );
    }
    const initial =
      c.initial === undefined ? base.initial : { value: c.initial, at: [...at, 'initial'] };
    return [id, { initial, global: base.global, states }] as const;
  });

  // Reachability is judged on valid shapes only, and for a campaign only on
  // the states it adds: a campaign may leave base states unused.
  const reach = shape.length === 0;
  const problems = [
    ...shape,
    ...check(base, () => reach),
    ...campaigns.flatMap(([, d]) => check(d, (name) => reach && !base.states.has(name))),
  ];
  if (problems.length > 0) fail(problems);
  return {
    base: resolve(base),
    campaigns: Object.fromEntries(campaigns.map(([id, d]) => [id, resolve(d)])),
  };
}

function fail(problems: Problem[]): never {
  // A campaign's merged flow repeats the base flow's problems: report each once.
  const lines = [...new Set(problems.map((p) => `${formatPath(p.path)}: ${p.message}`))];
  throw new DialwiseError('CONFIG_INVALID', `invalid dialog flow:\n  - ${lines.join('\n  - ')}`);
}

/** The campaign's merged flow; the base flow for no campaign or one without overrides. */
export const flowFor = (flow: Flow, campaignId?: string): Graph =>
  (campaignId === undefined ? undefined : flow.campaigns[campaignId]) ?? flow.base;

export const startState = (flow: Flow, campaignId?: string): FlowState => ({
  name: flowFor(flow, campaignId).initial,
  turnsInState: 0,
  callTurns: 0,
});

// ---- stepping ------------------------------------------------------------

interface Context {
  signals: TurnSignals;
  memory: Memory;
  profileFacts: Readonly<Record<string, string>>;
  turnsInState: number;
  callTurns: number;
}

function holds(c: Condition, x: Context): boolean {
  const s = x.signals;
  const slot = (name: SlotName) => isKnown(x.memory, name, x.profileFacts);
  return (
    (c.intent === undefined || [c.intent].flat().includes(s.intent)) &&
    (c.timesAtLeast === undefined || (x.memory.intents[s.intent] ?? 0) >= c.timesAtLeast) &&
    (c.emotion === undefined || c.emotion.includes(s.emotion)) &&
    (c.impatienceAtLeast === undefined || s.impatience >= c.impatienceAtLeast) &&
    (c.valenceBelow === undefined || s.valence < c.valenceBelow) &&
    (c.outOfScope === undefined || s.outOfScope === c.outOfScope) &&
    (c.slotKnown === undefined || slot(c.slotKnown)) &&
    (c.slotMissing === undefined || !slot(c.slotMissing)) &&
    (c.turnsInStateAtLeast === undefined || x.turnsInState >= c.turnsInStateAtLeast) &&
    (c.callTurnsAtLeast === undefined || x.callTurns >= c.callTurnsAtLeast) &&
    (c.asrBelow === undefined || s.asrConfidence < c.asrBelow) &&
    (c.any === undefined || c.any.some((a) => holds(a, x))) &&
    (c.all === undefined || c.all.every((a) => holds(a, x))) &&
    (c.not === undefined || !holds(c.not, x))
  );
}

/** Enters `to`, passing through every asking state whose slot is already known. */
function enter(g: Graph, to: StateName, reason: string, x: Context): StepResult {
  const reasons = [reason];
  const seen = new Set([to]);
  let name = to;
  for (;;) {
    const s = g.states[name];
    if (!s?.asks || !isKnown(x.memory, s.asks, x.profileFacts)) break;
    const skip = s.rules.find((t) => t.when.slotKnown === s.asks);
    if (!skip || seen.has(skip.to)) break;
    reasons.push(`skipped ${name}, ${s.asks} already known: ${skip.reason}`);
    name = skip.to;
    seen.add(name);
  }
  return {
    state: { name, turnsInState: 0, callTurns: x.callTurns },
    reason: reasons.join('; '),
    moved: true,
  };
}

/**
 * One customer turn: where the call goes next and why. `memory` already
 * holds this turn (remember() first); `profileFacts` fill in slots the
 * memory no longer holds.
 */
export function step(
  flow: Flow,
  campaignId: string | undefined,
  s: FlowState,
  signals: TurnSignals,
  memory: Memory,
  profileFacts: Readonly<Record<string, string>> = {},
): StepResult {
  const g = flowFor(flow, campaignId);
  const here = g.states[s.name];
  if (!here) throw new DialwiseError('BAD_REQUEST', `unknown dialog state "${s.name}"`);
  if (here.terminal) return { state: s, reason: `${s.name} is terminal`, moved: false };

  const x: Context = {
    signals,
    memory,
    profileFacts,
    turnsInState: s.turnsInState + 1,
    callTurns: s.callTurns + 1,
  };
  const stay = (reason: string): StepResult => ({
    state: { name: s.name, turnsInState: x.turnsInState, callTurns: x.callTurns },
    reason,
    moved: false,
  });
  const hit = here.rules.find((t) => holds(t.when, x));
  if (hit) return hit.to === s.name ? stay(hit.reason) : enter(g, hit.to, hit.reason, x);
  if (
    here.timeout !== undefined &&
    here.maxTurns !== undefined &&
    x.turnsInState >= here.maxTurns
  ) {
    return enter(g, here.timeout, `${here.maxTurns} turns in ${s.name} without progress`, x);
  }
  return stay('no transition matched');
}

// ---- concise script variant ----------------------------------------------

/** When the bot switches to the concise script variant. */
export const CONCISE_WHEN = {
  /** The latest turn's impatience at or above this. */
  impatienceAtLeast: 0.5,
  /** The latest turn's valence below this. */
  valenceBelow: -0.4,
  /** Impatience rose at every one of the remembered turns, by at least this in all. */
  risingBy: 0.2,
} as const;

/**
 * Whether to speak the concise variant of the node: the latest turn is
 * impatient or negative enough, or impatience has been climbing over the
 * whole memory window (say 0.1, 0.2, 0.35), before it crosses the threshold.
 */
export function concise(signals: TurnSignals, memory: Memory): boolean {
  if (signals.impatience >= CONCISE_WHEN.impatienceAtLeast) return true;
  if (signals.valence < CONCISE_WHEN.valenceBelow) return true;
  const trail = memory.recent.map((t) => t.impatience);
  const first = trail[0] ?? 0;
  const last = trail.at(-1) ?? 0;
  return (
    trail.length === MEMORY_TURNS &&
    trail.every((v, i) => i === 0 || v > (trail[i - 1] ?? 0)) &&
    last - first >= CONCISE_WHEN.risingBy
  );
}
