/**
 * Feature strings → column ids, with an IDF weight each. A vocabulary rather
 * than feature hashing: no collisions, a readable vocab.json, and the table
 * only has rows for features seen in training (min_df prunes the rest);
 * unknown n-grams at inference cost a failed lookup.
 */
export interface Vocabulary {
  readonly features: readonly string[];
  readonly idf: Float32Array;
  readonly index: ReadonlyMap<string, number>;
}

export function makeVocabulary(features: readonly string[], idf: ArrayLike<number>): Vocabulary {
  if (features.length !== idf.length) throw new Error('vocabulary and idf lengths differ');
  return {
    features,
    idf: Float32Array.from(idf),
    index: new Map(features.map((f, i) => [f, i])),
  };
}

export interface VocabularyOptions {
  /** A feature must occur in this many training texts: rarer n-grams are mostly noise. */
  minDf: number;
  /** Keep at most this many features, the most frequent first. */
  maxFeatures: number;
}

/** Builds the vocabulary from featurized training texts. Deterministic: ties break by string. */
export function buildVocabulary(docs: readonly string[][], opts: VocabularyOptions): Vocabulary {
  const df = new Map<string, number>();
  for (const doc of docs) for (const f of new Set(doc)) df.set(f, (df.get(f) ?? 0) + 1);
  const kept = [...df.entries()]
    .filter(([, n]) => n >= opts.minDf)
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
    .slice(0, opts.maxFeatures);
  const n = docs.length;
  // Smoothed IDF (as scikit-learn's): a feature in every text still weighs 1, never 0.
  const idf = kept.map(([, d]) => Math.log((1 + n) / (1 + d)) + 1);
  return makeVocabulary(
    kept.map(([f]) => f),
    idf,
  );
}

/** One text: its known features once each, weight idf / norm (norm: L2 of its IDFs). */
export interface SparseRow {
  ids: Int32Array;
  weights: Float32Array;
  /** 1 / norm, so weights[j] = idf[ids[j]] * scale. */
  scale: number;
}

/**
 * Binary TF × IDF, L2-normalised per text, so long and short utterances land
 * on the same scale. Binary (a feature counts once) because inference sums
 * IDF-scaled table rows with one segment-sum kernel, which cannot weigh
 * repeats; measured on banking77 it is as accurate as sublinear TF.
 */
export function encodeRow(vocab: Vocabulary, doc: readonly string[]): SparseRow {
  const seen = new Set<number>();
  for (const f of doc) {
    const id = vocab.index.get(f);
    if (id !== undefined) seen.add(id);
  }
  const ids = Int32Array.from(seen);
  let norm = 0;
  for (const id of ids) norm += vocab.idf[id]! ** 2;
  const scale = norm > 0 ? 1 / Math.sqrt(norm) : 0;
  const weights = Float32Array.from(ids, (id) => vocab.idf[id]! * scale);
  return { ids, weights, scale };
}

/**
 * encodeRow for inference, one text after another with no per-text Set or
 * feature array: a stamp per vocabulary entry marks the features already
 * seen in the current text. Not re-entrant; one per model.
 */
export class RowEncoder {
  private readonly stamp: Uint32Array;
  private epoch = 0;
  private ids = new Int32Array(512);
  private n = 0;

  constructor(readonly vocab: Vocabulary) {
    this.stamp = new Uint32Array(vocab.features.length);
  }

  begin(): void {
    this.epoch++;
    this.n = 0;
  }

  readonly add = (feature: string): void => {
    const id = this.vocab.index.get(feature);
    if (id === undefined || this.stamp[id] === this.epoch) return;
    this.stamp[id] = this.epoch;
    if (this.n === this.ids.length) {
      const grown = new Int32Array(this.n * 2);
      grown.set(this.ids);
      this.ids = grown;
    }
    this.ids[this.n++] = id;
  };

  finish(): SparseRow {
    const ids = this.ids.slice(0, this.n);
    let norm = 0;
    for (const id of ids) norm += this.vocab.idf[id]! ** 2;
    const scale = norm > 0 ? 1 / Math.sqrt(norm) : 0;
    const weights = Float32Array.from(ids, (id) => this.vocab.idf[id]! * scale);
    return { ids, weights, scale };
  }
}

/** A training batch as a padded matrix of feature ids and weights; padding has weight 0. */
export interface PaddedBatch {
  ids: Int32Array;
  weights: Float32Array;
  rows: number;
  width: number;
}

/** Pads rows to one width; `keep` drops each feature with probability 1 - keep (n-gram dropout). */
export function padRows(rows: readonly SparseRow[], keep = 1, rand = Math.random): PaddedBatch {
  let width = 1;
  for (const r of rows) width = Math.max(width, r.ids.length);
  const ids = new Int32Array(rows.length * width);
  const weights = new Float32Array(rows.length * width);
  rows.forEach((r, i) => {
    ids.set(r.ids, i * width);
    if (keep >= 1) return weights.set(r.weights, i * width);
    for (let j = 0; j < r.weights.length; j++)
      weights[i * width + j] = rand() < keep ? r.weights[j]! / keep : 0;
  });
  return { ids, weights, rows: rows.length, width };
}

/**
 * An inference batch for a segment sum: all rows' ids end to end, the row of
 * each, and each row's scale. A text with no known feature points at the
 * table's extra zero row (`emptyId`), so every row has a segment.
 */
export interface FlatBatch {
  ids: Int32Array;
  segments: Int32Array;
  scales: Float32Array;
  rows: number;
}

export function flattenRows(rows: readonly SparseRow[], emptyId: number): FlatBatch {
  let n = 0;
  for (const r of rows) n += Math.max(1, r.ids.length);
  const ids = new Int32Array(n);
  const segments = new Int32Array(n);
  let at = 0;
  rows.forEach((r, i) => {
    if (r.ids.length === 0) ids[at] = emptyId;
    else ids.set(r.ids, at);
    const len = Math.max(1, r.ids.length);
    segments.fill(i, at, at + len);
    at += len;
  });
  return { ids, segments, scales: Float32Array.from(rows, (r) => r.scale), rows: rows.length };
}
