import { mkdir, rm, writeFile } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { parseCron } from '../../core/cron.js';
import { DialwiseError } from '../../core/errors.js';
import { loadPersuasionForGood, splitByOutcome } from '../../datasets/persuasionforgood.js';
import { dataReport, type DataReport } from '../../datasets/report.js';
import { CallSimulator } from '../../datasets/simulator.js';
import { dataSha256, toJsonl, type TextRecord } from '../../datasets/text-record.js';
import { PROPENSITY_FILE } from '../../models/champions.js';
import { createKeywordModels } from '../../models/keyword/index.js';
import type { MlflowClient } from '../../models/mlflow-client.js';
import { mirrorPending, mirrorVersion, SERIES_FILE } from './mlflow-mirror.js';
import { loadPropensityModel, type PropensityModel } from '../../models/propensity-model.js';
import type { ModelName, ModelRegistry, VersionMeta } from '../../models/registry.js';
import type { TextClassifier } from '../../models/text/classifier.js';
import { loadTextModel, saveTextModel } from '../../models/text/model-folder.js';
import { withCorrections, type CorrectionRecord } from '../text/corrections.js';
import { evaluateTextModel } from '../text/text-evaluation.js';
import { promotionDecision, type GateDecision, type GateScore } from './promotion-gate.js';
import { pfgRow, rowsHash, simulatorRows, type PropensityRow } from '../propensity/propensity-data.js';
import { DEFAULT_PROPENSITY_OPTIONS, evaluatePropensity, trainPropensity } from '../propensity/train-propensity.js';
import {
  DEFAULT_TRAIN_OPTIONS,
  trainTextClassifier,
  type TrainTextOptions,
} from '../text/train-text-classifier.js';
import { loadRecords, TASK_SETTINGS, type TextTask } from '../text/text-commands.js';

const textPlan = z.strictObject({
  /** Training data: a dataset split (`banking77:train`) or a JSONL file of {text, label}. */
  train: z.string().min(1),
  /** The frozen evaluation set champion and challenger are both scored on. */
  eval: z.string().min(1),
  /** Training settings over the task's defaults (text-commands.ts TASK_SETTINGS). */
  epochs: z.number().int().min(1).max(200).optional(),
  members: z.number().int().min(1).max(8).optional(),
  hidden: z.number().int().min(2).max(4096).optional(),
  learningRate: z.number().positive().max(1).optional(),
  batchSize: z.number().int().min(1).max(4096).optional(),
  minDf: z.number().int().min(1).optional(),
});

export const retrainPlanSchema = z.strictObject({
  /** Cron expression (5 fields, UTC) for `dialwise start`; null: only by hand. */
  schedule: z
    .string()
    .nullable()
    .superRefine((s, ctx) => {
      try {
        if (s !== null) parseCron(s);
      } catch (err) {
        ctx.addIssue({ code: 'custom', message: (err as Error).message });
      }
    }),
  gate: z.strictObject({
    /** The challenger must beat the champion's headline metric by at least this (absolute). */
    minGain: z.number().min(0).max(1),
    /** No class (or data source) may drop by more than this (absolute F1 or AUC). */
    maxPartDrop: z.number().min(0).max(1),
  }),
  /** How many times each human correction counts in training. */
  correctionWeight: z.number().int().min(1).max(100),
  intent: textPlan,
  emotion: textPlan,
  propensity: z.strictObject({
    /** Simulated calls to learn from beside persuasionforgood. */
    simulatedCalls: z.number().int().min(100).max(1_000_000),
    seed: z.number().int(),
  }),
});
export type RetrainPlan = z.infer<typeof retrainPlanSchema>;

export function loadRetrainPlan(file: string): RetrainPlan {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new DialwiseError(
      'CONFIG_INVALID',
      `${file}: cannot read JSON (${(err as Error).message})`,
    );
  }
  const r = retrainPlanSchema.safeParse(json);
  if (!r.success) {
    const problems = r.error.issues.map((i) => `${i.path.join('.') || '(file)'}: ${i.message}`);
    throw new DialwiseError('CONFIG_INVALID', `${file}: ${problems.join('; ')}`);
  }
  return r.data;
}

/** Reports a step of work as it happens (a terminal progress bar, a log). */
export interface Progress {
  step(label: string, done: number, total: number): void;
}

export interface RetrainDeps {
  registry: ModelRegistry;
  /** Set when MLFLOW_TRACKING_URI is: every training run and candidate goes there too. */
  mlflow?: MlflowClient | undefined;
  corrections: readonly CorrectionRecord[];
  /** Scratch space for model folders before they are registered. */
  workDir: string;
  progress: Progress;
}

export interface ModelOutcome {
  name: ModelName;
  version: number;
  parent: number | null;
  promoted: boolean;
  decision: GateDecision;
  challenger: GateScore;
  champion?: GateScore | undefined;
  /** The challenger's figures as registered (held-out, frozen, per source). */
  metrics: Record<string, number>;
  data: {
    records: number;
    sha256: string;
    corrections: number;
    report?: Pick<DataReport, 'duplicates' | 'conflicting' | 'leakage'>;
  };
  frozenEval: { records: number; sha256: string };
  seconds: number;
  /** Where it went in MLflow. */
  mlflow?: { runUrl: string; version: string } | undefined;
  /** MLflow being unreachable: why this version is mirrored at the next run instead. */
  mlflowPending?: string | undefined;
}

export interface RetrainSummary {
  started: string;
  seconds: number;
  models: ModelOutcome[];
  /** Versions registered while MLflow was down, mirrored at the start of this run. */
  mlflowCaughtUp?: { mirrored: number; pending: number };
}

/** What one model kind contributes: training and scoring on its frozen set. */
interface Candidate {
  dir: string;
  score: GateScore;
  records: number;
  sha256: string;
  frozen: { records: number; sha256: string };
  params: Record<string, string | number>;
  metrics: Record<string, number>;
  /** Per-step histories for MLflow (training loss per epoch). */
  series?: Record<string, number[]>;
  report?: DataReport;
  scoreChampion(dir: string): Promise<GateScore>;
  dispose(): void;
}

const secondsSince = (t0: number) => Math.round((performance.now() - t0) / 100) / 10;

/**
 * The weekly job: for each model, train a challenger on the configured data
 * (intent: with the human corrections folded in), register it, score it and
 * the champion on the same frozen evaluation set, and move `champion` only
 * when the gate passes. With MLflow, the run (params, per-epoch loss,
 * metrics, model folder as artifacts) and the registered version and its
 * aliases mirror the local registry. Live processes poll the registry and
 * switch to a new champion between batches.
 */
export async function retrain(
  plan: RetrainPlan,
  names: readonly ModelName[],
  deps: RetrainDeps,
): Promise<RetrainSummary> {
  const started = performance.now();
  const outcomes: ModelOutcome[] = [];
  await mkdir(deps.workDir, { recursive: true });
  const caughtUp = deps.mlflow ? await mirrorPending(deps.mlflow, deps.registry, names) : undefined;
  for (const name of names) {
    const t0 = performance.now();
    const candidate =
      name === 'propensity'
        ? await propensityCandidate(plan, deps)
        : await textCandidate(name, plan, deps);
    try {
      outcomes.push(await judge(name, candidate, plan, deps, t0));
    } finally {
      candidate.dispose();
    }
  }
  await rm(deps.workDir, { recursive: true, force: true });
  return {
    started: new Date(Date.now() - (performance.now() - started)).toISOString(),
    seconds: secondsSince(started),
    models: outcomes,
    ...(caughtUp && (caughtUp.mirrored || caughtUp.pending) ? { mlflowCaughtUp: caughtUp } : {}),
  };
}

/**
 * A registered version to MLflow; MLflow being down does not fail the
 * weekly job (the local registry is what the platform serves from): the
 * version is marked pending and mirrored at the next run.
 */
async function mirror(
  deps: RetrainDeps,
  meta: VersionMeta,
): Promise<Pick<ModelOutcome, 'mlflow' | 'mlflowPending'>> {
  if (!deps.mlflow) return {};
  try {
    const m = await mirrorVersion(deps.mlflow, deps.registry, meta);
    return { mlflow: { runUrl: m.runUrl, version: m.version ?? '' } };
  } catch (err) {
    const reason = `MLflow unreachable (${(err as Error).message}); mirrored at the next retrain`;
    await deps.registry.setMlflow(meta.name, meta.version, { pending: reason });
    return { mlflowPending: reason };
  }
}

/** Registers the candidate, gates it against the champion, moves aliases here, then mirrors to MLflow. */
async function judge(
  name: ModelName,
  c: Candidate,
  plan: RetrainPlan,
  deps: RetrainDeps,
  t0: number,
): Promise<ModelOutcome> {
  const { registry } = deps;
  const current = await registry.resolve(name, 'champion');
  deps.progress.step(`${name}: scoring champion and challenger`, 0, 1);
  const champion = current ? await c.scoreChampion(current.dir) : undefined;
  const decision = promotionDecision(champion, c.score, plan.gate);
  if (c.report) await writeFile(join(c.dir, 'data-report.json'), JSON.stringify(c.report, null, 2));
  if (c.series) await writeFile(join(c.dir, SERIES_FILE), JSON.stringify(c.series));
  const metrics = { ...c.metrics, [`frozen_${c.score.metric}`]: c.score.value };
  const meta = await registry.register(name, c.dir, {
    parent: current?.meta.version ?? null,
    dataSha256: c.sha256,
    params: c.params,
    metrics,
  });
  await registry.setAlias(name, 'challenger', meta.version);
  if (decision.promote) await registry.setAlias(name, 'champion', meta.version);
  const mirrored = await mirror(deps, meta);
  deps.progress.step(`${name}: ${decision.promote ? 'promoted' : 'kept as challenger'}`, 1, 1);
  return {
    name,
    version: meta.version,
    parent: meta.parent,
    promoted: decision.promote,
    decision,
    challenger: c.score,
    champion,
    metrics,
    data: {
      records: c.records,
      sha256: c.sha256,
      corrections: name === 'intent' ? deps.corrections.length : 0,
      ...(c.report && {
        report: {
          duplicates: c.report.duplicates,
          conflicting: c.report.conflicting,
          leakage: c.report.leakage,
        },
      }),
    },
    frozenEval: c.frozen,
    seconds: secondsSince(t0),
    ...mirrored,
  };
}

/** Intent: accuracy, the figure published for banking77 and clinc150; emotion: macro-F1 (skewed classes). */
const HEADLINE: Record<TextTask, 'accuracy' | 'macroF1'> = {
  intent: 'accuracy',
  emotion: 'macroF1',
};

function textScore(
  task: TextTask,
  model: TextClassifier,
  frozen: readonly TextRecord[],
): GateScore {
  const e = evaluateTextModel(model, frozen, { latencySamples: 0 });
  return {
    metric: HEADLINE[task],
    value: e[HEADLINE[task]],
    parts: Object.fromEntries(Object.entries(e.perClass).map(([k, v]) => [k, v.f1])),
    partKind: 'class',
  };
}

async function textCandidate(
  task: TextTask,
  plan: RetrainPlan,
  deps: RetrainDeps,
): Promise<Candidate> {
  const p = plan[task];
  deps.progress.step(`${task}: loading ${p.train}`, 0, 1);
  const base = await loadRecords(p.train);
  const frozen = await loadRecords(p.eval);
  const corrections = task === 'intent' ? deps.corrections : [];
  const records = withCorrections(base, corrections, plan.correctionWeight);
  const report = dataReport(records, frozen);
  const opts: TrainTextOptions = {
    ...DEFAULT_TRAIN_OPTIONS,
    ...TASK_SETTINGS[task],
    task,
    ...(p.epochs !== undefined && { epochs: p.epochs }),
    ...(p.members !== undefined && { members: p.members }),
    ...(p.hidden !== undefined && { architecture: { kind: 'mlp' as const, hidden: p.hidden } }),
    ...(p.learningRate !== undefined && { learningRate: p.learningRate }),
    ...(p.batchSize !== undefined && { batchSize: p.batchSize }),
    ...(p.minDf !== undefined && { minDf: p.minDf }),
  };
  const steps = opts.members * opts.epochs * (opts.refit ? 2 : 1);
  deps.progress.step(`${task}: training`, 0, steps);
  const loss: number[] = [];
  const { model } = await trainTextClassifier(records, {
    ...opts,
    onEpoch: ({ member, epoch, loss: l }) => {
      loss.push(l);
      deps.progress.step(
        `${task}: member ${member + 1} epoch ${epoch + 1} loss ${l.toFixed(3)}`,
        loss.length,
        steps,
      );
    },
  });
  const dir = join(deps.workDir, task);
  await saveTextModel(model, dir);
  if (corrections.length) await writeFile(join(dir, 'corrections.jsonl'), toJsonl(corrections));
  const score = textScore(task, model, frozen);
  const heldOut = model.meta.metrics.heldOut as { accuracy?: number; macroF1?: number } | undefined;
  return {
    dir,
    score,
    records: records.length,
    sha256: model.meta.data.sha256,
    frozen: { records: frozen.length, sha256: dataSha256(frozen) },
    params: {
      train: p.train,
      eval: p.eval,
      corrections: corrections.length,
      correction_weight: plan.correctionWeight,
      members: opts.members,
      epochs: opts.epochs,
      learning_rate: opts.learningRate,
      vocab_size: model.meta.vocabSize,
      data_sha256: model.meta.data.sha256,
    },
    series: { train_loss: loss },
    metrics: {
      heldout_accuracy: heldOut?.accuracy ?? 0,
      heldout_macro_f1: heldOut?.macroF1 ?? 0,
      threshold: model.meta.threshold,
    },
    report,
    async scoreChampion(championDir) {
      const champion = await loadTextModel(championDir);
      try {
        return textScore(task, champion, frozen);
      } finally {
        champion.dispose();
      }
    },
    dispose: () => model.dispose(),
  };
}

/** Propensity is scored per source: mean AUC overall, and no source may drop (the gate's parts). */
function propensityScore(model: PropensityModel, tests: Map<string, PropensityRow[]>): GateScore {
  const parts = Object.fromEntries(
    [...tests].map(([source, rows]) => [source, evaluatePropensity(model, rows, source).auc]),
  );
  const values = Object.values(parts);
  return {
    metric: 'meanAuc',
    value: values.reduce((a, b) => a + b, 0) / values.length,
    parts,
    partKind: 'source',
  };
}

async function propensityCandidate(plan: RetrainPlan, deps: RetrainDeps): Promise<Candidate> {
  const { simulatedCalls, seed } = plan.propensity;
  deps.progress.step('propensity: building features', 0, 1);
  const nlu = createKeywordModels();
  const pfg = (await loadPersuasionForGood()).map((d) => pfgRow(d, nlu));
  const sim = new CallSimulator(seed, Math.max(100, Math.round(simulatedCalls / 10)));
  const start = Date.UTC(2025, 0, 6, 9);
  const calls = Array.from({ length: simulatedCalls }, (_, i) =>
    sim.nextCall(new Date(start + i * 30_000)),
  );
  const sources = new Map([
    ['persuasionforgood', pfg],
    ['simulator', simulatorRows(calls, nlu)],
  ]);
  // Fit / calibrate / frozen test per source, stratified by outcome, fixed seed (as bench/propensity.ts).
  const parts = new Map(
    [...sources].map(([name, rows]) => {
      const [fit, cal, test] = splitByOutcome(rows, (r) => r.y, [0.6, 0.2, 0.2], seed);
      return [name, { fit: fit!, cal: cal!, test: test! }];
    }),
  );
  deps.progress.step('propensity: training', 0, 1);
  const { model } = trainPropensity(
    [...parts].map(([name, p]) => ({ name, rows: p.fit })),
    [...parts].map(([name, p]) => ({ name, rows: p.cal })),
    { ...DEFAULT_PROPENSITY_OPTIONS, seed },
  );
  const tests = new Map([...parts].map(([name, p]) => [name, p.test]));
  const dir = join(deps.workDir, 'propensity');
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, PROPENSITY_FILE), JSON.stringify(model, null, 2) + '\n');
  const train = [...parts.values()].flatMap((p) => [...p.fit, ...p.cal]);
  const frozen = [...tests.values()].flat();
  const score = propensityScore(model, tests);
  return {
    dir,
    score,
    records: train.length,
    sha256: rowsHash(train),
    frozen: { records: frozen.length, sha256: rowsHash(frozen) },
    params: {
      sources: [...sources.keys()].join(','),
      simulated_calls: simulatedCalls,
      seed,
      l2: String(model.params.l2),
      calibration: DEFAULT_PROPENSITY_OPTIONS.calibration,
    },
    metrics: Object.fromEntries(
      [...tests].flatMap(([source, rows]) => {
        const m = evaluatePropensity(model, rows, source);
        return [
          [`auc_${source}`, m.auc],
          [`brier_${source}`, m.brier],
          [`ece_${source}`, m.ece],
        ];
      }),
    ),
    async scoreChampion(championDir) {
      return propensityScore(await loadPropensityModel(join(championDir, PROPENSITY_FILE)), tests);
    },
    dispose: () => undefined,
  };
}
