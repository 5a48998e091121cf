import { fuseEmotion } from '../../models/emotion-fusion.js';
import type { ServedModels } from '../../models/champions.js';
import { voiceImpatience, type VoiceSample } from '../../models/prosody/baseline.js';
import type { SlotContext } from '../../models/types.js';
import type { TurnSignals } from '../turn-signals.js';
import type { TurnRequest } from './engine-contract.js';

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
