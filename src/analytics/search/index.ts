// Transcript search: the hand-written inverted index over the turns (built
// in segments, merged tier by tier) and the keyword search with highlights
// that reads it. The only entry for other folders.
export type { IndexStore } from './index-store.js';
export { watermark } from './index-store.js';
export { dropFromIndex, indexDrop, type IndexDrop } from './index-drop.js';
export { SearchIndexer, type IndexerOptions, type IndexRun } from './transcript-indexer.js';
export type { PurgeRun } from './segment-purge.js';
export {
  highlightsOf,
  queryTerms,
  searchTranscripts,
  type TranscriptHit,
  type TranscriptPage,
  type TranscriptQuery,
} from './transcript-search.js';
export { ERASED_TERM, forgetSearchesFor } from './search-audits.js';
