import {
  formatProblems,
  readLabelled,
  splitFile,
  type LabelledFields,
  type Split,
} from '../../datasets/labelled-file.js';
import type { TextRecord } from '../../datasets/text-record.js';
import { existsSync, statSync } from 'node:fs';
import { isDatasetSpec, loadTextDataset } from '../../datasets/text/index.js';
import { keywordIntent } from '../../models/keyword/intent.js';
import { loadTextModel, saveTextModel } from '../../models/text/model-folder.js';
import { classificationMetrics, type ClassificationMetrics } from './classification-metrics.js';
import { evaluateTextModel, type TextEvaluation } from './text-evaluation.js';
import {
  DEFAULT_TRAIN_OPTIONS,
  trainTextClassifier,
  type TrainTextOptions,
} from './train-text-classifier.js';

/** `dialwise train|eval intent|emotion|optout`: the model kinds and their training settings. */
export const TEXT_TASKS = ['intent', 'emotion', 'optout'] as const;
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
  warn: (message: string) => void = (m) => process.stderr.write(`${m}\n`),
): Promise<TextRecord[]> {
  if (isDatasetSpec(data)) return loadTextDataset(data);
  const { file, records, problems } = readLabelled(data, split, fields);
  if (problems.length)
    warn(`${file}: ${records.length} lines read, these left out:\n${formatProblems(problems)}`);
  return records;
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
}

const isFolder = (path: string) => existsSync(path) && statSync(path).isDirectory();

/** The held-out set: `val`, else a folder's valid file, else none (10% of the training data). */
const heldOutOf = (cmd: TrainCommand) =>
  cmd.val ?? (isFolder(cmd.data) && splitFile(cmd.data, 'valid') ? cmd.data : undefined);

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
  const { model, heldOut: metrics, seconds } = await trainTextClassifier(records, opts, heldOut);
  await saveTextModel(model, cmd.out);
  model.dispose();
  const { perClass: _perClass, ...summary } = metrics;
  return {
    task: cmd.task,
    out: cmd.out,
    records: model.meta.data.records,
    labels: model.meta.labels.length,
    threshold: model.meta.threshold,
    trainSeconds: Math.round(seconds * 10) / 10,
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
}

export async function runEval(
  cmd: EvalCommand,
): Promise<TextEvaluation & { task: string; model: string }> {
  const model = await loadTextModel(cmd.model);
  try {
    if (model.meta.task !== cmd.task)
      throw new Error(`${cmd.model} is a ${model.meta.task} model, not ${cmd.task}`);
    const records = cmd.records ?? (await loadRecords(cmd.data, 'test', cmd.fields));
    return { task: cmd.task, model: cmd.model, ...evaluateTextModel(model, records) };
  } finally {
    model.dispose();
  }
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
