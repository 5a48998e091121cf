/**
 * Scripts: what the bot may say in each dialog state (config/scripts.json),
 * its versions, the experiments that learn which variant converts, the
 * choice of the line spoken, and the authoring of new versions: drafts under
 * review, every line checked, the diff between two versions.
 */
export {
  allocate,
  cells,
  compareArms,
  createExperiment,
  probabilities,
  record,
  report,
  type Arm,
  type Cache,
  type Cell,
  type ExperimentOptions,
  type ExperimentState,
  type VariantReport,
} from './script-experiments.js';
export {
  chooseLine,
  lineSlots,
  offeredVariants,
  PRODUCT_NAMES,
  scriptSegmentOf,
  type ChosenLine,
  type LineRequest,
} from './choose-line.js';
export {
  eligibleVariants,
  guardLine,
  loadScripts,
  scriptLibrarySchema,
  NEUTRAL_LINE,
  render,
  scriptNode,
  TEMPLATE_SLOTS,
  type BotLineCheck,
  type ScriptLibrary,
  type ScriptNode,
  type Variant,
} from './script-library.js';
export { drawFromPolicy, type ScriptPolicy } from './script-policy.js';
export { CHANGE_KINDS, diffScripts, segmentText, type ScriptChange } from './script-diff.js';
export {
  checkReviewer,
  draftLibrary,
  DRAFT_STATUSES,
  ScriptDrafts,
  type DraftStatus,
  type ScriptDraft,
} from './script-drafts.js';
export { LINE_FIELDS, libraryLines, libraryToRollOut } from './script-lines.js';
export { ScriptVersions } from './script-versions.js';
export { chooseTone, toneSegmentOf, TONE_NODE, TONES, type Tone } from './tone-choice.js';
