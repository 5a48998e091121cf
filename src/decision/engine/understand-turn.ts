import { fuseEmotion } from '../../models/emotion-fusion.js';
import type { ServedModels } from '../../models/champions.js';
import { voiceImpatience, type VoiceSample } from '../../models/prosody/baseline.js';
import type { SlotContext } from '../../models/types.js';
import type { TurnSignals } from '../turn-signals.js';
import type { CustomerView } from '../customer-view.js';
import { zoneOf } from '../dialing/index.js';
import { step, type StepResult } from '../flow/index.js';
import { firstTrigger } from '../transfer/index.js';
import { hear, type Session } from './call-session.js';
import type { DecisionSetup, TurnRequest } from './engine-contract.js';

/**
 * What the served turn models make of the customer's utterance: intent,
 * emotion fused from text and voice (`voice` holds the call's earlier voice
 * samples; voiceImpatience adds this turn's), slots.
 */
export function understandTurn(
  turn: ServedModels['turn'],
  voice: VoiceSample[],
  req: TurnRequest,
  /** When and where the customer is: "下午三点" becomes an instant in their zone. */
  at: SlotContext,
): TurnSignals {
  const intent = turn.intent(req.text);
  const optOut = turn.optOut(req.text, 'customer');
  const impatience = req.prosody ? voiceImpatience(voice, req.prosody) : null;
  const emotion = fuseEmotion(turn.emotion(req.text), impatience);
  return {
    text: req.text,
    intent: intent.intent,
    intentConfidence: intent.confidence,
    outOfScope: intent.outOfScope,
    optOut: optOut.optOut,
    ...(optOut.cue && { optOutCue: optOut.cue }),
    emotion: emotion.label,
    valence: emotion.valence,
    impatience: emotion.impatience,
    asrConfidence: req.asr_confidence,
    slots: turn.slots(req.text, at),
  };
}

/**
 * The customer's turn heard and the flow stepped: what the models make of
 * it, the call's memory and counters updated, the first transfer trigger
 * that fires (none for a customer who withdrew consent: the flow ends the
 * call), else the flow's own step.
 */
export function stepTurn(
  setup: DecisionSetup,
  models: ServedModels,
  x: { s: Session; req: TurnRequest; customer: CustomerView; nowMs: number },
) {
  const { s, req, customer, nowMs } = x;
  const signals = understandTurn(models.turn, s.voice, req, {
    nowMs,
    timeZone: zoneOf(customer, setup.dialing),
  });
  const scored = hear(s, signals, customer, models, setup.transfer.counting);
  const trigger = signals.optOut
    ? undefined
    : firstTrigger(setup.transfer, {
        signals,
        counters: s.counters,
        state: s.flow.name,
        customer: scored,
      });
  const stepped: StepResult = trigger
    ? {
        state: { ...s.flow, name: 'transfer_to_human', callTurns: s.flow.callTurns + 1 },
        reason: `transfer: ${trigger.id}`,
        moved: true,
      }
    : step(setup.flow, s.campaignId, s.flow, signals, s.memory, customer.facts);
  return { signals, scored, trigger, stepped };
}
