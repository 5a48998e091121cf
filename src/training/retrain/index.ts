/**
 * The weekly retrain: train a challenger per model kind, gate it against the
 * champion on a frozen set, register it, mirror it to MLflow; and the cron
 * schedule that runs it inside `dialwise start`.
 */
export type { Progress } from '../model-kind.js';
export { mirrorPending, mirrorVersion } from './mlflow-mirror.js';
export {
  promotionDecision,
  type GateDecision,
  type GateOptions,
  type GateScore,
} from './promotion-gate.js';
export { retrain, type ModelOutcome, type RetrainDeps, type RetrainSummary } from './retrain.js';
export { loadRetrainPlan, retrainPlanSchema, type RetrainPlan } from './retrain-plan.js';
export {
  parseSchedule,
  startSchedule,
  type Schedule,
  type ScheduledJob,
  type ScheduleZone,
} from './retrain-schedule.js';
