/**
 * Adam for an embedding table, updating only the rows a batch touched
 * ("lazy" Adam, as TensorFlow's LazyAdamOptimizer). The table holds nearly all
 * parameters and a batch touches a few percent of its rows; a dense update
 * (tf.train.adam on the wasm backend) costs ~20 ms per million parameters per
 * step, which made training 10-20× slower. Plain typed arrays, no tensors.
 */
export class RowAdam {
  readonly m: Float32Array;
  readonly v: Float32Array;
  private step = 0;

  constructor(
    readonly table: Float32Array,
    readonly cols: number,
    readonly learningRate: number,
    readonly beta1 = 0.9,
    readonly beta2 = 0.999,
    readonly epsilon = 1e-7,
  ) {
    this.m = new Float32Array(table.length);
    this.v = new Float32Array(table.length);
  }

  /** Applies one step; `grads` holds the gradient of `rows[r]` at [r * cols, (r + 1) * cols). */
  apply(rows: ArrayLike<number>, grads: Float32Array): void {
    this.step++;
    const { beta1: b1, beta2: b2, cols, m, v, table } = this;
    const lr = (this.learningRate * Math.sqrt(1 - b2 ** this.step)) / (1 - b1 ** this.step);
    for (let r = 0; r < rows.length; r++) {
      const base = rows[r]! * cols;
      for (let k = 0; k < cols; k++) {
        const i = base + k;
        const gk = grads[r * cols + k]!;
        const mk = (m[i] = b1 * m[i]! + (1 - b1) * gk);
        const vk = (v[i] = b2 * v[i]! + (1 - b2) * gk * gk);
        table[i] = table[i]! - (lr * mk) / (Math.sqrt(vk) + this.epsilon);
      }
    }
  }
}
