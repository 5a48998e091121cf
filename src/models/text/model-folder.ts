import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { tf, tfReady } from '../tf.js';
import { TextClassifier } from './classifier.js';
import { FEATURIZER_VERSION } from './featurize.js';
import { modelMetaSchema } from './model-meta.js';
import { weightNames, type Weights } from './network.js';
import { makeVocabulary } from './vocabulary.js';

/**
 * A saved model is a folder: model.json (metadata: labels, featurizer,
 * thresholds, metrics, data hash), vocab.json (features and IDF) and
 * weights.bin (float32 tensors, little-endian, in the order model.json lists;
 * network.ts describes the fused ensemble layout).
 */
export const MODEL_FILES = { meta: 'model.json', vocab: 'vocab.json', weights: 'weights.bin' };

const vocabFileSchema = z.object({ features: z.array(z.string()), idf: z.array(z.number()) });

export async function saveTextModel(model: TextClassifier, dir: string): Promise<void> {
  await mkdir(dir, { recursive: true });
  const parts = weightNames(model.meta.architecture).map(
    (name) => model.weights[name]!.dataSync() as Float32Array,
  );
  const bytes = Buffer.concat(parts.map((p) => Buffer.from(p.buffer, p.byteOffset, p.byteLength)));
  await writeFile(join(dir, MODEL_FILES.weights), bytes);
  const vocab = { features: model.vocab.features, idf: Array.from(model.vocab.idf) };
  await writeFile(join(dir, MODEL_FILES.vocab), JSON.stringify(vocab));
  await writeFile(join(dir, MODEL_FILES.meta), JSON.stringify(model.meta, null, 2) + '\n');
}

export async function loadTextModel(dir: string): Promise<TextClassifier> {
  await tfReady();
  const raw: unknown = JSON.parse(await readFile(join(dir, MODEL_FILES.meta), 'utf8'));
  const version = (raw as { featurizer?: { version?: unknown } })?.featurizer?.version;
  if (version !== FEATURIZER_VERSION)
    throw new Error(`${dir}: featurizer ${String(version)}, this build has ${FEATURIZER_VERSION}`);
  const meta = modelMetaSchema.parse(raw);
  const v = vocabFileSchema.parse(JSON.parse(await readFile(join(dir, MODEL_FILES.vocab), 'utf8')));
  if (v.features.length !== meta.vocabSize) throw new Error(`${dir}: vocabulary size mismatch`);
  const names = weightNames(meta.architecture);
  if (meta.tensors.map((t) => t.name).join() !== names.join())
    throw new Error(`${dir}: expected tensors ${names.join(', ')}`);
  const buf = await readFile(join(dir, MODEL_FILES.weights));
  // Copy into an aligned buffer: Node's file buffers may start at any byte offset.
  const floats = new Float32Array(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.length));
  const sizes = meta.tensors.map((t) => t.shape.reduce((a, b) => a * b, 1));
  if (sizes.reduce((a, b) => a + b, 0) !== floats.length)
    throw new Error(
      `${dir}: weights.bin holds ${floats.length} floats, model.json lists ${sizes.reduce((a, b) => a + b, 0)}`,
    );
  const weights: Weights = {};
  let offset = 0;
  meta.tensors.forEach((spec, i) => {
    weights[spec.name] = tf.tensor(
      floats.subarray(offset, offset + sizes[i]!),
      spec.shape,
      'float32',
    );
    offset += sizes[i]!;
  });
  return new TextClassifier(meta, makeVocabulary(v.features, v.idf), weights);
}

/** A saved model's labels, read from its model.json alone (no weights loaded). */
export async function savedModelLabels(dir: string): Promise<readonly string[]> {
  const raw = JSON.parse(await readFile(join(dir, MODEL_FILES.meta), 'utf8')) as {
    labels?: unknown;
  };
  return modelMetaSchema.shape.labels.parse(raw.labels);
}
