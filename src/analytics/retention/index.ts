// Data retention: the kinds of data that expire (one table of them), their
// periods in config/retention.json, and the job that deletes what is past
// them. The only entry for other folders.
export {
  cutoffs,
  loadRetentionConfig,
  parseRetentionConfig,
  type RetentionConfig,
} from './retention-config.js';
export {
  retentionReport,
  runRetention,
  type KindReport,
  type RetentionOptions,
  type RetentionReport,
} from './retention-job.js';
export { KIND_NAMES, RETENTION_KINDS, type RetentionKindName } from './retention-kinds.js';
