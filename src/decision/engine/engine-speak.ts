/**
 * The engine's answer once the flow has stepped: the line spoken (script
 * node, variant by experiment or policy, tone, slots filled, compliance
 * checked) and the decision it goes out in.
 */
import { randomUUID } from 'node:crypto';
import type { DecisionContext } from '../../core/logged-decision.js';
import type { CustomerView } from '../customer-view.js';
import { concise as wantsConcise, flowFor, known } from '../flow/index.js';
import { chooseLine, chooseTone, lineSlots, scriptSegmentOf } from '../scripts/index.js';
import type { TurnSignals } from '../turn-signals.js';
import type { Session } from './call-session.js';
import type {
  ActionKind,
  Decision,
  DecisionDeps,
  DecisionSetup,
  Spoken,
} from './engine-contract.js';

export interface SpeakContext {
  setup: DecisionSetup;
  checkBotLine: DecisionDeps['checkBotLine'];
  rng: () => number;
}

/**
 * The script node of the state the call is in now, and the line said from
 * it. A question the flow does not move on (who is calling, where the
 * number came from) is answered from the library's `answer_<intent>` node
 * where it has one, instead of repeating the state's line.
 */
export function speak(
  x: SpeakContext,
  s: Session,
  heard: { signals: TurnSignals; customer: CustomerView; moved: boolean },
  context: DecisionContext,
): Spoken {
  const { setup } = x;
  const { signals, customer } = heard;
  const library = setup.scripts.get(s.scriptVersion);
  const answer = `answer_${signals.intent}`;
  const node =
    !heard.moved && Object.hasOwn(library.nodes, answer)
      ? answer
      : flowFor(setup.flow, s.campaignId).states[s.flow.name]!.node;
  s.tone ??= chooseTone(setup.experiment, customer, s.spoken, x.rng);
  const concise = s.tone === 'concise' || wantsConcise(setup.flow.concise, signals, s.memory);
  const segment = scriptSegmentOf(customer);
  const slots = lineSlots({
    facts: known(s.memory, customer.facts),
    customer,
    productLine: s.productLine,
    agent: s.handoff?.agent,
  });
  // A policy file deployed at this node chooses for the context logged, not the experiment.
  const live = setup.scriptPolicy;
  const policy = live?.node === node ? { name: live.name, probs: live.probs(context) } : undefined;
  const line = chooseLine(
    { library, nodeId: node, customer, segment, concise, slots, policy },
    setup.experiment,
    x.checkBotLine,
    x.rng,
  );
  return { node, segment, concise, line };
}

/** The decision a spoken line goes out in: say, end or transfer, by the state the call is in. */
export function decide(
  setup: DecisionSetup,
  s: Session,
  signals: TurnSignals,
  spoken: Spoken,
  reason: string,
): Decision {
  const { line } = spoken;
  const state = flowFor(setup.flow, s.campaignId).states[s.flow.name]!;
  const action: ActionKind =
    s.flow.name === 'transfer_to_human' ? 'transfer' : state.terminal ? 'end' : 'say';
  return {
    decision_id: randomUUID(),
    call_id: s.callId,
    action,
    text: line.text,
    state: s.flow.name,
    script_id: spoken.node,
    variant: line.variant,
    script_version: s.scriptVersion,
    concise: spoken.concise,
    reason,
    intent: signals.intent,
    intent_score: s.intentScore,
    ...(line.blocked.length && { blocked: line.blocked.map((h) => h.rule) }),
  };
}
