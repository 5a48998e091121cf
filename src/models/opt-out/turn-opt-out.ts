import type { IntentResult } from '../types.js';
import type { OptOut } from './detect.js';

export interface TurnOptOut {
  optOut: boolean;
  /** What was heard as the withdrawal: the rules' phrase, or `intent:opt_out`. */
  cue?: string;
}

/**
 * A customer turn's opt-out: the rules' signal (it also fires inside a
 * complaint or any other intent), else the intent model's `opt_out` unless
 * the rules heard a deferral ("这周别打 下周再联系") or a denial ("我没说别打").
 * Two detectors with different blind spots, joined for recall.
 */
export function turnOptOut(intent: IntentResult, heard: OptOut): TurnOptOut {
  if (heard.optOut) return { optOut: true, ...(heard.cue && { cue: heard.cue }) };
  if (intent.intent === 'opt_out' && !intent.outOfScope && !heard.deferral && !heard.denied)
    return { optOut: true, cue: 'intent:opt_out' };
  return { optOut: false };
}
