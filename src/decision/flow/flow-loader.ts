/**
 * Loading the dialog flow: `loadFlow` checks the config's shape with zod and
 * its meaning (targets exist, every state is reachable, asking states can
 * skip forward, ...), reports every problem with its path, and resolves the
 * base flow and each campaign's merged flow once.
 *
 * The transitions a state tries are, in order: the campaign's for this
 * state, the global ones (interrupts such as request_human, except those
 * leading to the state itself), the base state's.
 */
import type { z } from 'zod';
import { DialwiseError } from '../../core/errors.js';
import { STANDARD_STATES, TERMINAL_STATES, type StateName } from './dialog-states.js';
import {
  conciseSchema,
  flowSchema,
  stateSchema,
  transitionSchema,
  type Flow,
  type FlowState,
  type Graph,
  type StateFields,
  type StateSpec,
  type Transition,
} from './flow-schema.js';

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
    concise: conciseSchema.parse(top.concise ?? {}),
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
