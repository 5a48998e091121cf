import {
  folderSplit,
  keptRecords,
  readLabelled,
  toStderr,
  type LabelledFields,
  type Split,
} from '../../datasets/labelled-file.js';
import type { TextRecord } from '../../datasets/text-record.js';
import { readdirSync, statSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { isDatasetSpec, loadTextDataset } from '../../datasets/text/index.js';
import { keywordIntent } from '../../models/keyword/intent.js';
import type { TextPrediction } from '../../models/text/classifier.js';
import { loadTextModel, saveTextModel } from '../../models/text/model-folder.js';
import { classificationMetrics, type ClassificationMetrics } from './classification-metrics.js';
import { evaluateTextModel, type TextEvaluation } from './text-evaluation.js';
import {
  DEFAULT_TRAIN_OPTIONS,
  trainTextClassifier,
  type TrainTextOptions,
} from './train-text-classifier.js';

/**
 * `dialwise train|eval intent|emotion|optout|classify`: the model kinds and
 * their training settings; `classify` is any other label set (sentiment,
 * topic), trained and evaluated here, not served by the platform.
 */
export const TEXT_TASKS = ['intent', 'emotion', 'optout', 'classify'] as const;
export type TextTask = (typeof TEXT_TASKS)[number];

/**
 * Per-task settings over the defaults, chosen by measurement (docs/models.md).
 * Emotion has no "not understood": no OOS threshold; its classes are skewed
 * (neutral is 30-40%), so rarer classes weigh more (on CPED macro-F1 0.123 at
 * 0, 0.126 at 0.5, 0.122 at 1); and GoEmotions is 4-5× larger than the intent
 * sets, so one ensemble member keeps its training within budget.
 */
export const TASK_SETTINGS: Record<TextTask, Partial<TrainTextOptions>> = {
  intent: {},
  emotion: { maxFalseFlag: 0, classBalance: 0.5, members: 1 },
  optout: { maxFalseFlag: 0 },
  // A closed label set: every text gets one of its labels, none is flagged out of scope.
  classify: { maxFalseFlag: 0 },
};

export type { LabelledFields };

export const isTextTask = (s: string | undefined): s is TextTask =>
  TEXT_TASKS.includes(s as TextTask);

/**
 * A named dataset split such as `banking77:train`, or labelled texts as
 * people bring them (datasets/labelled-file: JSONL, CSV, TSV, or a folder's
 * `split` file); lines left out are summarised through `warn`.
 */
export async function loadRecords(
  data: string,
  split: Split = 'train',
  fields: LabelledFields = {},
  warn: (message: string) => void = toStderr,
): Promise<TextRecord[]> {
  if (isDatasetSpec(data)) return loadTextDataset(data);
  return keptRecords(readLabelled(data, split, fields), warn);
}

export interface TrainCommand {
  task: TextTask;
  data: string;
  out: string;
  /** Held-out data for calibration; default: 10% of `data`, stratified. */
  val?: string;
  epochs?: number;
  seed?: number;
  /** Which fields hold the text and the label (default text, label). */
  fields?: LabelledFields;
  /** Where progress goes (members, epochs, loss, time left); stderr by default. */
  progress?: (line: string) => void;
}

/**
 * A progress line per epoch: which fit (the calibrating one, then the refit
 * on all data), member and epoch, the loss, and the time left at the pace so far.
 */
function progressOf(opts: TrainTextOptions, say: (line: string) => void) {
  const fits = opts.refit ? 2 : 1;
  const total = fits * opts.members * opts.epochs;
  const t0 = performance.now();
  let done = 0;
  return ({ member, epoch, loss }: { member: number; epoch: number; loss: number }) => {
    done++;
    const elapsed = (performance.now() - t0) / 1000;
    const left = Math.round((elapsed / done) * Math.max(0, total - done));
    const fit = Math.min(fits, Math.ceil(done / (opts.members * opts.epochs)));
    say(
      `fit ${fit}/${fits} member ${member + 1}/${opts.members} epoch ${epoch + 1}/${opts.epochs}: loss ${loss.toFixed(4)}, ${Math.round(elapsed)} s, ~${left} s left`,
    );
  };
}

/** Bytes of the files of a model folder. */
const folderBytes = (dir: string) =>
  readdirSync(dir).reduce((sum, f) => sum + statSync(join(dir, f)).size, 0);

/** The held-out set: `val`, else a folder's valid file, else none (10% of the training data). */
const heldOutOf = (cmd: TrainCommand) =>
  cmd.val ?? (folderSplit(cmd.data, 'valid') ? cmd.data : undefined);

export async function runTrain(cmd: TrainCommand) {
  const records = await loadRecords(cmd.data, 'train', cmd.fields);
  const val = heldOutOf(cmd);
  const heldOut = val ? await loadRecords(val, 'valid', cmd.fields) : undefined;
  const opts: TrainTextOptions = {
    ...DEFAULT_TRAIN_OPTIONS,
    ...TASK_SETTINGS[cmd.task],
    task: cmd.task,
    ...(cmd.epochs !== undefined && { epochs: cmd.epochs }),
    ...(cmd.seed !== undefined && { seed: cmd.seed }),
  };
  opts.onEpoch = progressOf(opts, cmd.progress ?? toStderr);
  const { model, heldOut: metrics, seconds } = await trainTextClassifier(records, opts, heldOut);
  await saveTextModel(model, cmd.out);
  model.dispose();
  const modelBytes = folderBytes(cmd.out);
  (cmd.progress ?? toStderr)(`model: ${cmd.out}, ${(modelBytes / 2 ** 20).toFixed(1)} MiB`);
  const { perClass: _perClass, ...summary } = metrics;
  return {
    task: cmd.task,
    out: cmd.out,
    records: model.meta.data.records,
    labels: model.meta.labels.length,
    threshold: model.meta.threshold,
    trainSeconds: Math.round(seconds * 10) / 10,
    modelBytes,
    heldOut: summary,
  };
}

export interface EvalCommand {
  task: TextTask;
  model: string;
  data: string;
  /** `data` already read, when the caller needed it too. */
  records?: readonly TextRecord[];
  fields?: LabelledFields;
  /** A JSONL file to write every item's prediction to. */
  predictions?: string | undefined;
  warn?: (message: string) => void;
}

export async function runEval(
  cmd: EvalCommand,
): Promise<TextEvaluation & { task: string; model: string; unseenLabels?: string[] }> {
  const model = await loadTextModel(cmd.model);
  const warn = cmd.warn ?? toStderr;
  try {
    if (model.meta.task !== cmd.task)
      throw new Error(`${cmd.model} is a ${model.meta.task} model, not ${cmd.task}`);
    const records = cmd.records ?? (await loadRecords(cmd.data, 'test', cmd.fields));
    // A test label the model never saw is always wrong: said, not silently counted.
    const known = new Set(model.meta.labels);
    const unseen = [...new Set(records.map((r) => r.label))].filter((l) => !known.has(l));
    if (unseen.length)
      warn(`${unseen.length} test label(s) the model never saw: ${unseen.slice(0, 20).join(', ')}`);
    const predictions = model.predict(records.map((r) => r.text));
    if (cmd.predictions) await writePredictions(cmd.predictions, records, predictions);
    return {
      task: cmd.task,
      model: cmd.model,
      ...evaluateTextModel(model, records, { predictions }),
      ...(unseen.length && { unseenLabels: unseen }),
    };
  } finally {
    model.dispose();
  }
}

/** One JSON line per item: its text, gold label, prediction, confidence and whether it was out of scope. */
async function writePredictions(
  file: string,
  records: readonly TextRecord[],
  preds: readonly TextPrediction[],
) {
  const lines = records.map((r, i) => {
    const p = preds[i]!;
    const item = { text: r.text, label: r.label, predicted: p.label, confidence: p.confidence };
    return JSON.stringify({ ...item, outOfScope: p.outOfScope });
  });
  await writeFile(file, lines.join('\n') + (lines.length ? '\n' : ''));
}

/**
 * The keyword baseline on labelled intent records: the figure every intent
 * model's stands next to (and what serves when no trained model loads).
 */
export function keywordIntentEval(records: readonly TextRecord[]): ClassificationMetrics {
  return classificationMetrics(
    records.map((r) => r.label),
    records.map((r) => keywordIntent(r.text).intent),
  );
}
