// Records: customers and their calls, the compliance review of flagged calls
// and whole transcripts, the calls the dialing rules refused or flagged, the
// audit log every such read writes, the keyset cursor the lists page with,
// and the decision log with its outcomes for off-policy evaluation. The only
// entry for other folders.
export { audit, requireTranscriptReader, TRANSCRIPT_READERS, type Principal } from './audit-log.js';
export {
  callTranscript,
  flaggedCalls,
  OWN_WORDS_RISK,
  type CallTranscript,
  type FlaggedCall,
  type FlaggedPage,
  type TranscriptTurn,
} from './compliance-review.js';
export {
  callsById,
  consentChanges,
  customerIdByPhoneHash,
  customerList,
  MAX_TAG,
  type CallSummary,
  type ConsentChangeRow,
  type CustomerListItem,
  type SqlScope,
} from './customer-records.js';
export {
  callForCorrection,
  callsToCorrect,
  customerTurn,
  type CallToCorrect,
  type HeardTurn,
  type StoredCorrection,
} from './call-corrections.js';
export { decodeCursor, encodeCursor, type Cursor } from './page-cursor.js';
export {
  DncRegister,
  type DncImport,
  type DncImportResult,
  type DncListing,
  type DncRow,
} from './dnc-register.js';
export { consentExportOf } from './consent-export.js';
export {
  agentWarningCounts,
  dialingViolations,
  violationCounts,
  type ViolationFilter,
  type ViolationRow,
} from './dialing-violations.js';
export { generationStats, type GenerationStats } from './generation-stats.js';
export { loggedDecisions, type LoggedDecisionQuery } from './logged-decisions.js';
