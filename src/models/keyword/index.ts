import type { TurnModels } from '../types.js';
import {
  createComplianceChecker,
  DEFAULT_COMPLIANCE_CONFIG,
  type ComplianceConfig,
} from '../compliance/index.js';
import { INTENT_TAXONOMY } from '../intent-taxonomy.js';
import { detectOptOut } from '../opt-out/index.js';
import { keywordEmotion } from './emotion.js';
import { keywordIntent } from './intent.js';
import { DEFAULT_COMPETITORS, type Competitor } from './competitors.js';
import { createSlotExtractor } from './slots.js';

export {
  DEFAULT_COMPLIANCE_CONFIG,
  complianceConfigSchema,
  type ComplianceConfig,
} from '../compliance/index.js';
export {
  DEFAULT_COMPETITORS,
  DEFAULT_COMPETITORS_PATH,
  competitorsConfigSchema,
  loadCompetitors,
  type Competitor,
} from './competitors.js';
export { decisionMakerKind } from './decision-maker.js';
export { createSlotExtractor, type SlotExtractor } from './slots.js';

export const KEYWORD_MODELS_VERSION = 'keyword-1';

export interface KeywordModelOptions {
  /** Defaults to DEFAULT_COMPLIANCE_CONFIG; validated here, so a bad config fails at start. */
  compliance?: ComplianceConfig;
  competitors?: readonly Competitor[];
}

/** The keyword baselines behind the TurnModels interface. */
export function createKeywordModels(opts: KeywordModelOptions = {}): TurnModels {
  return {
    version: KEYWORD_MODELS_VERSION,
    // The rules know the core labels; what they learn from (corrections) is the taxonomy's.
    intentLabels: INTENT_TAXONOMY.labels,
    intent: keywordIntent,
    emotion: keywordEmotion,
    compliance: createComplianceChecker(opts.compliance ?? DEFAULT_COMPLIANCE_CONFIG),
    slots: createSlotExtractor(opts.competitors ?? DEFAULT_COMPETITORS),
    optOut: detectOptOut,
  };
}
