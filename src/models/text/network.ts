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

/**
 * The bag of each text: scale · Σ_j embed[ids_j], [rows × columns]. With IDF
 * folded into the table this equals Σ_j weight_j · row_j of training. One
 * SparseSegmentSum: wasm's Gather costs ~0.4 µs per output element (24 ms
 * for one utterance at width 256), the segment sum 0.05 ms. Call inside tf.tidy.
 */
export function embeddingBag(embed: tf.Tensor, batch: FlatBatch): tf.Tensor2D {
  const sums = tf.sparse.sparseSegmentSum(
    embed,
    tf.tensor1d(batch.ids, 'int32'),
    tf.tensor1d(batch.segments, 'int32'),
  );
  return tf.mul(sums, tf.tensor2d(batch.scales, [batch.rows, 1])) as tf.Tensor2D;
}

/** Mean of the M members' softmax probabilities, [rows × labels]. Call inside tf.tidy. */
export function ensembleProbs(
  arch: Architecture,
  members: number,
  w: Weights,
  batch: FlatBatch,
): tf.Tensor2D {
  const rows = batch.rows;
  const bag = embeddingBag(get(w, 'embed'), batch);
  if (arch.kind === 'linear') {
    const logits = tf.reshape(tf.add(bag, get(w, 'bias')), [rows, members, -1]);
    return tf.mean(tf.softmax(logits), 1) as tf.Tensor2D;
  }
  const h = tf.relu(tf.add(bag, get(w, 'bias1')));
  const perMember = tf.transpose(tf.reshape(h, [rows, members, arch.hidden]), [1, 0, 2]);
  const logits = tf.add(
    tf.matMul(perMember as tf.Tensor3D, get(w, 'dense') as tf.Tensor3D),
    get(w, 'bias2'),
  );
  return tf.mean(tf.softmax(logits), 0) as tf.Tensor2D;
}
