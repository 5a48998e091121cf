import { OOS_LABELS } from '../../datasets/text/index.js';
import type { TextRecord } from '../../datasets/text-record.js';
import type { TextClassifier, TextPrediction } from '../../models/text/classifier.js';
import { measureLatency, type LatencyReport } from './inference-latency.js';
import {
  classificationMetrics,
  oosMetrics,
  round4,
  type ClassificationMetrics,
  type OosMetrics,
} from './classification-metrics.js';

export interface TextEvaluation extends ClassificationMetrics {
  /** Present when the data has out-of-scope examples or the model a threshold. */
  oos?: OosMetrics;
  /** Closed-set data: share of texts the threshold would flag as not understood. */
  flaggedRate?: number;
  latency?: LatencyReport;
}

/**
 * Scores a model on labelled records. Where the data holds `oos` examples the
 * task is open-set: a flagged text counts as predicted `oos`. Otherwise the
 * label is the top class (closed-set accuracy, comparable to published
 * figures) and the share the threshold flags is reported beside it. A
 * multi-label record counts as right when the prediction is any of its labels.
 */
export function evaluateTextModel(
  model: TextClassifier,
  records: readonly TextRecord[],
  opts: {
    latencySamples?: number;
    /** The model's predictions of `records`, when the caller made them already. */
    predictions?: readonly TextPrediction[];
  } = {},
): TextEvaluation {
  const preds = opts.predictions ?? model.predict(records.map((r) => r.text));
  // The model's own out-of-scope label, else the one the data uses (a closed-set model on open data).
  const oos =
    model.meta.oosLabel ?? OOS_LABELS.find((l) => records.some((r) => r.label === l)) ?? null;
  const openSet = oos !== null && records.some((r) => r.label === oos);
  const gold = records.map((r, i) => {
    const p = preds[i]!.label;
    return r.labels?.includes(p) ? p : r.label;
  });
  const predicted = preds.map((p) => (oos !== null && openSet && p.outOfScope ? oos : p.label));
  const out: TextEvaluation = classificationMetrics(gold, predicted);
  if (oos !== null && openSet) out.oos = oosMetrics(gold, preds, oos);
  else
    out.flaggedRate = round4(preds.filter((p) => p.outOfScope).length / Math.max(1, preds.length));
  const samples = opts.latencySamples ?? 1000;
  if (samples > 0)
    out.latency = measureLatency(
      model,
      records.map((r) => r.text),
      samples,
    );
  return out;
}
