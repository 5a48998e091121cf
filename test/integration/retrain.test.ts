import { randomUUID } from 'node:crypto';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPlatform, type Platform } from '../../src/app/index.js';
import { loadTestConfig } from '../helpers/config.js';
import { toJsonl, type TextRecord } from '../../src/datasets/text-record.js';
import { createMlflowClient } from '../../src/models/mlflow-client.js';
import { openRegistry } from '../../src/training/kinds.js';
import { loadTextModel } from '../../src/models/text/model-folder.js';
import { readCorrections } from '../../src/training/corrections.js';
import {
  retrain,
  type RetrainPlan,
  type RetrainSummary,
} from '../../src/training/retrain/index.js';
import { eventually } from '../helpers/eventually.js';
import { requireService } from '../helpers/services.js';
import { tmpDir } from '../helpers/tmp.js';
import { tinyIntentRecords } from '../unit/text-fixtures.js';

const uri = requireService('MLflow', 'MLFLOW_TRACKING_URI');
const dir = tmpDir('dialwise-retrain-');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const file = (name: string, records: TextRecord[]) => {
  const path = join(dir, name);
  writeFileSync(path, toJsonl(records));
  return path;
};

/** Frozen evaluation texts: the templates with words the training set never puts around them. */
const frozen = tinyIntentRecords()
  .filter((_, i) => i % 4 === 0)
  .map((r) => ({ text: `ok so ${r.text} for me`, label: r.label }));

const plan = (train: string, extra: Partial<RetrainPlan> = {}): RetrainPlan => ({
  schedule: null,
  gate: { minGain: 0.01, maxPartDrop: 0.05 },
  correctionWeight: 5,
  intent: {
    train,
    eval: file('eval.jsonl', frozen),
    epochs: 30,
    members: 1,
    hidden: 16,
    learningRate: 0.02,
    batchSize: 16,
    minDf: 1,
  },
  emotion: { train, eval: train },
  propensity: { simulatedCalls: 100, seed: 1 },
  optout: { train, eval: train },
  ...extra,
});

const silent = { step: () => undefined };

// v1 never saw "greeting"; v2 sees everything; v3 has balance and transfer labels swapped.
const weak = file(
  'weak.jsonl',
  tinyIntentRecords().filter((r) => r.label !== 'greeting'),
);
const full = file('full.jsonl', tinyIntentRecords());
const noisy = file(
  'noisy.jsonl',
  tinyIntentRecords().map((r) => ({
    ...r,
    label: r.label === 'balance' ? 'transfer' : r.label === 'transfer' ? 'balance' : r.label,
  })),
);

describe('weekly retraining: registry, promotion gate, MLflow', () => {
  const registry = openRegistry(join(dir, 'registry'));
  const mlflow = uri ? createMlflowClient(uri) : undefined;
  const runs: RetrainSummary[] = [];
  const job = (train: string) =>
    retrain(plan(train), ['intent'], {
      registry,
      mlflow,
      corrections: [],
      workDir: join(dir, `work-${randomUUID()}`),
      progress: silent,
    });

  beforeAll(async () => {
    for (const train of [weak, full, noisy]) runs.push(await job(train));
  }, 120_000);

  it('promotes the first model, then a better one, and refuses a worse one with reasons', async () => {
    const [v1, v2, v3] = runs.map((r) => r.models[0]!);
    expect(v1).toMatchObject({ version: 1, parent: null, promoted: true });
    expect(v1!.decision.reasons).toEqual(['no champion yet']);
    expect(v1!.challenger.parts.greeting).toBe(0);

    expect(v2).toMatchObject({ version: 2, parent: 1, promoted: true });
    expect(v2!.challenger.value).toBeGreaterThan(v1!.challenger.value + 0.01);
    expect(v2!.champion!.value).toBe(v1!.challenger.value);

    expect(v3).toMatchObject({ version: 3, parent: 2, promoted: false });
    expect(v3!.challenger.value).toBeLessThan(v2!.challenger.value);
    expect(v3!.decision.regressions.map((r) => r.part).sort()).toEqual(['balance', 'transfer']);
    expect(v3!.decision.reasons.join('\n')).toMatch(/class balance regressed/);

    expect(await registry.aliases('intent')).toEqual({ champion: 2, challenger: 3 });
    const versions = await registry.versions('intent');
    expect(versions.map((v) => v.parent)).toEqual([null, 1, 2]);
    expect(versions[0]!.dataSha256).not.toBe(versions[1]!.dataSha256);
    expect(versions[1]!.metrics.frozen_accuracy).toBe(v2!.challenger.value);
    // The data report travels with the version: the frozen set shares no text with training.
    const report = JSON.parse(
      readFileSync(join(registry.dir('intent', 2), 'data-report.json'), 'utf8'),
    );
    expect(report.leakage.count).toBe(0);
  });

  it.skipIf(!uri)(
    'records each run in MLflow: params, loss per epoch, model artifacts',
    async () => {
      const client = mlflow!;
      const v2 = runs[1]!.models[0]!;
      const meta = (await registry.versions('intent'))[1]!;
      const run = await client.getRun(meta.mlflow!.runId);
      expect(run.info.status).toBe('FINISHED');
      const params = Object.fromEntries(run.data.params!.map((p) => [p.key, p.value]));
      expect(params).toMatchObject({ train: full, epochs: '30', data_sha256: meta.dataSha256 });
      const loss = await client.metricHistory(meta.mlflow!.runId, 'train_loss');
      // one member, 30 epochs, trained twice (calibration fit, then the refit on all data)
      expect(loss).toHaveLength(60);
      expect(loss[29]!.value).toBeLessThan(loss[0]!.value);
      const files = (await client.listArtifacts(meta.mlflow!.runId, 'model')).map((f) => f.path);
      expect(files).toEqual(
        expect.arrayContaining([
          'model/model.json',
          'model/vocab.json',
          'model/weights.bin',
          'model/data-report.json',
        ]),
      );
      const downloaded = join(dir, 'downloaded-model.json');
      await client.downloadArtifact(meta.mlflow!.runId, 'model/model.json', downloaded);
      expect(readFileSync(downloaded, 'utf8')).toBe(
        readFileSync(join(registry.dir('intent', 2), 'model.json'), 'utf8'),
      );
      expect(v2.mlflow!.runUrl).toContain(meta.mlflow!.runId);
    },
  );

  it.skipIf(!uri)('mirrors versions and alias moves in the MLflow model registry', async () => {
    const client = mlflow!;
    const [v1, v2, v3] = runs.map((r) => r.models[0]!.mlflow!.version);
    // The shared server keeps versions from earlier test runs: compare relative to this run's.
    expect(Number(v2)).toBe(Number(v1) + 1);
    expect(Number(v3)).toBe(Number(v2) + 1);
    expect((await client.getVersionByAlias('dialwise-intent', 'champion'))!.version).toBe(v2);
    expect((await client.getVersionByAlias('dialwise-intent', 'challenger'))!.version).toBe(v3);
    const version = await client.getModelVersion('dialwise-intent', v2!);
    expect(version.run_id).toBe((await registry.versions('intent'))[1]!.mlflow!.runId);
    expect(version.source).toMatch(/^mlflow-artifacts:\/.+\/artifacts\/model$/);
  });
});

describe('corrections loop and live switch to a promoted champion', () => {
  let p: Platform;
  const registryDir = join(dir, 'live-registry');
  const question = 'could you tell me about the weather';
  const ev = (type: string, extra: Record<string, unknown>) => ({
    event_id: randomUUID(),
    type,
    ts: new Date().toISOString(),
    schema_version: 1,
    customer_id: 'cust-corr-1',
    call_id: 'call-corr-1',
    ...extra,
  });
  const send = async (events: object[]) => {
    await p.pipeline.process(events.map((e) => ({ source: 'test', value: JSON.stringify(e) })));
    await p.pipeline.flush();
  };
  const storedIntent = async (turn: number) =>
    (
      await p.store.query<{ intent: string }>(
        `SELECT intent FROM turns WHERE call_id = 'call-corr-1' AND turn = ?`,
        [turn],
      )
    )[0]?.intent;

  beforeAll(async () => {
    p = await startPlatform(
      loadTestConfig({
        env: {
          DIALWISE_PORT: '0',
          DIALWISE_DATA_DIR: join(dir, 'platform'),
          DIALWISE_REGISTRY_DIR: registryDir,
          DIALWISE_MODEL_POLL_MS: '100',
          DIALWISE_LOG_LEVEL: 'warn',
        },
      }),
    );
  });
  afterAll(() => p?.stop());

  it('switches the running pipeline to a newly promoted champion between batches', async () => {
    expect(p.models.sources().intent).toBe('baseline');
    await send([
      ev('call.started', {
        campaign_id: 'c',
        script_id: 's',
        script_version: 'v1',
        handled_by: 'bot',
        region: 'east',
        product_line: 'loans',
      }),
      ev('dialog.turn', {
        turn: 1,
        speaker: 'customer',
        text: 'what is my balance',
        asr_confidence: 0.9,
      }),
    ]);
    expect(await storedIntent(1)).not.toBe('balance'); // the keyword baseline has no such intent

    // Promote a model trained elsewhere (the tiny set): copy the earlier job's champion in.
    const live = openRegistry(registryDir);
    const source = openRegistry(join(dir, 'registry'));
    const meta = (await source.resolve('intent', 'champion'))!.meta;
    const v = await live.register('intent', source.dir('intent', meta.version), meta);
    await live.setAlias('intent', 'champion', v.version);
    await eventually(async () => expect(p.models.sources().intent).toBe(`v${v.version}`), 5_000);

    await send([
      ev('dialog.turn', {
        turn: 2,
        speaker: 'customer',
        text: 'what is my balance',
        asr_confidence: 0.9,
      }),
    ]);
    expect(await storedIntent(2)).toBe('balance');
  });

  it('learns from a correction submitted after the call: the prediction changes after retraining', async () => {
    const champion = await loadTextModel(join(registryDir, 'intent', '1'));
    const before = champion.predictOne(question).label;
    champion.dispose();
    const corrected = before === 'transfer' ? 'card_lost' : 'transfer';

    await send([
      ev('dialog.turn', { turn: 3, speaker: 'customer', text: question, asr_confidence: 0.9 }),
      ev('correction.submitted', {
        turn: 3,
        corrected_intent: corrected,
        submitted_by: 'agent-007',
      }),
    ]);
    const { records, skipped } = await readCorrections(p.store, 'retrain test');
    expect(skipped).toBe(0);
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({
      text: question,
      label: corrected,
      provenance: {
        call_id: 'call-corr-1',
        turn: 3,
        submitted_by: ['agent-007'],
        original_text: question,
        original_intent: before,
      },
    });
    const [audit] = await p.store.query<{ principal: string; target: string }>(
      `SELECT principal, target FROM audit_log WHERE action = 'read transcripts for training'`,
    );
    expect(audit).toEqual({ principal: 'retrain test', target: 'corrections: 1 turns' });

    const summary = await retrain(plan(full), ['intent'], {
      registry: openRegistry(registryDir),
      corrections: records,
      workDir: join(dir, 'work-corrections'),
      progress: silent,
    });
    expect(summary.models[0]!.data.corrections).toBe(1);
    const retrained = await loadTextModel(
      join(registryDir, 'intent', String(summary.models[0]!.version)),
    );
    expect(retrained.predictOne(question).label).toBe(corrected);
    expect(readFileSync(join(registryDir, 'intent', '2', 'corrections.jsonl'), 'utf8')).toContain(
      'agent-007',
    );
    retrained.dispose();
  });
});
