import { seeded } from '../../core/rng.js';
import { tf } from '../../models/tf.js';
import {
  bagWidth,
  fuseHeads,
  headLogits,
  initHead,
  type Architecture,
  type Weights,
} from '../../models/text/network.js';
import { padRows, type SparseRow } from '../../models/text/vocabulary.js';
import { RowAdam } from './row-adam.js';
import { bagBackward, bagForward } from './sparse-bag.js';
import { shuffleInPlace } from './stratified-split.js';

export interface FitOptions {
  architecture: Architecture;
  members: number;
  epochs: number;
  batchSize: number;
  learningRate: number;
  /** Hidden-unit dropout (mlp only). */
  dropout: number;
  /** Each feature of a training text is kept with this probability: n-gram dropout. */
  featureKeep: number;
  labelSmoothing: number;
  seed: number;
  /** After each epoch of each member, with its mean training loss (progress, MLflow metrics). */
  onEpoch?(e: { member: number; epoch: number; loss: number }): void;
}

export interface FitData {
  rows: readonly SparseRow[];
  targets: Int32Array;
  /** Per-example loss weight (class balancing), or null for 1. */
  sampleWeights: Float32Array | null;
  labels: number;
  vocabSize: number;
  /** Folded into the saved table (see models/text/network.ts). */
  idf: Float32Array;
}

interface Member {
  table: Float32Array;
  cols: number;
  tableAdam: RowAdam;
  head: Record<string, tf.Variable>;
  headAdam: tf.Optimizer;
}

/**
 * Trains the ensemble members and returns them fused (models/text/network.ts).
 * The embedding table (nearly all parameters) lives in a typed array with
 * row-sparse Adam; the head is tfjs variables with tfjs autodiff and Adam,
 * and hands the gradient of the bag back.
 */
export function fitMembers(data: FitData, opts: FitOptions): Weights {
  const cols = bagWidth(opts.architecture, data.labels);
  const embed = new Float32Array((data.vocabSize + 1) * cols * opts.members);
  const heads: Record<string, tf.Variable>[] = [];
  for (let m = 0; m < opts.members; m++) {
    const seed = opts.seed + 7919 * m;
    const member = initTraining(data, opts, seed);
    const rng = seeded(seed);
    const order = Array.from(data.rows, (_, k) => k);
    for (let epoch = 0; epoch < opts.epochs; epoch++) {
      shuffleInPlace(order, rng);
      let loss = 0;
      for (let b = 0; b < order.length; b += opts.batchSize) {
        const batch = order.slice(b, b + opts.batchSize);
        loss += trainStep(member, data, batch, opts, rng) * batch.length;
      }
      opts.onEpoch?.({ member: m, epoch, loss: loss / Math.max(1, order.length) });
    }
    member.headAdam.dispose();
    fuseTable(embed, member.table, m, opts.members, cols, data.idf);
    heads.push(member.head);
  }
  const fused = fuseHeads(opts.architecture, heads);
  for (const h of heads) for (const v of Object.values(h)) v.dispose();
  return { embed: tf.tensor2d(embed, [data.vocabSize + 1, cols * opts.members]), ...fused };
}

/**
 * Writes member m's table into the fused inference table: row r of the fused
 * table holds every member's row r (times IDF) side by side; its last row stays 0.
 */
export function fuseTable(
  fused: Float32Array,
  table: Float32Array,
  m: number,
  members: number,
  cols: number,
  idf: Float32Array,
): void {
  const width = cols * members;
  for (let r = 0; r < idf.length; r++)
    for (let k = 0; k < cols; k++) fused[r * width + m * cols + k] = table[r * cols + k]! * idf[r]!;
}

/** Standard normal draws from the seeded generator (Box-Muller). */
function normal(rng: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - rng())) * Math.cos(2 * Math.PI * rng());
}

function initTraining(data: FitData, opts: FitOptions, seed: number): Member {
  const cols = bagWidth(opts.architecture, data.labels);
  const rng = seeded(seed ^ 0x5bd1e995);
  // Inputs are L2-normalised TF-IDF rows, so a small init keeps the first logits near 0.
  const table = Float32Array.from({ length: data.vocabSize * cols }, () => 0.05 * normal(rng));
  const init = initHead(opts.architecture, data.labels, seed);
  const head: Record<string, tf.Variable> = {};
  for (const [name, t] of Object.entries(init)) {
    head[name] = tf.variable(t);
    t.dispose();
  }
  return {
    table,
    cols,
    tableAdam: new RowAdam(table, cols, opts.learningRate),
    head,
    headAdam: tf.train.adam(opts.learningRate),
  };
}
function trainStep(
  member: Member,
  data: FitData,
  idx: readonly number[],
  opts: FitOptions,
  rng: () => number,
): number {
  const batch = padRows(
    idx.map((i) => data.rows[i]!),
    opts.featureKeep,
    rng,
  );
  const bag = bagForward(member.table, member.cols, batch);
  const names = Object.keys(member.head);
  const sw = data.sampleWeights;
  const dropoutSeed = Math.floor(rng() * 2 ** 31);
  let lossValue = 0;
  const dBag = tf.tidy(() => {
    const onehot = tf.oneHot(
      tf.tensor1d(
        Int32Array.from(idx, (i) => data.targets[i]!),
        'int32',
      ),
      data.labels,
    );
    const w = sw ? tf.tensor1d(Float32Array.from(idx, (i) => sw[i]!)) : undefined;
    const loss = (bagT: tf.Tensor, ...head: tf.Tensor[]) => {
      const weights = Object.fromEntries(names.map((n, k) => [n, head[k]!]));
      const logits = headLogits(
        opts.architecture,
        weights,
        bagT as tf.Tensor2D,
        opts.dropout,
        dropoutSeed,
      );
      return tf.losses.softmaxCrossEntropy(onehot, logits, w, opts.labelSmoothing);
    };
    const { value, grads } = tf.valueAndGrads(loss)([
      tf.tensor2d(bag, [idx.length, member.cols]),
      ...names.map((n) => member.head[n]!),
    ]);
    const [gBag, ...gHead] = grads;
    member.headAdam.applyGradients(
      Object.fromEntries(names.map((n, k) => [member.head[n]!.name, gHead[k]!])),
    );
    lossValue = value.dataSync()[0]!;
    return gBag!.dataSync() as Float32Array;
  });
  const { rows, grads } = bagBackward(dBag, member.cols, batch);
  member.tableAdam.apply(rows, grads);
  return lossValue;
}
