import { randomBytes, randomUUID } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DialwiseError } from '../../src/core/errors.js';
import { createMlflowClient, MlflowError } from '../../src/models/mlflow-client.js';
import { requireService } from '../helpers/services.js';
import { tmpDir } from '../helpers/tmp.js';

const uri = requireService('MLflow', 'MLFLOW_TRACKING_URI');

describe.skipIf(!uri)('MLflow tracking client (real server)', () => {
  const client = createMlflowClient(uri ?? 'unset: tests skipped');

  it('creates an experiment once and finds it again by name', async () => {
    const name = `dialwise-it-${randomUUID()}`;
    const id = await client.getOrCreateExperiment(name);
    expect(id).toMatch(/^\d+$/);
    expect(await client.getOrCreateExperiment(name)).toBe(id);
  });

  it('logs params and per-epoch metrics and reads them back', async () => {
    const exp = await client.getOrCreateExperiment(`dialwise-it-${randomUUID()}`);
    const runId = await client.createRun(exp, 'intent-smoke', { 'dialwise.model': 'intent' });
    await client.logBatch(runId, { params: { lr: 0.01, epochs: 3, data_hash: 'abc123' } });
    for (const [step, acc] of [0.61, 0.78, 0.86].entries()) {
      await client.logBatch(runId, { metrics: { accuracy: acc, loss: 1 - acc }, step });
    }
    await client.endRun(runId);

    const run = await client.getRun(runId);
    expect(run.info.status).toBe('FINISHED');
    expect(Object.fromEntries(run.data.params!.map((p) => [p.key, p.value]))).toEqual({
      lr: '0.01',
      epochs: '3',
      data_hash: 'abc123',
    });
    expect(run.data.metrics!.find((m) => m.key === 'accuracy')!.value).toBe(0.86);
    expect(run.data.tags!.find((t) => t.key === 'dialwise.model')!.value).toBe('intent');
    expect(await client.metricHistory(runId, 'accuracy')).toEqual([
      { value: 0.61, step: 0 },
      { value: 0.78, step: 1 },
      { value: 0.86, step: 2 },
    ]);
  });

  it('turns an MLflow 4xx into a non-retriable error with MLflow’s code', async () => {
    const err = await client.getRun('0'.repeat(32)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MlflowError);
    expect((err as MlflowError).retriable).toBe(false);
    expect((err as MlflowError).mlflowCode).toBe('RESOURCE_DOES_NOT_EXIST');
  });

  /** A finished run with a 2-file model folder (one file in a subfolder) uploaded under `model/`. */
  async function runWithModel() {
    const exp = await client.getOrCreateExperiment(`dialwise-it-${randomUUID()}`);
    const runId = await client.createRun(exp, 'artifact-smoke');
    const dir = tmpDir('dialwise-mlflow-');
    const weights = randomBytes(300_000); // every byte value, incl. 0x00 and invalid UTF-8
    const card = Buffer.from('{"labels":["意图","other"]}\n', 'utf8');
    mkdirSync(join(dir, 'sub dir'));
    writeFileSync(join(dir, 'card.json'), card);
    writeFileSync(join(dir, 'sub dir', 'weights.bin'), weights);
    const uploaded = await client.uploadArtifacts(runId, dir, 'model');
    await client.endRun(runId);
    const run = await client.getRun(runId);
    return { exp, runId, run, uploaded, weights, card };
  }

  it('uploads a folder as run artifacts, lists it and downloads a file byte-exact', async () => {
    const { exp, runId, run, uploaded, weights, card } = await runWithModel();
    expect(uploaded).toEqual(['card.json', 'sub dir/weights.bin']);
    expect(run.info.artifact_uri).toBe(`mlflow-artifacts:/${exp}/${runId}/artifacts`);

    expect(await client.listArtifacts(runId)).toEqual([{ path: 'model', is_dir: true }]);
    const model = await client.listArtifacts(runId, 'model');
    expect(model.sort((a, b) => a.path.localeCompare(b.path))).toEqual([
      { path: 'model/card.json', is_dir: false, file_size: card.length },
      { path: 'model/sub dir', is_dir: true },
    ]);
    expect(await client.listArtifacts(runId, 'model/sub dir')).toEqual([
      { path: 'model/sub dir/weights.bin', is_dir: false, file_size: weights.length },
    ]);

    const out = tmpDir('dialwise-mlflow-dl-');
    const dest = join(out, 'nested', 'weights.bin');
    await client.downloadArtifact(runId, 'model/sub dir/weights.bin', dest);
    expect(readFileSync(dest).equals(weights)).toBe(true);
    await client.downloadArtifact(runId, 'model/card.json', join(out, 'card.json'));
    expect(readFileSync(join(out, 'card.json')).equals(card)).toBe(true);

    const missing = await client
      .downloadArtifact(runId, 'model/nope.bin', join(out, 'nope.bin'))
      .catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(MlflowError);
    expect((missing as MlflowError).mlflowCode).toBe('RESOURCE_DOES_NOT_EXIST');
    expect((missing as MlflowError).retriable).toBe(false);

    expect(client.runUrl(exp, runId)).toBe(
      `${uri!.replace(/\/+$/, '')}/#/experiments/${exp}/runs/${runId}`,
    );
  });

  it('refuses artifact uploads for a run whose store is not behind the server’s proxy', async () => {
    // An experiment created with an explicit file: location bypasses --serve-artifacts.
    const res = await fetch(`${uri!.replace(/\/+$/, '')}/api/2.0/mlflow/experiments/create`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        name: `dialwise-it-${randomUUID()}`,
        artifact_location: `file://${tmpDir('dialwise-mlflow-direct-')}`,
      }),
    });
    expect(res.status).toBe(200);
    const { experiment_id } = (await res.json()) as { experiment_id: string };
    const runId = await client.createRun(experiment_id, 'direct-store');
    expect((await client.getRun(runId)).info.artifact_uri).toMatch(/^file:\/\//);
    const dir = tmpDir('dialwise-mlflow-');
    writeFileSync(join(dir, 'a.txt'), 'a');
    const err = await client.uploadArtifacts(runId, dir, 'model').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DialwiseError);
    expect(err).not.toBeInstanceOf(MlflowError);
    expect((err as DialwiseError).code).toBe('CONFIG_INVALID');
    expect((err as DialwiseError).message).toMatch(/--serve-artifacts/);
  });

  it('registers model versions and moves the champion alias between them', async () => {
    const { runId, run } = await runWithModel();
    const source = `${run.info.artifact_uri}/model`;
    const name = `dialwise-it-model-${randomUUID()}`;
    await client.ensureRegisteredModel(name, 'intent classifier (integration test)');
    await client.ensureRegisteredModel(name); // already exists: fine

    const v1 = await client.createModelVersion(name, source, runId, { data_hash: 'abc' });
    const v2 = await client.createModelVersion(name, source, runId);
    expect(v1).toEqual({ version: '1', status: 'READY' });
    expect(v2).toEqual({ version: '2', status: 'READY' });
    const got = await client.getModelVersion(name, '1');
    expect(got).toMatchObject({ name, version: '1', source, run_id: runId, status: 'READY' });
    expect(got.tags).toEqual([{ key: 'data_hash', value: 'abc' }]);

    expect(await client.getVersionByAlias(name, 'champion')).toBeUndefined();
    await client.setAlias(name, 'champion', '1');
    expect((await client.getVersionByAlias(name, 'champion'))?.version).toBe('1');
    await client.setAlias(name, 'champion', v2.version);
    const champion = await client.getVersionByAlias(name, 'champion');
    expect(champion).toMatchObject({ version: '2', source, run_id: runId, aliases: ['champion'] });
    expect((await client.getModelVersion(name, '1')).aliases ?? []).toEqual([]);

    await client.setModelVersionTag(name, '2', 'dialwise.eval.accuracy', '0.91');
    expect((await client.getModelVersion(name, '2')).tags).toEqual([
      { key: 'dialwise.eval.accuracy', value: '0.91' },
    ]);

    await client.deleteAlias(name, 'champion');
    expect(await client.getVersionByAlias(name, 'champion')).toBeUndefined();
    await client.deleteAlias(name, 'champion'); // already gone: no error
  });

  it('reports registry 4xx errors as non-retriable MlflowErrors', async () => {
    const unknown = `dialwise-it-missing-${randomUUID()}`;
    const err = await client.getModelVersion(unknown, '1').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MlflowError);
    expect((err as MlflowError).retriable).toBe(false);
    expect((err as MlflowError).mlflowCode).toBe('RESOURCE_DOES_NOT_EXIST');
    // An unknown model is an error, not "no such alias".
    const byAlias = await client.getVersionByAlias(unknown, 'champion').catch((e: unknown) => e);
    expect(byAlias).toBeInstanceOf(MlflowError);
    expect((byAlias as MlflowError).mlflowCode).toBe('RESOURCE_DOES_NOT_EXIST');
  });

  it('reports an unreachable server as retriable', async () => {
    const err = await createMlflowClient('http://127.0.0.1:9')
      .getRun('x')
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DialwiseError);
    expect((err as DialwiseError).retriable).toBe(true);
  });
});
