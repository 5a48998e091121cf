/**
 * The engine's side of a transfer: the handoff pushed to the agent desktop
 * with its pickup deadline (a clock timer arms the no-pickup fallback), and
 * the follow-up task of hybrid mode; the warning of an agent who just made
 * a promise the rules forbid.
 */
import type { Clock } from '../../core/clock.js';
import type { EventOf } from '../../core/events/index.js';
import type { CustomerView } from '../customer-view.js';
import { known } from '../flow/index.js';
import {
  agentWarning,
  buildHandoff,
  chooseAgent,
  hybridPlan,
  onNoPickup,
  pickupDeadline,
  type SkillModel,
  type TransferConfig,
  type Trigger,
} from '../transfer/index.js';
import type { TurnSignals } from '../turn-signals.js';
import type { Session } from './call-session.js';
import { agentState } from './engine-journal.js';
import type { Decision, DecisionDeps, DecisionSetup } from './engine-contract.js';

/** Cancels of the no-pickup timers armed for transfers waiting for an agent, by call. */
export type PendingPickups = Map<string, () => void>;

/** What a transfer decision reads: the setup, the skills learned so far, the request's time. */
export interface TransferContext {
  setup: DecisionSetup;
  skills: SkillModel;
  nowMs: number;
}

/** ... and what a handoff acts through. */
export interface HandOffContext extends TransferContext {
  deps: Pick<DecisionDeps, 'pushHandoff' | 'alert' | 'journal'>;
  clock: Clock;
  pickups: PendingPickups;
}

const HOUR = 3_600_000;

/** Hybrid mode: a high-value customer the bot screened gets a human follow-up task. */
export function followUp(
  x: TransferContext,
  customer: CustomerView,
  productLine: string,
): Decision['follow_up'] {
  const plan = hybridPlan(customer, x.setup.transfer);
  if (!plan) return undefined;
  const { queue, dueInHours } = plan.followUp;
  const agent = chooseAgent(x.setup.agents, { queue, productLine }, x.skills);
  return {
    queue,
    agent: agent?.id ?? null,
    due_at: new Date(x.nowMs + dueInHours * HOUR).toISOString(),
  };
}

/** A transfer the flow decided (e.g. a request for a person) under its own reason. */
export function flowTrigger(config: TransferConfig, reason: string): Trigger {
  const id = 'dialog_flow';
  return (
    config.triggers.find((t) => t.id === id) ?? {
      id,
      description: reason,
      enabled: true,
      priority: 0,
      queue: 'general',
      when: {},
    }
  );
}

/**
 * What a decided turn hands over: an ended call's follow-up task (hybrid
 * mode; none for an opt-out), a transfer's handoff with its agent, who is
 * journaled as busy.
 */
export function handOver(
  x: HandOffContext,
  s: Session,
  decision: Decision,
  why: {
    trigger: Trigger | undefined;
    reason: string;
    signals: TurnSignals;
    customer: CustomerView;
  },
): void {
  if (decision.action === 'end' && s.flow.name !== 'do_not_call') {
    const task = followUp(x, why.customer, s.productLine);
    if (task) decision.follow_up = task;
  }
  if (decision.action !== 'transfer') return;
  const trigger = why.trigger ?? flowTrigger(x.setup.transfer, why.reason);
  decision.transfer = handOff(x, s, { trigger, signals: why.signals }, why.customer);
  const chosen = x.setup.agents.filter((a) => a.id === decision.transfer!.agent);
  x.deps.journal?.({ k: 'agents', agents: chosen.map(agentState) });
}

/**
 * Hands the call to an agent: builds the handoff, picks the agent, pushes
 * the context to the desktop and arms the no-pickup fallback on the clock
 * (at once when no agent is free). The session keeps the handoff and, once
 * it fires, the fallback.
 */
export function handOff(
  x: HandOffContext,
  s: Session,
  why: { trigger: Trigger; signals: TurnSignals },
  customer: CustomerView,
): NonNullable<Decision['transfer']> {
  const handoff = buildHandoff({
    trigger: why.trigger,
    state: s.flow.name,
    signals: why.signals,
    memorySlots: known(s.memory, customer.facts),
    customer,
    lastTurns: s.turns,
    callId: s.callId,
  });
  const agent = chooseAgent(
    x.setup.agents,
    { queue: handoff.queue, productLine: s.productLine },
    x.skills,
  );
  const { timeoutMs } = x.setup.transfer.noPickup;
  const result = {
    ...handoff,
    agent: agent?.id ?? null,
    pickup_deadline: agent ? new Date(pickupDeadline(x.nowMs, timeoutMs)).toISOString() : null,
  };
  s.handoff = result;
  x.deps.pushHandoff(result);
  const fallback = () => noPickup(x.setup.transfer, s, x.deps, x.pickups);
  if (!agent) fallback();
  else {
    agent.lastAssignedAt = x.nowMs;
    x.pickups.set(s.callId, x.clock.after(timeoutMs, fallback));
  }
  return result;
}

/**
 * Nobody picked the transfer up in time (or nobody was free): the session
 * takes the configured fallback, the supervisors are alerted and the
 * change is written down.
 */
export function noPickup(
  config: TransferConfig,
  s: Session,
  deps: Pick<DecisionDeps, 'alert' | 'journal'>,
  pickups: PendingPickups,
): void {
  pickups.delete(s.callId);
  const { fallback, alert } = onNoPickup(s.handoff!, config);
  s.fallback = fallback;
  deps.alert(alert);
  deps.journal?.({ k: 'session', s });
}

/** A transfer recorded waiting for its agent gets its no-pickup timer back, for what is left of it. */
export function awaitPickup(
  config: TransferConfig,
  s: Session,
  deps: Pick<DecisionDeps, 'alert' | 'journal' | 'clock'>,
  pickups: PendingPickups,
): void {
  const h = s.handoff;
  if (!h?.pickup_deadline || s.pickedUpAt !== undefined || s.fallback !== undefined) return;
  const left = Math.max(0, Date.parse(h.pickup_deadline) - deps.clock.now());
  pickups.set(
    s.callId,
    deps.clock.after(left, () => noPickup(config, s, deps, pickups)),
  );
}

/** Warns the agent's desktop of a promise the agent just made (live agent assist). */
export function assistAgent(deps: DecisionDeps, turn: EventOf<'dialog.turn'>): void {
  const { agentLines, pushWarning } = deps;
  if (!agentLines || !pushWarning) return;
  const warning = agentWarning(turn, agentLines.check(turn.text), agentLines.sayInstead);
  if (warning) pushWarning(warning);
}
