import { alertRuleTypeDefs } from './alert-rule-schema.js';
import { CALLBACK_TYPES } from './callback-resolvers.js';
import { correctionTypeDefs } from './correction-schema.js';
import { generationTypeDefs } from './generation-schema.js';
import { policyTypeDefs } from './policy-schema.js';
import { scriptTypeDefs } from './script-schema.js';
import { timelineTypeDefs } from './timeline-schema.js';
import { violationTypeDefs } from './violation-schema.js';

/** The schema's areas kept beside their resolvers (each adds types and extends Query). */
export const AREA_TYPE_DEFS = [
  violationTypeDefs,
  CALLBACK_TYPES,
  policyTypeDefs,
  alertRuleTypeDefs,
  correctionTypeDefs,
  scriptTypeDefs,
  timelineTypeDefs,
  generationTypeDefs,
].join('\n');
