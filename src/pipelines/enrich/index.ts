// Enrichment: events applied to in-memory customer profiles and calls (models,
// tags, contact history), and the CRM field mapping applied at ingest.
export { Enricher, type EnricherOptions } from './enricher.js';
export {
  callKey,
  emptyChanges,
  hitRow,
  turnRow,
  type Changes,
  type ComplianceRow,
  type EnrichedTurn,
  type TouchEvent,
} from './changes.js';
export { upgradeProfile } from './contact.js';
export { eraseCustomer, type PendingErasure } from './erasure.js';
export {
  applyCustomerUpdate,
  contactsInWeek,
  customerHistory,
  idHash,
  intentScoreAt,
  newCall,
  newProfile,
  sealLegacyUnmapped,
  type CallState,
  type Profile,
} from './profile.js';
export { loadTagRules, type TagRules } from './tags.js';
export {
  canonicalValue,
  crmMappingSchema,
  loadCrmMapping,
  mapCrmFields,
  type CrmMapping,
  type CrmMappingResult,
} from './crm-mapping.js';
