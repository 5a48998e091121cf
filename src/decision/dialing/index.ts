/**
 * Whom the dialer may call now, in what order and how fast.
 *
 * - Hard rules (never traded against a score), for a call or a message:
 *   do-not-call, the consent ledger under the campaign's policy, the cap on
 *   touches across channels, calling windows and message hours in the
 *   customer's own time zone (eligibility.ts, local-time.ts).
 * - The chance a call is answered at a local hour, a Beta posterior per
 *   industry × weekday/weekend × hour, starting from configured priors
 *   (answer-model.ts).
 * - The ranking of eligible customers (dial-ranking.ts) and the pacing ratio
 *   of the dialer (pacer.ts).
 *
 * All of it is pure functions over plain JSON data and `nowMs` from the
 * caller's clock; the engine keeps the answer model and pacer state and
 * passes them in. Rules come from config/dialing.json (dialing-rules.ts).
 */
export { newAnswerModel, observe, pAnswer, type AnswerModel } from './answer-model.js';
export {
  MAX_SKIPS_LISTED,
  mergeRankings,
  rankNext,
  type RankedCustomer,
  type Ranking,
  type SkippedCustomer,
} from './dial-ranking.js';
export {
  campaignPolicy,
  dialingRulesSchema,
  dialingSegmentOf,
  industryOf,
  loadDialingRules,
  parseDialingRules,
  type CampaignPolicy,
  type DialingConfig,
  type DialingRules,
  type PacingConfig,
} from './dialing-rules.js';
export {
  contactCheck,
  countedTouches,
  eligibility,
  nextWindowStart,
  type ContactRequest,
  type Eligibility,
} from './eligibility.js';
export { localTimeOf, zoneOf, type LocalTime } from './local-time.js';
export {
  abandonRate,
  newPacer,
  pacingRatio,
  recordAttempt,
  type AttemptOutcome,
  type PacerBucket,
  type PacerState,
} from './pacer.js';
