/**
 * Text model benchmarks: train on the train split, test on the test split.
 *
 *   npx tsx bench/models.ts [intent-banking77|intent-clinc150|intent-crosswoz|
 *                            emotion-goemotions|emotion-cped|all] [--set '{"epochs":8}']
 *
 * Prints a JSON result per benchmark and writes bench/results/models-<name>.json:
 * accuracy, macro-F1, per-class F1, OOS precision/recall (clinc150), training
 * seconds, single-utterance latency p50/p99 (one core: Node's main thread,
 * wasm without threads), batch throughput at 256, model size, and the
 * published figure from the dataset's SOURCE.txt. `--set` overrides training
 * settings (docs/models.md lists the variants tried). Run under `nice -n 19`
 * on shared machines. Datasets come from DIALWISE_DATASETS_DIR or ../shared/datasets.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { datasetsDir, loadTextDataset } from '../src/datasets/text/index.js';
import type { TextRecord } from '../src/datasets/text-record.js';
import { tfReady } from '../src/models/tf.js';
import { loadTextModel, saveTextModel } from '../src/models/text/model-folder.js';
import {
  evaluateTextModel,
  calibrateThreshold,
  multiLabelMacroF1,
  oosMetrics,
  setMicroF1,
  TASK_SETTINGS,
  type TextTask,
  DEFAULT_TRAIN_OPTIONS,
  trainTextClassifier,
} from '../src/training/text/index.js';

interface Bench {
  task: TextTask;
  dataset: string;
  train: string;
  /** Held-out split for the threshold; default: 10% of train. */
  val?: string;
  test: string;
  /** The comparable published figure (see SOURCE.txt for the source). */
  published: Record<string, number | string>;
  /** Train without the `oos` examples too: threshold-only OOS detection. */
  compareWithoutOos?: boolean;
}

const BENCHES: Record<string, Bench> = {
  'intent-banking77': {
    task: 'intent',
    dataset: 'banking77',
    train: 'banking77:train',
    test: 'banking77:test',
    published: { accuracy: 0.9336, model: 'BERT-tuned (Casanueva et al. 2020)' },
  },
  'intent-clinc150': {
    task: 'intent',
    dataset: 'clinc150',
    train: 'clinc150:train',
    val: 'clinc150:val',
    test: 'clinc150:test',
    published: { inScopeAccuracy: 0.96, model: 'BERT, full (Larson et al. 2019), ~96-97%' },
    compareWithoutOos: true,
  },
  'intent-crosswoz': {
    task: 'intent',
    dataset: 'crosswoz',
    train: 'crosswoz:val',
    test: 'crosswoz:test',
    published: {
      note: 'BERTNLU dialog-act F1 95.53 (with context) / 91.85 (without) scores full acts with slots and values and trains on 5012 dialogues; not comparable to act-set accuracy trained on the 500-dialogue val split',
    },
  },
  'emotion-goemotions': {
    task: 'emotion',
    dataset: 'goemotions',
    train: 'goemotions:train',
    val: 'goemotions:dev',
    test: 'goemotions:test',
    published: { macroF1: 0.64, model: 'BERT-base, Ekman (Demszky et al. 2020); monologg 0.6238' },
  },
  'emotion-cped': {
    task: 'emotion',
    dataset: 'cped',
    train: 'cped:valid',
    test: 'cped:test',
    published: { note: 'CPED paper ERC baselines; SOURCE.txt: exact numbers not verified' },
  },
};

const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: { set: { type: 'string' } },
});
const which = positionals[0] ?? 'all';
const names = which === 'all' ? Object.keys(BENCHES) : [which];
for (const n of names)
  if (!BENCHES[n]) throw new Error(`unknown benchmark ${n}: ${Object.keys(BENCHES)}`);
const overrides = values.set ? (JSON.parse(values.set) as Record<string, unknown>) : {};

const dirBytes = (dir: string): number =>
  readdirSync(dir).reduce((s, f) => s + statSync(join(dir, f)).size, 0);

const publishedLine = (dataset: string): string =>
  readFileSync(join(datasetsDir(), dataset, 'SOURCE.txt'), 'utf8')
    .split('\n')
    .find((l) => l.startsWith('Published score:')) ?? '';

async function trainAndTest(
  b: Bench,
  train: TextRecord[],
  val: TextRecord[] | undefined,
  test: TextRecord[],
) {
  const opts = { ...DEFAULT_TRAIN_OPTIONS, ...TASK_SETTINGS[b.task], task: b.task, ...overrides };
  const trained = await trainTextClassifier(train, opts, val);
  const dir = mkdtempSync(join(tmpdir(), 'dialwise-bench-'));
  await saveTextModel(trained.model, dir);
  trained.model.dispose();
  // Test the model as saved: the round trip is part of what is measured.
  const model = await loadTextModel(dir);
  const evaluation = evaluateTextModel(model, test, { latencySamples: 2000 });
  const extra: Record<string, unknown> = {};
  // Other operating points: thresholds calibrated on the same held-out data
  // for other false-flag budgets, each scored on test.
  if (test.some((r) => r.label === 'oos'))
    extra.operatingPoints = [0.01, 0.02, 0.05, 0.1].map((maxFalseFlag) => {
      const threshold = calibrateThreshold(trained.calibration, maxFalseFlag);
      const o = oosMetrics(
        test.map((r) => r.label),
        model.predict(
          test.map((r) => r.text),
          threshold,
        ),
        'oos',
      );
      return { maxFalseFlag, threshold: Math.round(threshold * 1e4) / 1e4, ...o };
    });
  const preds = model.predict(test.map((r) => r.text));
  // CrossWOZ labels are act sets: per-act micro-F1 gives partial credit.
  if (test.some((r) => r.label.includes('+')))
    extra.actMicroF1 = setMicroF1(
      test.map((r) => r.label),
      preds.map((p) => p.label),
    );
  if (test.some((r) => r.labels && r.labels.length > 1)) {
    extra.multiLabelMacroF1 = multiLabelMacroF1(
      test.map((r) => r.labels ?? [r.label]),
      preds.map((p) => [p.label]),
      model.labels,
    );
  }
  const result = {
    trainSeconds: Math.round(trained.seconds * 10) / 10,
    modelBytes: dirBytes(dir),
    vocabSize: model.meta.vocabSize,
    threshold: Math.round(model.meta.threshold * 1e4) / 1e4,
    settings: opts,
    ...extra,
    ...evaluation,
  };
  model.dispose();
  rmSync(dir, { recursive: true, force: true });
  return result;
}

const backend = await tfReady();
for (const name of names) {
  const b = BENCHES[name]!;
  const [train, test] = await Promise.all([loadTextDataset(b.train), loadTextDataset(b.test)]);
  const val = b.val ? await loadTextDataset(b.val) : undefined;
  const main = await trainAndTest(b, train, val, test);
  const withoutOos = b.compareWithoutOos
    ? await trainAndTest(
        b,
        train.filter((r) => r.label !== 'oos'),
        val,
        test,
      )
    : undefined;
  const result = {
    bench: name,
    task: b.task,
    train: `${b.train} (${train.length})`,
    test: `${b.test} (${test.length})`,
    labels: new Set(train.map((r) => r.label)).size,
    published: { ...b.published, source: publishedLine(b.dataset) },
    ...main,
    ...(withoutOos && {
      thresholdOnly: {
        note: 'same settings, trained without the oos examples: OOS by confidence threshold alone',
        accuracy: withoutOos.accuracy,
        macroF1: withoutOos.macroF1,
        oos: withoutOos.oos,
        threshold: withoutOos.threshold,
        trainSeconds: withoutOos.trainSeconds,
      },
    }),
    backend,
    node: process.version,
    cpu: cpus()[0]?.model ?? 'unknown',
    cores: cpus().length,
    at: new Date().toISOString(),
  };
  const { perClass, ...brief } = result;
  console.log(
    JSON.stringify({ ...brief, perClass: `${Object.keys(perClass).length} classes` }, null, 2),
  );
  writeFileSync(
    join('bench', 'results', `models-${name}.json`),
    JSON.stringify(result, null, 2) + '\n',
  );
}
