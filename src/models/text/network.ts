import { tf } from '../tf.js';
import type { FlatBatch } from './vocabulary.js';

/**
 * The classifier network: an embedding bag over sparse TF-IDF features (a
 * sparse × dense product), then either straight to the labels (`linear`) or
 * through one ReLU layer (`mlp`); an ensemble of M seeds, probabilities
 * averaged. Members are stored fused, so one forward pass is ~12 ops whatever
 * M is (per-op dispatch, not arithmetic, dominates single-utterance latency):
 *
 *   embed  [vocab + 1, M·W]  member m's columns at [m·W, (m+1)·W); rows times
 *                            their IDF; the last row zeros (texts with no known feature)
 *   linear: bias  [M·C]                 (W = C, the labels)
 *   mlp:    bias1 [M·H], dense [M, H, C], bias2 [M, 1, C]   (W = H)
 */
export type Architecture = { kind: 'linear' } | { kind: 'mlp'; hidden: number };

export type Weights = Record<string, tf.Tensor>;

export const weightNames = (arch: Architecture): string[] =>
  arch.kind === 'linear' ? ['embed', 'bias'] : ['embed', 'bias1', 'dense', 'bias2'];

export const bagWidth = (arch: Architecture, labels: number): number =>
  arch.kind === 'linear' ? labels : arch.hidden;

const get = (w: Weights, name: string): tf.Tensor => {
  const t = w[name];
  if (!t) throw new Error(`model weights lack "${name}"`);
  return t;
};

/** One member's head for training: linear {bias [C]}, mlp {bias1 [H], dense [H, C], bias2 [C]}. */
export function initHead(arch: Architecture, labels: number, seed: number): Weights {
  if (arch.kind === 'linear') return { bias: tf.zeros([labels]) };
  const limit = Math.sqrt(6 / (arch.hidden + labels));
  return {
    bias1: tf.zeros([arch.hidden]),
    dense: tf.randomUniform([arch.hidden, labels], -limit, limit, 'float32', seed),
    bias2: tf.zeros([labels]),
  };
}

/**
 * One member's logits from its bag [rows × W], for training; the dropout mask
 * is drawn from `seed`, so a training run repeats exactly. Call inside tf.tidy.
 */
export function headLogits(
  arch: Architecture,
  head: Weights,
  bag: tf.Tensor2D,
  dropout = 0,
  seed?: number,
): tf.Tensor2D {
  if (arch.kind === 'linear') return tf.add(bag, get(head, 'bias'));
  let h = tf.relu(tf.add(bag, get(head, 'bias1')));
  if (dropout > 0) h = tf.dropout(h, dropout, undefined, seed);
  return tf.add(tf.matMul(h, get(head, 'dense') as tf.Tensor2D), get(head, 'bias2'));
}

/** Stacks trained member heads into the fused layout (the embed table is fused by the trainer). */
export function fuseHeads(arch: Architecture, heads: readonly Weights[]): Weights {
  const cat = (name: string) => tf.concat(heads.map((h) => get(h, name)));
  if (arch.kind === 'linear') return { bias: cat('bias') };
  return {
    bias1: cat('bias1'),
    dense: tf.stack(heads.map((h) => get(h, 'dense'))),
    bias2: tf.stack(heads.map((h) => tf.expandDims(get(h, 'bias2'), 0))),
  };
}

/** The fused weights as plain arrays, named as `weightNames` lists them: what inference reads. */
export type HostWeights = Record<string, Float32Array>;

export function hostWeights(arch: Architecture, w: Weights): HostWeights {
  return Object.fromEntries(
    weightNames(arch).map((name) => [name, Float32Array.from(get(w, name).dataSync())]),
  );
}

/**
 * Mean of the M members' softmax probabilities, row-major [rows × labels],
 * in plain arithmetic: the bag of a text is scale · Σ_j embed[ids_j] (IDF is
 * folded into the table, so this equals Σ_j weight_j · row_j of training),
 * then each member's head. For one utterance this is a few thousand
 * multiply-adds, where tfjs's per-op dispatch cost ~0.2 ms.
 */
export function ensembleProbs(
  arch: Architecture,
  members: number,
  labels: number,
  w: HostWeights,
  batch: FlatBatch,
): Float32Array {
  const width = bagWidth(arch, labels);
  const cols = members * width;
  const embed = w.embed!;
  const out = new Float32Array(batch.rows * labels);
  const bag = new Float64Array(cols);
  const logits = new Float64Array(labels);
  let at = 0;
  for (let r = 0; r < batch.rows; r++) {
    bag.fill(0);
    for (; at < batch.ids.length && batch.segments[at] === r; at++) {
      const base = batch.ids[at]! * cols;
      for (let k = 0; k < cols; k++) bag[k]! += embed[base + k]!;
    }
    const scale = batch.scales[r]!;
    for (let m = 0; m < members; m++) {
      if (arch.kind === 'linear') {
        const bias = w.bias!;
        for (let j = 0; j < labels; j++)
          logits[j] = bag[m * labels + j]! * scale + bias[m * labels + j]!;
      } else memberLogits(w, m, width, labels, bag, scale, logits);
      addSoftmax(logits, out, r * labels, 1 / members);
    }
  }
  return out;
}

/** An mlp member's logits: relu(bag · scale + bias1) · dense[m] + bias2[m]. */
function memberLogits(
  w: HostWeights,
  m: number,
  hidden: number,
  labels: number,
  bag: Float64Array,
  scale: number,
  logits: Float64Array,
): void {
  const bias1 = w.bias1!;
  const dense = w.dense!;
  const bias2 = w.bias2!;
  for (let j = 0; j < labels; j++) logits[j] = bias2[m * labels + j]!;
  for (let i = 0; i < hidden; i++) {
    const h = bag[m * hidden + i]! * scale + bias1[m * hidden + i]!;
    if (h <= 0) continue;
    const row = (m * hidden + i) * labels;
    for (let j = 0; j < labels; j++) logits[j]! += h * dense[row + j]!;
  }
}

/** Adds weight · softmax(logits) into out[from…]. */
function addSoftmax(logits: Float64Array, out: Float32Array, from: number, weight: number): void {
  let max = -Infinity;
  for (const x of logits) if (x > max) max = x;
  let sum = 0;
  for (let j = 0; j < logits.length; j++) sum += Math.exp(logits[j]! - max);
  for (let j = 0; j < logits.length; j++)
    out[from + j]! += (weight * Math.exp(logits[j]! - max)) / sum;
}
