/**
 * Stepping the dialog flow: which script node the bot speaks from next.
 *
 * Each customer turn, a state tries its transitions in order and takes the
 * first whose condition holds; none holds: it stays, until `maxTurns` turns
 * in the state send it to `timeout`. A transition to the state itself is an
 * explicit stay.
 *
 * A state that `asks` for a slot the customer already gave is never entered:
 * the step follows that state's transition on `slotKnown` for the slot, so
 * the bot does not ask for what it was just told.
 *
 * Call remember() (dialog-memory.ts) with the turn before step() and
 * concise(): both read the latest turn's slots, intent count and emotion
 * from the memory.
 */
import { DialwiseError } from '../../core/errors.js';
import { INTENT_TAXONOMY } from '../../models/intent-taxonomy.js';
import type { TurnSignals } from '../turn-signals.js';
import { isKnown, MEMORY_TURNS, type Memory, type SlotName } from './dialog-memory.js';
import type { StateName } from './dialog-states.js';
import { flowFor } from './flow-loader.js';
import type { Condition, ConciseRule, Flow, FlowState, Graph, StepResult } from './flow-schema.js';

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
    (c.intent === undefined ||
      [c.intent].flat().some((n) => INTENT_TAXONOMY.matches(s.intent, n))) &&
    (c.optOut === undefined || s.optOut === c.optOut) &&
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

/**
 * Whether to speak the concise variant of the node: the latest turn is
 * impatient or negative enough, or impatience has been climbing over the
 * whole memory window (say 0.1, 0.2, 0.35), before it crosses the threshold.
 */
export function concise(rule: ConciseRule, signals: TurnSignals, memory: Memory): boolean {
  if (signals.impatience >= rule.impatienceAtLeast) return true;
  if (signals.valence < rule.valenceBelow) return true;
  const trail = memory.recent.map((t) => t.impatience);
  const first = trail[0] ?? 0;
  const last = trail.at(-1) ?? 0;
  return (
    trail.length === MEMORY_TURNS &&
    trail.every((v, i) => i === 0 || v > (trail[i - 1] ?? 0)) &&
    last - first >= rule.risingBy
  );
}
