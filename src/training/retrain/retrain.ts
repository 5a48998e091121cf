import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { systemClock, type Clock } from '../../core/clock.js';
import type { DataReport } from '../../datasets/report.js';
import type { MlflowClient } from '../../models/mlflow-client.js';
import type { ModelName, ModelRegistry, VersionMeta } from '../../models/registry.js';
import { kindsNamed } from '../kinds.js';
import type { Challenger, ModelKind, Progress } from '../model-kind.js';
import type { CorrectionRecord } from '../corrections.js';
import { mirrorPending, mirrorVersion, SERIES_FILE } from './mlflow-mirror.js';
import { promotionDecision, type GateDecision, type GateScore } from './promotion-gate.js';
import { kindSettings, type RetrainPlan } from './retrain-plan.js';

export interface RetrainDeps {
  registry: ModelRegistry;
  /** Set when MLFLOW_TRACKING_URI is: every training run and candidate goes there too. */
  mlflow?: MlflowClient | undefined;
  corrections: readonly CorrectionRecord[];
  /** Scratch space for model folders before they are registered. */
  workDir: string;
  progress: Progress;
  /** Where the run's start time (and the models' creation times) come from. */
  clock?: Clock;
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

/** Durations are measured, not read off the injected clock: a virtual clock may stand still. */
const secondsSince = (t0: number) => Math.round((performance.now() - t0) / 100) / 10;

/**
 * The weekly job: for each model kind named, train a challenger on the
 * configured data (intent: with the human corrections folded in), register
 * it, score it and the champion on the same frozen evaluation set, and move
 * `champion` only when the gate passes. With MLflow, the run (params,
 * per-epoch loss, metrics, model folder as artifacts) and the registered
 * version and its aliases mirror the local registry. Live processes poll the
 * registry and switch to a new champion between batches.
 */
export async function retrain(
  plan: RetrainPlan,
  names: readonly ModelName[],
  deps: RetrainDeps,
): Promise<RetrainSummary> {
  const kinds = kindsNamed(names);
  const clock = deps.clock ?? systemClock;
  const started = clock.now();
  const t0 = performance.now();
  const outcomes: ModelOutcome[] = [];
  await mkdir(deps.workDir, { recursive: true });
  const caughtUp = deps.mlflow ? await mirrorPending(deps.mlflow, deps.registry, names) : undefined;
  for (const kind of kinds) outcomes.push(await retrainKind(kind, plan, deps, clock));
  await rm(deps.workDir, { recursive: true, force: true });
  return {
    started: new Date(started).toISOString(),
    seconds: secondsSince(t0),
    models: outcomes,
    ...(caughtUp && (caughtUp.mirrored || caughtUp.pending) ? { mlflowCaughtUp: caughtUp } : {}),
  };
}

async function retrainKind(
  kind: ModelKind,
  plan: RetrainPlan,
  deps: RetrainDeps,
  clock: Clock,
): Promise<ModelOutcome> {
  const t0 = performance.now();
  const dir = join(deps.workDir, kind.name);
  await mkdir(dir, { recursive: true });
  const challenger = await kind.train(kindSettings(plan, kind.name), {
    dir,
    corrections: deps.corrections,
    correctionWeight: plan.correctionWeight,
    clock,
    progress: deps.progress,
  });
  try {
    return { ...(await judge(kind, challenger, dir, plan, deps)), seconds: secondsSince(t0) };
  } finally {
    kind.dispose(challenger.model);
  }
}

/** A model of this kind on the challenger's frozen set, as the gate reads it. */
const gateScore = (kind: ModelKind, c: Challenger<unknown>, model: unknown): GateScore => ({
  metric: kind.gate.metric,
  partKind: kind.gate.partKind,
  ...c.evaluate(model),
});

async function scoreChampion(kind: ModelKind, c: Challenger<unknown>, dir: string) {
  const champion = await kind.load(dir);
  try {
    return gateScore(kind, c, champion);
  } finally {
    kind.dispose(champion);
  }
}

/** Registers the challenger, gates it against the champion, moves aliases here, then mirrors to MLflow. */
async function judge(
  kind: ModelKind,
  c: Challenger<unknown>,
  dir: string,
  plan: RetrainPlan,
  deps: RetrainDeps,
): Promise<Omit<ModelOutcome, 'seconds'>> {
  const { registry } = deps;
  const { name } = kind;
  const current = await registry.resolve(name, 'champion');
  deps.progress.step(`${name}: scoring champion and challenger`, 0, 1);
  const score = gateScore(kind, c, c.model);
  const champion = current ? await scoreChampion(kind, c, current.dir) : undefined;
  const decision = promotionDecision(champion, score, plan.gate);
  const { report } = c.data;
  if (report) await writeFile(join(dir, 'data-report.json'), JSON.stringify(report, null, 2));
  if (c.series) await writeFile(join(dir, SERIES_FILE), JSON.stringify(c.series));
  const metrics = { ...c.metrics, [`frozen_${score.metric}`]: score.value };
  const meta = await registry.register(name, dir, {
    parent: current?.meta.version ?? null,
    dataSha256: c.data.sha256,
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
    challenger: score,
    champion,
    metrics,
    data: {
      records: c.data.records,
      sha256: c.data.sha256,
      corrections: c.data.corrections,
      ...(report && {
        report: {
          duplicates: report.duplicates,
          conflicting: report.conflicting,
          leakage: report.leakage,
        },
      }),
    },
    frozenEval: c.frozen,
    ...mirrored,
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
