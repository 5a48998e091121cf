/** One call the bot is on: the dialog state, its short memory and what it learned so far. */
import type { ServedModels } from '../../models/champions.js';
import {
  newCallSignals,
  observeCustomerTurn,
  type CallSignals,
} from '../../models/propensity-features.js';
import { callIntentScore } from '../../models/propensity-model.js';
import type { VoiceSample } from '../../models/prosody/baseline.js';
import type { IneligibleReason } from '../../core/events/index.js';
import type { CustomerView } from '../customer-view.js';
import type { Tone } from '../scripts/index.js';
import {
  EMPTY_MEMORY,
  known,
  remember,
  startState,
  type FlowState,
  type Memory,
} from '../flow/index.js';
import {
  initialCounters,
  updateCounters,
  type CallCounters,
  type TransferConfig,
  type Turn,
} from '../transfer/index.js';
import type { TurnSignals } from '../turn-signals.js';
import type { Decision, DecisionSetup, TurnRequest } from './engine-contract.js';

/** Turns (both speakers) a session keeps for the handoff and the agent's context. */
const TURNS_KEPT = 12;
/** A call without a turn this long is dropped at the next sweep. */
export const IDLE_MS = 30 * 60_000;

/** How many turn ids a session remembers. */
export const TURN_IDS_KEPT = 16;

export interface Session {
  callId: string;
  customerId: string;
  campaignId: string | undefined;
  productLine: string;
  scriptVersion: string;
  flow: FlowState;
  memory: Memory;
  counters: CallCounters;
  signals: CallSignals;
  voice: VoiceSample[];
  turns: Turn[];
  intentScore: number;
  /** Every (node, segment, variant) spoken, for the experiment's rewards at the call's end. */
  spoken: { node: string; segment: string; variant: string }[];
  /** The call's tone, drawn at its first line (scripts/tone-choice.ts). */
  tone?: Tone;
  last?: Decision;
  /**
   * The dialer's ids of the last turns decided (TURN_IDS_KEPT, the one
   * `last` answered last): a turn sent again, whether a retry or a copy
   * delayed past a later turn (relayed before a takeover), is not a new step.
   */
  turnIds?: string[];
  handoff?: Decision['transfer'];
  /** When the agent took the transfer (the no-pickup fallback is off). */
  pickedUpAt?: number;
  fallback?: string;
  /** Set while a generated line is awaited: the call's next turn waits for this one. */
  deciding?: boolean;
  /** The dialing rules this call was found to break, each recorded once. */
  broken: IneligibleReason[];
  touchedAt: number;
}

/** A session for the first turn of a call, on the script version current now. */
export function newSession(setup: DecisionSetup, req: TurnRequest, nowMs: number): Session {
  return {
    callId: req.call_id,
    customerId: req.customer_id,
    campaignId: req.campaign_id,
    productLine: req.product_line ?? 'default',
    // A call keeps the script version it started on when a new one is rolled out.
    scriptVersion: setup.scripts.current().version,
    flow: startState(setup.flow, req.campaign_id),
    memory: EMPTY_MEMORY,
    counters: initialCounters(),
    signals: newCallSignals(),
    voice: [],
    turns: [],
    intentScore: 0,
    spoken: [],
    broken: [],
    touchedAt: nowMs,
  };
}

/** Adds a turn to the session's transcript, keeping the last TURNS_KEPT. */
export function addTurn(s: Session, turn: Turn): void {
  s.turns.push(turn);
  if (s.turns.length > TURNS_KEPT) s.turns.splice(0, s.turns.length - TURNS_KEPT);
}

/**
 * Folds the turn into the call's memory, counters and signals, and scores
 * the call's intent: the customer as the triggers and scripts see them.
 */
export function hear(
  s: Session,
  signals: TurnSignals,
  customer: CustomerView,
  models: ServedModels,
  counting: TransferConfig['counting'],
): CustomerView {
  s.memory = remember(s.memory, s.flow.callTurns + 1, signals);
  s.counters = updateCounters(s.counters, signals, s.flow.name, counting);
  observeCustomerTurn(s.signals, {
    text: signals.text,
    intent: signals.intent,
    valence: signals.valence,
    objection: signals.slots.objection,
    impatience: signals.impatience,
  });
  s.intentScore = callIntentScore(models.propensity, s.signals, customer.history);
  return { ...customer, intentScore: s.intentScore };
}

/** What an agent (or the dialer) needs to know about a call in progress. */
export function callContext(s: Session, customer: CustomerView) {
  return {
    call_id: s.callId,
    customer_id: s.customerId,
    campaign_id: s.campaignId ?? null,
    state: s.flow.name,
    customer_turns: s.flow.callTurns,
    slots: known(s.memory, customer.facts),
    intent_score: s.intentScore,
    script_version: s.scriptVersion,
    last_turns: s.turns.slice(-6),
    last_decision: s.last ?? null,
    handoff: s.handoff ?? null,
    fallback: s.fallback ?? null,
  };
}
