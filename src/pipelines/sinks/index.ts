// Where a pipeline's commits go: DuckDB (one transaction per commit), or the
// facts topic a loader writes to DuckDB; the rows they take; upkeep of what is stored.
export { DuckDbSink, type Position, type Refusal, type Sink } from './duckdb-sink.js';
export { PROFILE_COLUMNS } from './sink-tables.js';
export { KafkaSink, type FactRecord, type LoggedRow, type LoggedTable } from './kafka-sink.js';
export { startLoader } from './loader.js';
export {
  deadLetter,
  emptyRows,
  erasureRow,
  mergeCallbacks,
  profileRow,
  restoreProfile,
  SealCache,
  toRows,
  type DeadLetter,
  type ErasureRow,
  type ProfileRow,
  type SinkRows,
} from './rows.js';
export {
  deadLetterPage,
  listedDeadLetter,
  quarantine,
  sealedOriginals,
  sealLegacyDeadLetters,
  type ListedDeadLetter,
} from './dead-letters.js';
export { rotateKeys } from './rotate-keys.js';
export {
  erasureRecord,
  eraseStored,
  namesCustomer,
  type ErasureCounts,
  type ErasureRecord,
} from './erase-stored.js';
