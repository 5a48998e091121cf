/**
 * Text classification (intent, emotion): training the TF.js classifier,
 * its evaluation and metrics, the `dialwise train|eval` commands, and the
 * intent and emotion model kinds.
 */
export {
  classificationMetrics,
  multiLabelMacroF1,
  oosMetrics,
  setMicroF1,
  type ClassificationMetrics,
} from './classification-metrics.js';
export { calibrateThreshold, type HeldOutPrediction } from './oos-threshold.js';
export {
  isTextTask,
  keywordIntentEval,
  loadRecords,
  runEval,
  runTrain,
  TASK_SETTINGS,
  TEXT_TASKS,
  type LabelledFields,
  type TextTask,
} from './text-commands.js';
export { evaluateTextModel, type TextEvaluation } from './text-evaluation.js';
export {
  emotionKind,
  intentKind,
  optOutKind,
  trainOptions,
  type TextSettings,
} from './text-kind.js';
export {
  DEFAULT_TRAIN_OPTIONS,
  trainTextClassifier,
  type TrainResult,
  type TrainTextOptions,
} from './train-text-classifier.js';
export {
  evaluateOptOut,
  loadOptOutRecords,
  type OptOutDetector,
  type OptOutEvaluation,
  type OptOutMiss,
  type OptOutRecord,
} from './opt-out-eval.js';
