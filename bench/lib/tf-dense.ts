import { tf, tfReady } from '../../src/models/tf.js';

/**
 * TF.js fits kept only to compare against (bench/propensity.ts --tf): the
 * same logistic regression by full-batch Adam, and a one-hidden-layer MLP.
 * They decided the shipped recipe: Newton's method matches TF.js logistic
 * regression to the third decimal of AUC in a fiftieth of the time, and the
 * MLPs do no better on the real dialogues, gaining only on the simulator by
 * learning its scripted lines — so the saved model stays a dot product.
 */
export interface TfDenseOptions {
  /** 0: logistic regression; otherwise the hidden ReLU units. */
  hidden: number;
  l2: number;
  epochs: number;
  learningRate: number;
}

export async function fitTfDense(
  x: readonly (readonly number[])[],
  y: readonly boolean[],
  o: TfDenseOptions,
): Promise<{ predict: (z: readonly (readonly number[])[]) => number[]; dispose: () => void }> {
  await tfReady();
  const d = x[0]?.length ?? 0;
  const reg = () => tf.regularizers.l2({ l2: o.l2 });
  const model = tf.sequential();
  if (o.hidden > 0)
    model.add(
      tf.layers.dense({
        units: o.hidden,
        activation: 'relu',
        inputShape: [d],
        kernelRegularizer: reg(),
      }),
    );
  model.add(
    tf.layers.dense({
      units: 1,
      activation: 'sigmoid',
      kernelRegularizer: reg(),
      ...(o.hidden > 0 ? {} : { inputShape: [d] }),
    }),
  );
  model.compile({ optimizer: tf.train.adam(o.learningRate), loss: 'binaryCrossentropy' });
  const xs = tf.tensor2d(x as number[][], [x.length, d]);
  const ys = tf.tensor2d(
    y.map((v) => [v ? 1 : 0]),
    [y.length, 1],
  );
  try {
    await model.fit(xs, ys, { epochs: o.epochs, batchSize: x.length, verbose: 0 });
  } finally {
    xs.dispose();
    ys.dispose();
  }
  return {
    predict: (z) =>
      tf.tidy(() =>
        Array.from(
          (model.predict(tf.tensor2d(z as number[][], [z.length, d])) as tf.Tensor).dataSync(),
        ),
      ),
    dispose: () => model.dispose(),
  };
}
