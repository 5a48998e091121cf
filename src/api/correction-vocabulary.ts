import { INTENT_TAXONOMY } from '../models/intent-taxonomy.js';
import { createSlotExtractor, DEFAULT_COMPETITORS } from '../models/keyword/index.js';
import { savedModelLabels } from '../models/text/model-folder.js';
import type { ModelRegistry } from '../models/registry.js';
import { CORRECTABLE_SLOTS, type SlotFacts, type TurnModels } from '../models/types.js';
import { servedVocabulary, type CorrectionVocabulary } from '../models/correction-labels.js';

/** The registry, and the turn models this process serves (none in the loader). */
type Models = { registry: ModelRegistry; turn?(): TurnModels };

/**
 * What a correction may say here and now: the labels of the intent model
 * this process serves (a model trained on data of one's own has labels of
 * its own), else the registry champion's (the loader serves none: its
 * workers serve the champion), else the taxonomy's; the slots the slot
 * extractor knows.
 */
export async function correctionVocabulary(models: Models): Promise<CorrectionVocabulary> {
  const served = models.turn?.();
  if (served) return servedVocabulary(served);
  const champion = await models.registry.resolve('intent', 'champion');
  const intents = champion ? await labelsOf(champion.dir) : INTENT_TAXONOMY.labels;
  return { intents, slots: CORRECTABLE_SLOTS };
}

// A model version's folder never changes: its labels are read once, not at every correction.
const labelsByDir = new Map<string, Promise<readonly string[]>>();
const labelsOf = (dir: string): Promise<readonly string[]> => {
  let labels = labelsByDir.get(dir);
  if (!labels) {
    labels = savedModelLabels(dir);
    labelsByDir.set(dir, labels);
    labels.catch(() => labelsByDir.delete(dir));
  }
  return labels;
};

// The extractor every process serves (the keyword rules, also beside trained models).
const keywordSlots = createSlotExtractor(DEFAULT_COMPETITORS);

/** The slots heard in a turn's text, as name and value, in the vocabulary's order. */
export function heardSlots(models: Models, text: string): { name: string; value: string }[] {
  const facts: SlotFacts = (models.turn?.().slots ?? keywordSlots)(text);
  return CORRECTABLE_SLOTS.flatMap((name) => {
    const value = facts[name];
    return value === undefined ? [] : [{ name, value }];
  });
}
