/**
 * Training: the model kinds (each registers itself in kinds.ts), the
 * weekly retrain with its gate and schedule, text and propensity training,
 * the compliance evaluation, and the off-policy evaluator.
 */
export { MODEL_KINDS, MODEL_NAMES, kindsNamed, openRegistry, type KindName } from './kinds.js';
export type { ModelKind } from './model-kind.js';
export * from './compliance/index.js';
export * from './text/index.js';
export * from './retrain/index.js';
export { readCorrections, correctionRecordSchema, type CorrectionRecord } from './corrections.js';
export { formatHotWords, hotWords, type HotWord, type HotWordSources } from './hotwords.js';
