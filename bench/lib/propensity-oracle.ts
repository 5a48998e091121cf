import type { PfgAnnotatedSentence, PfgDialogue } from '../../src/datasets/persuasionforgood.js';
import {
  NO_HISTORY,
  newCallSignals,
  observeCustomerTurn,
  propensityFeatures,
} from '../../src/models/propensity-features.js';
import type { PropensityRow } from '../../src/training/propensity/index.js';

/**
 * A diagnostic, not a training source: how well would the same features
 * predict donations if the NLU were perfect? PersuasionForGood's annotated
 * persuadee acts are mapped to the telesales intents they correspond to and
 * its annotated sentiment stands in for valence. The gap between this and the
 * keyword NLU's rows on the same dialogues is what a better intent/emotion
 * model would buy the propensity model.
 */
export const PFG_ACT_INTENTS: Record<string, string> = {
  'agree-donation': 'agree_purchase',
  'provide-donation-amount': 'agree_purchase',
  'confirm-donation': 'agree_purchase',
  'positive-reaction-to-donation': 'interested',
  'ask-org-info': 'ask_details',
  'ask-donation-procedure': 'ask_details',
  'negative-reaction-to-donation': 'not_interested',
  'disagree-donation': 'not_interested',
  'disagree-donation-more': 'not_interested',
};

/** A turn's intent is its strongest act: a commitment outweighs a refusal, which outweighs interest. */
const STRENGTH = ['agree_purchase', 'not_interested', 'interested', 'ask_details'];

export function pfgOracleRow(
  d: PfgDialogue,
  turns: readonly PfgAnnotatedSentence[][],
): PropensityRow {
  const s = newCallSignals();
  for (const sentences of turns) {
    const intents = sentences.map((x) => PFG_ACT_INTENTS[x.act] ?? 'other');
    observeCustomerTurn(s, {
      text: sentences.map((x) => x.text).join(' '),
      intent: STRENGTH.find((i) => intents.includes(i)) ?? 'other',
      valence: sentences.reduce((v, x) => v + x.sentiment, 0) / Math.max(1, sentences.length),
    });
  }
  const inputs = { ...s, ...NO_HISTORY };
  return { id: d.id, inputs, x: propensityFeatures(inputs), y: d.donated };
}
