import type { PaddedBatch } from '../../models/text/vocabulary.js';

/**
 * The embedding bag in plain typed arrays, for training: forward (the bag of
 * each text) and backward (the gradient of each table row the batch touched).
 * Matches models/text/network.ts `embeddingBag`, which inference runs in tfjs.
 */
export function bagForward(table: Float32Array, cols: number, batch: PaddedBatch): Float32Array {
  const out = new Float32Array(batch.rows * cols);
  for (let b = 0; b < batch.rows; b++) {
    const o = b * cols;
    for (let j = 0; j < batch.width; j++) {
      const w = batch.weights[b * batch.width + j]!;
      if (w === 0) continue;
      const base = batch.ids[b * batch.width + j]! * cols;
      for (let k = 0; k < cols; k++) out[o + k] = out[o + k]! + w * table[base + k]!;
    }
  }
  return out;
}

/** Rows touched (with non-zero weight) and their summed gradients, row r at [r*cols, (r+1)*cols). */
export function bagBackward(
  dBag: Float32Array,
  cols: number,
  batch: PaddedBatch,
): { rows: Int32Array; grads: Float32Array } {
  const slot = new Map<number, number>();
  for (let i = 0; i < batch.ids.length; i++)
    if (batch.weights[i] !== 0 && !slot.has(batch.ids[i]!)) slot.set(batch.ids[i]!, slot.size);
  const grads = new Float32Array(slot.size * cols);
  for (let b = 0; b < batch.rows; b++) {
    for (let j = 0; j < batch.width; j++) {
      const w = batch.weights[b * batch.width + j]!;
      if (w === 0) continue;
      const base = slot.get(batch.ids[b * batch.width + j]!)! * cols;
      for (let k = 0; k < cols; k++) grads[base + k] = grads[base + k]! + w * dBag[b * cols + k]!;
    }
  }
  return { rows: Int32Array.from(slot.keys()), grads };
}
