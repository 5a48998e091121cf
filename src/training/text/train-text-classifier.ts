import { systemClock, type Clock } from '../../core/clock.js';
import { OOS_LABELS } from '../../datasets/text/index.js';
import { dataSha256, type TextRecord } from '../../datasets/text-record.js';
import { tfReady } from '../../models/tf.js';
import { TextClassifier } from '../../models/text/classifier.js';
import {
  DEFAULT_FEATURIZER,
  featurize,
  type FeaturizerConfig,
} from '../../models/text/featurize.js';
import {
  MODEL_FORMAT,
  MODEL_FORMAT_VERSION,
  type ModelMeta,
} from '../../models/text/model-meta.js';
import { weightNames, type Weights } from '../../models/text/network.js';
import { buildVocabulary, encodeRow, type Vocabulary } from '../../models/text/vocabulary.js';
import { calibrateThreshold, type HeldOutPrediction } from './oos-threshold.js';
import { evaluateTextModel, type TextEvaluation } from './text-evaluation.js';
import { fitMembers, type FitOptions } from './fit-members.js';
import { stratifiedSplit } from './stratified-split.js';

export interface TrainTextOptions extends FitOptions {
  task: string;
  featurizer: FeaturizerConfig;
  minDf: number;
  maxFeatures: number;
  /** Share of the training data held out to calibrate the threshold, when no held-out set is given. */
  heldOutFraction: number;
  /** Largest share of correctly labelled held-out texts the OOS threshold may flag; 0: no threshold. */
  maxFalseFlag: number;
  /** Loss weight of a class ∝ (largest class / this class)^classBalance; 0 weighs all alike. */
  classBalance: number;
  /** After calibrating, train again on training + held-out data (same settings, same threshold). */
  refit: boolean;
  log?: (msg: string) => void;
  /** Where the model's createdAt comes from; the system clock by default. */
  clock?: Clock;
}

export const DEFAULT_TRAIN_OPTIONS: Omit<TrainTextOptions, 'task'> = {
  featurizer: DEFAULT_FEATURIZER,
  minDf: 2,
  maxFeatures: 200_000,
  architecture: { kind: 'mlp', hidden: 256 },
  members: 3,
  epochs: 5,
  batchSize: 64,
  learningRate: 0.003,
  dropout: 0.3,
  featureKeep: 0.8,
  labelSmoothing: 0.1,
  seed: 1,
  heldOutFraction: 0.1,
  maxFalseFlag: 0.01,
  classBalance: 0,
  refit: true,
};

export interface TrainResult {
  model: TextClassifier;
  heldOut: TextEvaluation;
  /** What the threshold was calibrated on, to study other operating points. */
  calibration: HeldOutPrediction[];
  seconds: number;
}

/** Every (text, label) example: a multi-label record trains once per label. */
const examplesOf = (records: readonly TextRecord[]) =>
  records.flatMap((r) => (r.labels ?? [r.label]).map((label) => ({ text: r.text, label })));

function fit(
  records: readonly TextRecord[],
  labels: readonly string[],
  opts: TrainTextOptions,
): { vocab: Vocabulary; weights: Weights } {
  const docs = new Map<string, string[]>();
  for (const r of records)
    if (!docs.has(r.text)) docs.set(r.text, featurize(r.text, opts.featurizer));
  const vocab = buildVocabulary([...docs.values()], opts);
  const rows = new Map([...docs].map(([t, d]) => [t, encodeRow(vocab, d)]));
  const examples = examplesOf(records);
  const index = new Map(labels.map((l, i) => [l, i]));
  const targets = Int32Array.from(examples, (e) => index.get(e.label)!);
  const counts = new Map<number, number>();
  for (const t of targets) counts.set(t, (counts.get(t) ?? 0) + 1);
  const most = Math.max(...counts.values());
  const sampleWeights =
    opts.classBalance > 0
      ? Float32Array.from(targets, (t) => (most / counts.get(t)!) ** opts.classBalance)
      : null;
  const data = {
    rows: examples.map((e) => rows.get(e.text)!),
    targets,
    sampleWeights,
    labels: labels.length,
    vocabSize: vocab.features.length,
    idf: vocab.idf,
  };
  opts.log?.(`fit: ${examples.length} examples, ${vocab.features.length} features`);
  return { vocab, weights: fitMembers(data, opts) };
}

function makeMeta(
  opts: TrainTextOptions,
  labels: readonly string[],
  vocab: Vocabulary,
  weights: Weights,
  extra: Pick<ModelMeta, 'threshold' | 'metrics' | 'training' | 'data'>,
): ModelMeta {
  return {
    format: MODEL_FORMAT,
    formatVersion: MODEL_FORMAT_VERSION,
    task: opts.task,
    labels: [...labels],
    oosLabel: labels.find((l) => OOS_LABELS.includes(l)) ?? null,
    featurizer: opts.featurizer,
    vocabSize: vocab.features.length,
    architecture: opts.architecture,
    members: opts.members,
    tensors: weightNames(opts.architecture).map((name) => ({
      name,
      shape: [...weights[name]!.shape],
    })),
    createdAt: new Date((opts.clock ?? systemClock).now()).toISOString(),
    ...extra,
  };
}

/**
 * Trains a text classifier from labelled records: featurize, build the
 * vocabulary, fit, calibrate the OOS threshold on held-out data (given, or
 * split off), optionally refit on everything. Records labelled `oos` make an
 * explicit out-of-scope class; the threshold applies on top of it.
 */
export async function trainTextClassifier(
  records: readonly TextRecord[],
  opts: TrainTextOptions,
  heldOutRecords?: readonly TextRecord[],
): Promise<TrainResult> {
  await tfReady();
  const started = performance.now();
  const { train, heldOut } = heldOutRecords
    ? { train: [...records], heldOut: [...heldOutRecords] }
    : stratifiedSplit(records, (r) => r.label, opts.heldOutFraction, opts.seed);
  const labels = [...new Set(examplesOf([...train, ...heldOut]).map((e) => e.label))].sort();
  if (labels.length < 2) throw new Error('training data needs at least two labels');
  let { vocab, weights } = fit(train, labels, opts);
  const data = {
    sha256: dataSha256([...train, ...heldOut]),
    records: train.length + heldOut.length,
  };
  const draft = (threshold: number) =>
    new TextClassifier(
      makeMeta(opts, labels, vocab, weights, { threshold, metrics: {}, training: {}, data }),
      vocab,
      weights,
    );
  const probe = draft(0).predict(heldOut.map((r) => r.text));
  const calibration = probe.map((p, i) => ({
    confidence: p.confidence,
    correct:
      (heldOut[i]!.labels ?? [heldOut[i]!.label]).includes(p.label) &&
      !OOS_LABELS.includes(p.label),
  }));
  const threshold = calibrateThreshold(calibration, opts.maxFalseFlag);
  const heldOutEval = evaluateTextModel(draft(threshold), heldOut, { latencySamples: 0 });
  if (opts.refit && heldOut.length > 0) {
    draft(0).dispose();
    ({ vocab, weights } = fit([...train, ...heldOut], labels, opts));
  }
  const seconds = (performance.now() - started) / 1000;
  const { log: _log, onEpoch: _onEpoch, clock: _clock, ...settings } = opts;
  const meta = makeMeta(opts, labels, vocab, weights, {
    threshold,
    metrics: { heldOut: heldOutEval },
    training: { ...settings, seconds: Math.round(seconds * 10) / 10, heldOut: heldOut.length },
    data,
  });
  const model = new TextClassifier(meta, vocab, weights);
  return { model, heldOut: heldOutEval, calibration, seconds };
}
