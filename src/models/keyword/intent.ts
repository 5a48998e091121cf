import type { IntentResult } from '../types.js';
import { compileCues, matchCues, tally } from './cues.js';
import type { CoreIntent } from '../intent-taxonomy.js';
import { INTENT_BLOCKERS, INTENT_CUES } from './intent-cues.js';
import { fold } from './normalize.js';

const CUES = compileCues(INTENT_CUES, INTENT_BLOCKERS);

const OUT_OF_SCOPE: IntentResult = { intent: 'out_of_scope', confidence: 0, outOfScope: true };

/**
 * Confidence grows with the winner's evidence and shrinks when a rival
 * intent was heard too: one strong cue alone gives about 0.88, two equal
 * rivals about 0.64. It never reaches 1 — this is keyword evidence only.
 */
export function intentConfidence(best: number, runnerUp: number): number {
  const strength = 1 - Math.exp(-2 * best);
  const margin = best / (best + runnerUp);
  return Math.round((0.4 + 0.55 * strength * margin) * 100) / 100;
}

export function keywordIntent(text: string): IntentResult {
  const ranked = tally(matchCues(fold(text), CUES));
  const [best, second] = ranked;
  if (!best) return OUT_OF_SCOPE;
  const intent: CoreIntent = best.label;
  return {
    intent,
    confidence: intentConfidence(best.score, second?.score ?? 0),
    outOfScope: false,
  };
}
