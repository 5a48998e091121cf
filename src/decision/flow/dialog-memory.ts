/**
 * Short context memory for one call. It holds what the customer said in the
 * last few turns (slots and emotion), so the flow never asks again for what
 * it was just told and can see a customer getting impatient. Anything older
 * lives in the customer's profile: the caller passes the profile's facts to
 * `known` and the recent turns win over them.
 *
 * Call `remember` once per customer turn, in order, before asking the flow
 * for its next step: the flow reads this turn through the memory too.
 */
import type { SlotFacts } from '../../models/types.js';
import type { TurnSignals } from '../turn-signals.js';

/** Customer turns the memory keeps. */
export const MEMORY_TURNS = 3;

export const SLOT_NAMES = [
  'budget',
  'timeline',
  'decisionMaker',
  'competitor',
  'objection',
  'channel',
] as const satisfies readonly (keyof SlotFacts)[];
export type SlotName = (typeof SLOT_NAMES)[number];

/** The profile's fact names for the slots it keeps (pipelines/profile.ts). */
const PROFILE_FACT: Partial<Record<SlotName, string>> = {
  budget: 'budget',
  timeline: 'timeline',
  decisionMaker: 'decision_maker',
  competitor: 'competitor',
  channel: 'channel',
};

export interface RecentTurn {
  turnNo: number;
  /** Only the slots stated in this turn. */
  slots: SlotFacts;
  valence: number;
  impatience: number;
}

export interface Memory {
  /** The last MEMORY_TURNS customer turns, oldest first. */
  recent: readonly RecentTurn[];
  /** How often each intent was heard in this call (the whole call, not the window). */
  intents: Readonly<Record<string, number>>;
}

export const EMPTY_MEMORY: Memory = { recent: [], intents: {} };

/** A new memory with this turn added and the oldest turn dropped once the window is full. */
export function remember(memory: Memory, turnNo: number, signals: TurnSignals): Memory {
  const slots: SlotFacts = {};
  for (const slot of SLOT_NAMES) {
    const value = signals.slots[slot];
    if (value) Object.assign(slots, { [slot]: value });
  }
  const turn = { turnNo, slots, valence: signals.valence, impatience: signals.impatience };
  return {
    recent: [...memory.recent, turn].slice(-MEMORY_TURNS),
    intents: { ...memory.intents, [signals.intent]: (memory.intents[signals.intent] ?? 0) + 1 },
  };
}

/** Every slot known: the profile's facts, overwritten by the recent turns, newest last. */
export function known(
  memory: Memory,
  profileFacts: Readonly<Record<string, string>> = {},
): SlotFacts {
  const facts: SlotFacts = {};
  for (const slot of SLOT_NAMES) {
    const name = PROFILE_FACT[slot];
    const value = name === undefined ? undefined : profileFacts[name];
    if (value) Object.assign(facts, { [slot]: value });
  }
  for (const turn of memory.recent) Object.assign(facts, turn.slots);
  return facts;
}

export const isKnown = (
  memory: Memory,
  slot: SlotName,
  profileFacts: Readonly<Record<string, string>> = {},
): boolean => known(memory, profileFacts)[slot] !== undefined;
