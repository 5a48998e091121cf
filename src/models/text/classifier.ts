import { forEachFeature } from './featurize.js';
import type { ModelMeta } from './model-meta.js';
import { ensembleProbs, hostWeights, type HostWeights, type Weights } from './network.js';
import { flattenRows, RowEncoder, type Vocabulary } from './vocabulary.js';

/** Texts per forward pass: bounds the memory of a huge batch's features. */
const CHUNK = 512;

export interface TextPrediction {
  label: string;
  /** Probability of `label`, 0..1. */
  confidence: number;
  /** The explicit OOS class won, or the confidence fell below the calibrated threshold. */
  outOfScope: boolean;
}

/** Applies the OOS rule to one probability row: a pure function, tested with tables. */
export function decide(
  probs: ArrayLike<number>,
  labels: readonly string[],
  threshold: number,
  oosLabel: string | null,
): TextPrediction {
  let best = 0;
  for (let j = 1; j < labels.length; j++) if (probs[j]! > probs[best]!) best = j;
  const label = labels[best]!;
  const confidence = probs[best]!;
  return { label, confidence, outOfScope: label === oosLabel || confidence < threshold };
}

/**
 * A trained text classifier: plain data (metadata, vocabulary, weight
 * tensors) plus pure inference, which runs on a plain copy of the weights
 * (`ensembleProbs`). The tensors, which training made and saving writes,
 * live until `dispose()`.
 */
export class TextClassifier {
  private readonly encoder: RowEncoder;
  private readonly host: HostWeights;

  constructor(
    readonly meta: ModelMeta,
    readonly vocab: Vocabulary,
    readonly weights: Weights,
  ) {
    this.encoder = new RowEncoder(vocab);
    this.host = hostWeights(meta.architecture, weights);
  }

  get labels(): readonly string[] {
    return this.meta.labels;
  }

  /** Probabilities, row-major [texts.length × labels.length]. */
  probabilities(texts: readonly string[]): Float32Array {
    const n = this.labels.length;
    const out = new Float32Array(texts.length * n);
    const rows = texts.map((t) => {
      this.encoder.begin();
      forEachFeature(t, this.meta.featurizer, this.encoder.add);
      return this.encoder.finish();
    });
    for (let start = 0; start < rows.length; start += CHUNK) {
      const batch = flattenRows(rows.slice(start, start + CHUNK), this.vocab.features.length);
      const { architecture, members } = this.meta;
      out.set(ensembleProbs(architecture, members, n, this.host, batch), start * n);
    }
    return out;
  }

  /** Batch prediction: one featurize/encode and one forward pass for all texts. */
  predict(texts: readonly string[], threshold = this.meta.threshold): TextPrediction[] {
    return this.decideAll(this.probabilities(texts), threshold);
  }

  /** The predictions of probability rows as `probabilities` gives them. */
  decideAll(probs: Float32Array, threshold = this.meta.threshold): TextPrediction[] {
    const n = this.labels.length;
    return Array.from({ length: probs.length / n }, (_, i) =>
      decide(probs.subarray(i * n, (i + 1) * n), this.labels, threshold, this.meta.oosLabel),
    );
  }

  predictOne(text: string): TextPrediction {
    return this.predict([text])[0]!;
  }

  dispose(): void {
    for (const t of Object.values(this.weights)) t.dispose();
  }
}
