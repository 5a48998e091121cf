import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { dataReport } from '../../datasets/report.js';
import { dataSha256, toJsonl, type TextRecord } from '../../datasets/text-record.js';
import type { TextClassifier } from '../../models/text/classifier.js';
import { loadTextModel, saveTextModel } from '../../models/text/model-folder.js';
import type { Challenger, ModelKind, TrainContext } from '../model-kind.js';
import { withCorrections } from '../corrections.js';
import { loadRecords, TASK_SETTINGS, type TextTask } from './text-commands.js';
import { evaluateTextModel } from './text-evaluation.js';
import {
  DEFAULT_TRAIN_OPTIONS,
  trainTextClassifier,
  type TrainTextOptions,
} from './train-text-classifier.js';

const textSettings = z.strictObject({
  /** Training data: a dataset split (`banking77:train`) or a JSONL file of {text, label}. */
  train: z.string().min(1),
  /** The frozen evaluation set champion and challenger are both scored on. */
  eval: z.string().min(1),
  /** Training settings over the task's defaults (text-commands.ts TASK_SETTINGS). */
  architecture: z.enum(['linear', 'mlp']).optional(),
  epochs: z.number().int().min(1).max(200).optional(),
  members: z.number().int().min(1).max(8).optional(),
  hidden: z.number().int().min(2).max(4096).optional(),
  learningRate: z.number().positive().max(1).optional(),
  batchSize: z.number().int().min(1).max(4096).optional(),
  minDf: z.number().int().min(1).optional(),
  /** Share of right held-out answers the confidence threshold may flag as out of scope; 0: no threshold. */
  maxFalseFlag: z.number().min(0).max(0.5).optional(),
});
export type TextSettings = z.infer<typeof textSettings>;

/** The task's training options with a retrain plan's settings over them. */
export function trainOptions(
  task: TextTask,
  s: TextSettings,
  ctx: Partial<Pick<TrainContext, 'clock'>> = {},
): TrainTextOptions {
  return {
    ...DEFAULT_TRAIN_OPTIONS,
    ...TASK_SETTINGS[task],
    task,
    ...(ctx.clock && { clock: ctx.clock }),
    ...(s.epochs !== undefined && { epochs: s.epochs }),
    ...(s.members !== undefined && { members: s.members }),
    ...(s.architecture === 'linear' && { architecture: { kind: 'linear' as const } }),
    ...(s.architecture !== 'linear' &&
      s.hidden !== undefined && { architecture: { kind: 'mlp' as const, hidden: s.hidden } }),
    ...(s.learningRate !== undefined && { learningRate: s.learningRate }),
    ...(s.batchSize !== undefined && { batchSize: s.batchSize }),
    ...(s.minDf !== undefined && { minDf: s.minDf }),
    ...(s.maxFalseFlag !== undefined && { maxFalseFlag: s.maxFalseFlag }),
  };
}

/** Trains with the loss of every epoch reported and kept (MLflow's train_loss series). */
async function trainWithProgress(
  task: TextTask,
  records: readonly TextRecord[],
  opts: TrainTextOptions,
  ctx: TrainContext,
): Promise<{ model: TextClassifier; loss: number[] }> {
  const steps = opts.members * opts.epochs * (opts.refit ? 2 : 1);
  ctx.progress.step(`${task}: training`, 0, steps);
  const loss: number[] = [];
  const { model } = await trainTextClassifier(records, {
    ...opts,
    onEpoch: ({ member, epoch, loss: l }) => {
      loss.push(l);
      ctx.progress.step(
        `${task}: member ${member + 1} epoch ${epoch + 1} loss ${l.toFixed(3)}`,
        loss.length,
        steps,
      );
    },
  });
  return { model, loss };
}

/**
 * A text classification kind. Intent: accuracy, the figure published for
 * banking77 and clinc150, and it learns from the human corrections; emotion:
 * macro-F1 (skewed classes). Both gate on per-class F1.
 */
function textKind<N extends TextTask>(
  task: N,
  opts: { metric: 'accuracy' | 'macroF1'; corrections: boolean },
): ModelKind<N, TextClassifier, TextSettings> {
  const score = (model: TextClassifier, frozen: readonly TextRecord[]) => {
    const e = evaluateTextModel(model, frozen, { latencySamples: 0 });
    return {
      value: e[opts.metric],
      parts: Object.fromEntries(Object.entries(e.perClass).map(([k, v]) => [k, v.f1])),
    };
  };
  return {
    name: task,
    settings: textSettings,
    gate: { metric: opts.metric, partKind: 'class' },
    load: loadTextModel,
    dispose: (model) => model.dispose(),
    async train(s, ctx): Promise<Challenger<TextClassifier>> {
      ctx.progress.step(`${task}: loading ${s.train}`, 0, 1);
      const base = await loadRecords(s.train);
      const frozen = await loadRecords(s.eval);
      const corrections = opts.corrections ? ctx.corrections : [];
      const records = withCorrections(base, corrections, ctx.correctionWeight);
      const train = trainOptions(task, s, ctx);
      const { model, loss } = await trainWithProgress(task, records, train, ctx);
      await saveTextModel(model, ctx.dir);
      if (corrections.length)
        await writeFile(join(ctx.dir, 'corrections.jsonl'), toJsonl(corrections));
      const heldOut = model.meta.metrics.heldOut as
        { accuracy?: number; macroF1?: number } | undefined;
      return {
        model,
        evaluate: (m) => score(m, frozen),
        data: {
          records: records.length,
          sha256: model.meta.data.sha256,
          corrections: corrections.length,
          report: dataReport(records, frozen),
        },
        frozen: { records: frozen.length, sha256: dataSha256(frozen) },
        params: {
          train: s.train,
          eval: s.eval,
          corrections: corrections.length,
          correction_weight: ctx.correctionWeight,
          members: train.members,
          epochs: train.epochs,
          learning_rate: train.learningRate,
          vocab_size: model.meta.vocabSize,
          data_sha256: model.meta.data.sha256,
        },
        series: { train_loss: loss },
        metrics: {
          heldout_accuracy: heldOut?.accuracy ?? 0,
          heldout_macro_f1: heldOut?.macroF1 ?? 0,
          threshold: model.meta.threshold,
        },
      };
    },
  };
}

export const intentKind = textKind('intent', { metric: 'accuracy', corrections: true });
export const emotionKind = textKind('emotion', { metric: 'macroF1', corrections: false });
/** Opt-out or not, beside the rules (models/opt-out): macro-F1 over the two classes. */
export const optOutKind = textKind('optout', { metric: 'macroF1', corrections: false });
