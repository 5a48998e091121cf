/**
 * Conversion propensity: rows from persuasionforgood and simulated calls,
 * the regularised logistic fit with per-source intercepts and calibration,
 * its binary metrics, and the propensity model kind.
 */
export {
  auc,
  binaryMetrics,
  bootstrapAuc,
  brier,
  expectedCalibrationError,
  logLoss,
  reliabilityCurve,
  type BinaryMetrics,
} from './binary-metrics.js';
export { fitLogistic, standardisation, standardise } from './logistic-regression.js';
export { fitIsotonic, fitPlatt } from './propensity-calibration.js';
export { pfgRow, rowsHash, simulatorRows, type PropensityRow } from './propensity-data.js';
export { PROPENSITY_FILE, propensityKind, type PropensitySettings } from './propensity-kind.js';
export {
  DEFAULT_PROPENSITY_OPTIONS,
  evaluateBaseline,
  evaluatePropensity,
  HISTORY_FEATURES,
  trainPropensity,
  type PropensitySource,
  type TrainedPropensity,
  type TrainPropensityOptions,
} from './train-propensity.js';
