import type { z } from 'zod';
import type { Clock } from '../core/clock.js';
import type { DataReport } from '../datasets/report.js';
import type { ServingKind } from '../models/champions.js';
import type { CorrectionRecord } from './corrections.js';

/** Reports a step of work as it happens (a terminal progress bar, a log). */
export interface Progress {
  step(label: string, done: number, total: number): void;
}

/** What the weekly job hands a kind's training. */
export interface TrainContext {
  /** An empty folder: the challenger's model folder, as the registry will copy it. */
  dir: string;
  /** Human fixes to learn from (kinds that learn from them say so in `data.corrections`). */
  corrections: readonly CorrectionRecord[];
  /** How many times each correction counts. */
  correctionWeight: number;
  clock: Clock;
  progress: Progress;
}

/** A freshly trained challenger and the frozen evaluation set it and the champion are judged on. */
export interface Challenger<M> {
  model: M;
  /** A model of this kind on the frozen set: the headline value and its parts (higher is better). */
  evaluate(model: M): { value: number; parts: Record<string, number> };
  data: { records: number; sha256: string; corrections: number; report?: DataReport };
  frozen: { records: number; sha256: string };
  params: Record<string, string | number>;
  /** The challenger's own figures as registered (held-out, per source). */
  metrics: Record<string, number>;
  /** Per-step histories for MLflow (training loss per epoch). */
  series?: Record<string, number[]>;
}

/**
 * One model kind, whole: its section of config/retrain.json, how the weekly
 * job trains and scores it, the promotion gate it is judged by, and how the
 * live pipeline loads a registered version (ServingKind). One module per
 * kind registers it; training/kinds.ts lists them, and the registry, the
 * retrain job and the served champions loop over that list.
 */
export interface ModelKind<
  N extends string = string,
  M = unknown,
  S = unknown,
> extends ServingKind<M> {
  readonly name: N;
  /** Its section of config/retrain.json, validated at load. */
  readonly settings: z.ZodType<S>;
  /** The gate's headline metric (higher is better) and what its parts are, for the report. */
  readonly gate: { metric: string; partKind: 'class' | 'source' };
  /** Trains a challenger on the data its settings name, its model folder written into ctx.dir. */
  train(settings: S, ctx: TrainContext): Promise<Challenger<M>>;
}
