import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tf, tfReady } from '../../src/models/tf.js';
import type { TextClassifier } from '../../src/models/text/classifier.js';
import { featurize } from '../../src/models/text/featurize.js';
import { loadTextModel, MODEL_FILES, saveTextModel } from '../../src/models/text/model-folder.js';
import {
  ensembleProbs,
  fuseHeads,
  headLogits,
  hostWeights,
  initHead,
  type Architecture,
} from '../../src/models/text/network.js';
import {
  buildVocabulary,
  encodeRow,
  flattenRows,
  padRows,
  RowEncoder,
} from '../../src/models/text/vocabulary.js';
import { fuseTable } from '../../src/training/text/fit-members.js';
import { bagForward } from '../../src/training/text/sparse-bag.js';
import { trainTextClassifier } from '../../src/training/text/index.js';
import { TINY_OPTIONS, tinyIntentRecords } from './text-fixtures.js';

let model: TextClassifier;
const dirs: string[] = [];
const tmp = () => {
  const d = mkdtempSync(join(tmpdir(), 'dialwise-text-'));
  dirs.push(d);
  return d;
};

beforeAll(async () => {
  await tfReady();
  ({ model } = await trainTextClassifier(tinyIntentRecords(), TINY_OPTIONS));
});

afterAll(() => {
  model.dispose();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describe('trained text classifier', () => {
  it('learns the tiny set in both languages', () => {
    const preds = model.predict(['what is my balance today', '我的卡丢了', 'hello there']);
    expect(preds.map((p) => p.label)).toEqual(['balance', 'card_lost', 'greeting']);
    for (const p of preds) expect(p.confidence).toBeGreaterThan(0.5);
  });

  it('gives the same answer one at a time and in a batch', () => {
    const texts = ['transfer cash to another account', '查一下账户余额', 'xyz'];
    const batch = model.predict(texts);
    texts.forEach((t, i) => expect(model.predictOne(t)).toEqual(batch[i]));
  });

  it('trains reproducibly: same data and seed, same weights; another seed differs', async () => {
    const texts = tinyIntentRecords().map((r) => r.text);
    const again = await trainTextClassifier(tinyIntentRecords(), TINY_OPTIONS);
    const other = await trainTextClassifier(tinyIntentRecords(), { ...TINY_OPTIONS, seed: 2 });
    try {
      expect(again.model.probabilities(texts)).toEqual(model.probabilities(texts));
      expect(other.model.probabilities(texts)).not.toEqual(model.probabilities(texts));
    } finally {
      again.model.dispose();
      other.model.dispose();
    }
  });

  it('records what it needs to be reproduced', () => {
    expect(model.meta.labels).toEqual(['balance', 'card_lost', 'greeting', 'transfer']);
    expect(model.meta.data.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(model.meta.data.records).toBe(tinyIntentRecords().length);
    expect(model.meta.threshold).toBeGreaterThan(0);
    expect(model.meta.metrics).toHaveProperty('heldOut.accuracy');
  });

  it('flags text unlike any training example as out of scope', () => {
    const gibberish = model.predict(['qqq zzz', '', '火星天气预报']);
    for (const p of gibberish) expect(p.outOfScope).toBe(true);
    expect(model.predictOne('what is my balance').outOfScope).toBe(false);
  });

  it('leaks no tensors when predicting', () => {
    model.predict(['warm up']);
    const before = tf.memory().numTensors;
    model.predict(['what is my balance', '我要转账', '']);
    model.predictOne('hello');
    model.probabilities(Array.from({ length: 700 }, (_, i) => `text ${i}`));
    expect(tf.memory().numTensors).toBe(before);
  });

  it('predicts identically after a save/load round trip', async () => {
    const dir = tmp();
    await saveTextModel(model, dir);
    const loaded = await loadTextModel(dir);
    const texts = tinyIntentRecords().map((r) => r.text);
    expect(loaded.meta).toEqual(model.meta);
    expect(loaded.probabilities(texts)).toEqual(model.probabilities(texts));
    const n = tf.memory().numTensors;
    loaded.dispose();
    expect(tf.memory().numTensors).toBe(n - Object.keys(loaded.weights).length);
  });

  it('refuses a folder from another featurizer version or with damaged weights', async () => {
    const dir = tmp();
    await saveTextModel(model, dir);
    const metaPath = join(dir, MODEL_FILES.meta);
    const meta = JSON.parse(readFileSync(metaPath, 'utf8'));
    writeFileSync(
      metaPath,
      JSON.stringify({ ...meta, featurizer: { ...meta.featurizer, version: 'x' } }),
    );
    await expect(loadTextModel(dir)).rejects.toThrow(/featurizer/);
    writeFileSync(metaPath, JSON.stringify(meta));
    const weights = readFileSync(join(dir, MODEL_FILES.weights));
    writeFileSync(join(dir, MODEL_FILES.weights), weights.subarray(0, weights.length - 4));
    await expect(loadTextModel(dir)).rejects.toThrow(/weights\.bin holds/);
  });
});

describe('explicit out-of-scope class', () => {
  it('predicts oos for texts like the oos examples', async () => {
    const oos = ['what is the weather', 'tell me a joke', 'who won the game', 'play some music'];
    const records = [
      ...tinyIntentRecords(),
      ...oos.flatMap((t) => ['', ' please', ' now'].map((s) => ({ text: t + s, label: 'oos' }))),
    ];
    const { model: m } = await trainTextClassifier(records, TINY_OPTIONS);
    try {
      expect(m.meta.oosLabel).toBe('oos');
      const p = m.predictOne('tell me a joke please');
      expect(p).toMatchObject({ label: 'oos', outOfScope: true });
      expect(m.predictOne('i lost my card').outOfScope).toBe(false);
    } finally {
      m.dispose();
    }
  });
});

describe('embedding bag', () => {
  it('training and inference compute the same bag (a linear head with no bias: softmax of the bag)', () => {
    const docs = ['my card is lost', '', '我要转账 now', 'card card card'].map((t) => featurize(t));
    const vocab = buildVocabulary(docs, { minDf: 1, maxFeatures: 1000 });
    const rows = docs.map((d) => encodeRow(vocab, d));
    const cols = 3;
    const table = Float32Array.from({ length: vocab.features.length * cols }, (_, i) =>
      Math.sin(i),
    );
    const expected = bagForward(table, cols, padRows(rows));
    // Inference folds IDF into the table and appends the zero row.
    const folded = new Float32Array(table.length + cols);
    table.forEach((v, i) => (folded[i] = v * vocab.idf[Math.floor(i / cols)]!));
    const weights = { embed: folded, bias: new Float32Array(cols) };
    const got = ensembleProbs(
      { kind: 'linear' },
      1,
      cols,
      weights,
      flattenRows(rows, vocab.features.length),
    );
    const want = tf.tidy(() => tf.softmax(tf.tensor2d(expected, [rows.length, cols])).dataSync());
    expect(got.length).toBe(want.length);
    got.forEach((v, i) => expect(v).toBeCloseTo(want[i]!, 5));
    expect(Array.from(got.slice(cols, 2 * cols))).toEqual([1 / 3, 1 / 3, 1 / 3].map(Math.fround)); // the empty text
  });

  it('the streaming RowEncoder of inference matches encodeRow of training', () => {
    const texts = ['my card card is lost', '', '我要转账 我要', 'unknown zzz'];
    const vocab = buildVocabulary(
      texts.slice(0, 3).map((t) => featurize(t)),
      { minDf: 1, maxFeatures: 1000 },
    );
    const enc = new RowEncoder(vocab);
    for (const t of [...texts, ...texts]) {
      enc.begin();
      for (const f of featurize(t)) enc.add(f);
      expect(enc.finish()).toEqual(encodeRow(vocab, featurize(t)));
    }
  });

  it('weighs a repeated feature once and normalises each text', () => {
    const vocab = buildVocabulary([['w:a', 'w:b'], ['w:a']], { minDf: 1, maxFeatures: 10 });
    const row = encodeRow(vocab, ['w:a', 'w:a', 'w:b', 'w:unknown']);
    expect(row.ids.length).toBe(2);
    expect(Math.hypot(...row.weights)).toBeCloseTo(1, 6);
    expect(encodeRow(vocab, [])).toEqual({
      ids: new Int32Array(0),
      weights: new Float32Array(0),
      scale: 0,
    });
  });
});

describe('fused ensemble', () => {
  it.each<Architecture>([{ kind: 'mlp', hidden: 4 }, { kind: 'linear' }])(
    '%j: one fused pass equals the mean of the members run one by one',
    (arch) => {
      const docs = ['lost card', 'my balance', '转账给朋友', ''].map((t) => featurize(t));
      const vocab = buildVocabulary(docs, { minDf: 1, maxFeatures: 1000 });
      const rows = docs.map((d) => encodeRow(vocab, d));
      const labels = 3;
      const members = 2;
      const cols = arch.kind === 'mlp' ? arch.hidden : labels;
      const V = vocab.features.length;
      const tables = [0, 1].map((m) =>
        Float32Array.from({ length: V * cols }, (_, i) => Math.sin(i * (m + 1))),
      );
      const heads = [0, 1].map((m) => initHead(arch, labels, m + 3));
      // Distinct biases per member, so a mix-up of members would show.
      heads.forEach((h, m) => {
        const name = arch.kind === 'linear' ? 'bias' : 'bias2';
        h[name]!.dispose();
        h[name] = tf.fill([labels], m * 0.5 - 0.2);
      });
      const fusedTable = new Float32Array((V + 1) * cols * members);
      tables.forEach((t, m) => fuseTable(fusedTable, t, m, members, cols, vocab.idf));
      const weights = {
        embed: tf.tensor2d(fusedTable, [V + 1, cols * members]),
        ...fuseHeads(arch, heads),
      };
      const flat = ensembleProbs(
        arch,
        members,
        labels,
        hostWeights(arch, weights),
        flattenRows(rows, V),
      );
      const fused = rows.map((_, i) => Array.from(flat.subarray(i * labels, (i + 1) * labels)));
      const oneByOne = tf.tidy(() => {
        const probs = tables.map((t, m) => {
          const bag = tf.tensor2d(bagForward(t, cols, padRows(rows)), [rows.length, cols]);
          return tf.softmax(headLogits(arch, heads[m]!, bag));
        });
        return tf.div(tf.addN(probs), members).arraySync() as number[][];
      });
      fused.forEach((row, i) => row.forEach((p, j) => expect(p).toBeCloseTo(oneByOne[i]![j]!, 5)));
      for (const t of [...Object.values(weights), ...heads.flatMap((h) => Object.values(h))])
        t.dispose();
    },
  );
});
