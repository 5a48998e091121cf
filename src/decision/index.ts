/**
 * The decision layer: what the bot says on each call turn, when a call goes
 * to a human, and whom the dialer calls next and how fast. Its components,
 * each entered through its own index:
 *
 * - engine/: the DecisionEngine that the API drives, its decision log and
 *   the dialing rules it enforces at each turn.
 * - flow/: the dialog state machine and the call's short memory.
 * - scripts/: the script library, its versions and variant experiments.
 * - transfer/: transfer triggers, the agent handoff and skill routing.
 * - dialing/: calling rules, local time, the answer model, ranking, pacing.
 *
 * Other folders import from here; what is not exported here is internal.
 */
export type { ContactView, CustomerView, RankingView } from './customer-view.js';
export type { TurnSignals } from './turn-signals.js';
export {
  DecisionEngine,
  DecisionLogWriter,
  EngineJournal,
  emptyEngineState,
  foldRecord,
  ViolationWriter,
  type ActionKind,
  type Decision,
  type DecisionDeps,
  type DecisionRecord,
  type DecisionSetup,
  type DialingViolation,
  type EngineRecord,
  type RowShip,
  type Session,
  type TurnRequest,
  type Unwritten,
} from './engine/index.js';
export {
  campaignPolicy,
  eligibility,
  loadDialingRules,
  mergeRankings,
  parseDialingRules,
  type DialingConfig,
  type DialingRules,
  type AttemptOutcome,
  type Ranking,
} from './dialing/index.js';
export { loadFlow, STANDARD_STATES, type Flow, type StateName } from './flow/index.js';
export {
  checkReviewer,
  compareArms,
  createExperiment,
  diffScripts,
  draftLibrary,
  libraryLines,
  libraryToRollOut,
  loadScripts,
  scriptLibrarySchema,
  offeredVariants,
  PRODUCT_NAMES,
  ScriptDrafts,
  ScriptVersions,
  type DraftStatus,
  type ExperimentState,
  type ScriptDraft,
  type ScriptLibrary,
  type ScriptPolicy,
  type VariantReport,
} from './scripts/index.js';
export {
  agentWarning,
  loadSkillModel,
  checkConciseBeforeTransfer,
  loadTransferConfig,
  type Agent,
  type AgentWarning,
  type SkillModel,
  type TransferConfig,
} from './transfer/index.js';
export {
  DEFAULT_GENERATION_POLICY,
  LineGenerator,
  loadGenerationPolicy,
  type Generated,
  type GenerationAsk,
  type GenerationPolicy,
} from './generation/index.js';
