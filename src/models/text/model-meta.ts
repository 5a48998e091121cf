import { z } from 'zod';
import { featurizerConfigSchema } from './featurize.js';

/**
 * The saved text model's metadata (model.json), validated on load: a folder
 * written by another version fails with the field that is wrong, not with a
 * shape error deep inside TensorFlow.
 */
export const MODEL_FORMAT = 'dialwise-text-classifier';
export const MODEL_FORMAT_VERSION = 1;

const architectureSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('linear') }),
  z.object({ kind: z.literal('mlp'), hidden: z.number().int().positive() }),
]);

const tensorSpecSchema = z.object({
  name: z.string(),
  shape: z.array(z.number().int().nonnegative()),
});

export const modelMetaSchema = z.object({
  format: z.literal(MODEL_FORMAT),
  formatVersion: z.literal(MODEL_FORMAT_VERSION),
  /** What the model is for, e.g. "intent" or "emotion". */
  task: z.string().min(1),
  labels: z.array(z.string().min(1)).min(2),
  /** The label of an explicit out-of-scope class, when the training data had one. */
  oosLabel: z.string().nullable(),
  /** A top confidence below this means out of scope; 0 turns the threshold off. */
  threshold: z.number().min(0).max(1),
  featurizer: featurizerConfigSchema,
  vocabSize: z.number().int().positive(),
  architecture: architectureSchema,
  /** Ensemble members, fused into these tensors (network.ts), in this order in weights.bin. */
  members: z.number().int().positive(),
  tensors: z.array(tensorSpecSchema).min(1),
  /** Held-out metrics measured at training time (free-form JSON). */
  metrics: z.record(z.string(), z.unknown()),
  training: z.record(z.string(), z.unknown()),
  data: z.object({ sha256: z.string().regex(/^[0-9a-f]{64}$/), records: z.number().int() }),
  createdAt: z.iso.datetime(),
});
export type ModelMeta = z.infer<typeof modelMetaSchema>;
