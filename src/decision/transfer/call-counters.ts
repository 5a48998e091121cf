/**
 * What a call has added up so far, for the transfer triggers. Every turn the
 * caller folds the turn into the counters (`updateCounters`) before asking
 * `firstTrigger`.
 */
import type { StateName } from '../flow/index.js';
import type { TurnSignals } from '../turn-signals.js';
import { own } from './customer-match.js';

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
