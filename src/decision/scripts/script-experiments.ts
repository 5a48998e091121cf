/**
 * Self-optimising script experiments: per (node, segment), Thompson
 * sampling over the script variants. A segment's prior for a variant is
 * Beta(1, 1) plus what the node's other segments saw of it, shrunk to at
 * most `borrow` trials: a new or small segment starts from the rest of the
 * traffic instead of from nothing, and its own outcomes take over as they
 * come (empirical Bayes, one level).
 *
 * Off-policy evaluation needs the exact probability of every logged
 * choice, and a raw Thompson draw has none in closed form. So the
 * allocation probabilities are computed up front — P(best) by seeded Monte
 * Carlo, then the guardrails — cached, and each decision samples from the
 * cache: its propensity is exact and it costs O(variants). The cache is
 * recomputed lazily after outcomes arrive.
 *
 * The state is plain JSON (arrays, records, numbers) so it can be
 * snapshotted and restored as is.
 */
import { z } from 'zod';
import { DialwiseError } from '../../core/errors.js';
import type { Rng } from '../../core/rng.js';
import { posteriorDraws, type ArmCounts } from './beta-posterior.js';

const optionsSchema = z
  .strictObject({
    /** Trials every variant gets, uniformly over the under-sampled ones, before sampling starts. */
    minSamples: z.number().int().min(0).default(30),
    /** Least allocation probability of a live variant. */
    floor: z.number().min(0).lt(1).default(0.05),
    /** Trials after which a variant may be stopped … */
    stopAfter: z.number().int().min(1).default(300),
    /** … when its P(best) is below this. Stopping is final. */
    stopBelow: z.number().min(0).lt(1).default(0.01),
    /** Joint posterior draws per computation. */
    draws: z.number().int().min(100).default(2000),
    /** Trials' worth of the node's other segments a segment's prior holds (0: each learns alone). */
    borrow: z.number().min(0).default(30),
    /** Seeds the Monte Carlo, so P(best) is a pure function of the counts. */
    seed: z.number().int().default(1),
  })
  .refine((o) => o.stopAfter >= o.minSamples, {
    path: ['stopAfter'],
    message: 'must be at least minSamples',
  });

export type ExperimentOptions = z.input<typeof optionsSchema>;

export interface Arm {
  variant: string;
  trials: number;
  conversions: number;
  stopped: boolean;
}

export interface Cell {
  /** In the order first seen: the first arm is the control. */
  arms: Arm[];
  /** Computed from the counts; null once outcomes arrived since. */
  cache: Cache | null;
}

export interface Cache {
  /** Allocation probability per variant once every offered one has minSamples trials. */
  probs: Record<string, number>;
  pBest: Record<string, number>;
  /** Variants short of minSamples: they are tried first, uniformly. */
  underSampled: string[];
}

export interface ExperimentState {
  options: z.output<typeof optionsSchema>;
  /** cells[node][segment] */
  cells: Record<string, Record<string, Cell>>;
}

export interface VariantReport {
  variant: string;
  trials: number;
  conversions: number;
  rate: number;
  pBest: number;
  /** Conversion-rate difference to the control (first variant), posterior mean and 95% interval. */
  upliftVsControl: { mean: number; lo95: number; hi95: number };
  stopped: boolean;
}

export function createExperiment(options: ExperimentOptions = {}): ExperimentState {
  const r = optionsSchema.safeParse(options);
  if (!r.success) {
    const problems = r.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
    throw new DialwiseError('CONFIG_INVALID', `invalid experiment options: ${problems.join('; ')}`);
  }
  return { options: r.data, cells: {} };
}

function cellOf(exp: ExperimentState, node: string, segment: string): Cell {
  const bySegment = (exp.cells[node] ??= {});
  return (bySegment[segment] ??= { arms: [], cache: null });
}

function armOf(cell: Cell, variant: string): Arm {
  let arm = cell.arms.find((a) => a.variant === variant);
  if (!arm) {
    cell.arms.push((arm = { variant, trials: 0, conversions: 0, stopped: false }));
    cell.cache = null;
  }
  return arm;
}

/** An outcome of a call that used `variant`: 1 converted, 0 not. */
export function record(
  exp: ExperimentState,
  node: string,
  segment: string,
  variant: string,
  reward: 0 | 1,
): void {
  if (reward !== 0 && reward !== 1) throw new Error(`reward must be 0 or 1, got ${reward}`);
  const cell = cellOf(exp, node, segment);
  const arm = armOf(cell, variant);
  arm.trials += 1;
  arm.conversions += reward;
  // The node's other segments borrow from this one: their priors moved too.
  for (const c of Object.values(exp.cells[node]!)) c.cache = null;
}

/**
 * Each arm's counts with its prior: the outcomes of the same variant in the
 * node's other segments, scaled down to at most `borrow` trials.
 */
function withPriors(exp: ExperimentState, node: string, segment: string): ArmCounts[] {
  const others = Object.entries(exp.cells[node] ?? {}).filter(([s]) => s !== segment);
  return cellOf(exp, node, segment).arms.map((arm) => {
    let trials = 0;
    let conversions = 0;
    for (const [, c] of others) {
      const a = c.arms.find((x) => x.variant === arm.variant);
      if (a) {
        trials += a.trials;
        conversions += a.conversions;
      }
    }
    const w = trials > 0 ? Math.min(1, exp.options.borrow / trials) : 0;
    return w > 0 ? { ...arm, prior: { trials: w * trials, conversions: w * conversions } } : arm;
  });
}

/**
 * Draws one of `variants` (those this call can use): uniformly among the
 * ones short of minSamples while there are any, else by the cached
 * probabilities renormalised over them (uniform should all be 0, e.g. only
 * stopped variants usable). `propensity` is the exact probability of the
 * returned variant.
 */
export function allocate(
  exp: ExperimentState,
  node: string,
  segment: string,
  variants: readonly string[],
  rng: Rng,
): { variant: string; propensity: number } {
  const weights = offered(exp, node, segment, variants);
  let total = 0;
  for (const w of weights) total += w;
  let x = rng() * total;
  let chosen = -1;
  for (let i = 0; i < weights.length; i++) {
    if (weights[i]! === 0) continue;
    chosen = i;
    if ((x -= weights[i]!) < 0) break;
  }
  return { variant: variants[chosen]!, propensity: weights[chosen]! / total };
}

/** The full distribution allocate() draws from for these variants; sums to 1. */
export function probabilities(
  exp: ExperimentState,
  node: string,
  segment: string,
  variants: readonly string[],
): Record<string, number> {
  const weights = offered(exp, node, segment, variants);
  const total = weights.reduce((s, w) => s + w, 0);
  return Object.fromEntries(variants.map((v, i) => [v, weights[i]! / total]));
}

/** Unnormalised weights of the offered variants, as allocate() describes. */
function offered(
  exp: ExperimentState,
  node: string,
  segment: string,
  variants: readonly string[],
): number[] {
  if (variants.length === 0) throw new Error('allocate needs at least one variant');
  if (new Set(variants).size !== variants.length) throw new Error('variants must be distinct');
  const cell = cellOf(exp, node, segment);
  for (const v of variants) if (typeof cell.cache?.probs[v] !== 'number') armOf(cell, v);
  const cache = (cell.cache ??= compute(exp, node, segment));
  if (variants.some((v) => cache.underSampled.includes(v)))
    return variants.map((v) => (cache.underSampled.includes(v) ? 1 : 0));
  const weights = variants.map((v) => cache.probs[v]!);
  return weights.some((w) => w > 0) ? weights : weights.map(() => 1);
}

/**
 * P(best) of every arm by Monte Carlo; stops arms that had their trials and
 * have no chance left (never the last live one); allocation over the live
 * arms is P(best), renormalised and lifted to the floor.
 */
function compute(exp: ExperimentState, node: string, segment: string): Cache {
  const o = exp.options;
  const cell = cellOf(exp, node, segment);
  const counts = withPriors(exp, node, segment);
  const draws = posteriorDraws(counts, o, `${node}\u0000${segment}`);
  const wins = cell.arms.map(() => 0);
  for (let j = 0; j < o.draws; j++) {
    let best = 0;
    for (let i = 1; i < draws.length; i++) if (draws[i]![j]! > draws[best]![j]!) best = i;
    wins[best]! += 1;
  }
  const pBest = wins.map((w) => w / o.draws);

  cell.arms.forEach((arm, i) => {
    const live = cell.arms.filter((a) => !a.stopped).length;
    if (!arm.stopped && live > 1 && arm.trials >= o.stopAfter && pBest[i]! < o.stopBelow)
      arm.stopped = true;
  });

  const live = cell.arms.filter((a) => !a.stopped).length;
  const mass = cell.arms.reduce((s, a, i) => (a.stopped ? s : s + pBest[i]!), 0);
  const floor = Math.min(o.floor, 1 / live);
  const probs = cell.arms.map((a, i) => {
    if (a.stopped) return 0;
    const share = mass > 0 ? pBest[i]! / mass : 1 / live;
    return floor + (1 - floor * live) * share;
  });
  const byVariant = (xs: number[]): Record<string, number> =>
    Object.fromEntries(cell.arms.map((a, i) => [a.variant, xs[i]!]));
  return {
    probs: byVariant(probs),
    pBest: byVariant(pBest),
    // Borrowed trials count: a variant the other segments tried enough needs no uniform start here.
    underSampled: counts
      .filter((a) => a.trials + (a.prior?.trials ?? 0) < o.minSamples)
      .map((a) => a.variant),
  };
}

/** Every (node, segment) with its variants' trials so far, in the order first seen. */
export function cells(exp: ExperimentState): { node: string; segment: string; trials: number }[] {
  return Object.entries(exp.cells).flatMap(([node, bySegment]) =>
    Object.entries(bySegment).map(([segment, cell]) => ({
      node,
      segment,
      trials: cell.arms.reduce((s, a) => s + a.trials, 0),
    })),
  );
}

/**
 * The same report for arms observed elsewhere (script versions over the
 * stored calls): nothing is allocated or stopped, it only compares.
 */
export function compareArms(
  arms: readonly { variant: string; trials: number; conversions: number }[],
): VariantReport[] {
  const exp = createExperiment({ stopBelow: 0 });
  exp.cells['compare'] = {
    all: { arms: arms.map((a) => ({ ...a, stopped: false })), cache: null },
  };
  return report(exp, 'compare', 'all');
}

/** Per variant: counts, P(best) and the uplift over the control from the same posterior draws. */
export function report(exp: ExperimentState, node: string, segment: string): VariantReport[] {
  const cell = cellOf(exp, node, segment);
  const { pBest } = (cell.cache ??= compute(exp, node, segment));
  const draws = posteriorDraws(
    withPriors(exp, node, segment),
    exp.options,
    `${node}\u0000${segment}`,
  );
  return cell.arms.map((arm, i) => {
    const diffs = draws[i]!.map((d, j) => d - draws[0]![j]!).sort();
    const at = (q: number): number =>
      diffs[Math.min(diffs.length - 1, Math.floor(q * diffs.length))]!;
    return {
      variant: arm.variant,
      trials: arm.trials,
      conversions: arm.conversions,
      rate: arm.trials > 0 ? arm.conversions / arm.trials : 0,
      pBest: pBest[arm.variant]!,
      upliftVsControl: {
        mean: diffs.reduce((s, d) => s + d, 0) / diffs.length,
        lo95: at(0.025),
        hi95: at(0.975),
      },
      stopped: arm.stopped,
    };
  });
}
