import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { DialwiseError } from '../../src/core/errors.js';
import { createMlflowClient, MlflowError } from '../../src/models/mlflow-client.js';
import { requireService } from '../helpers/services.js';

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

  it('reports an unreachable server as retriable', async () => {
    const err = await createMlflowClient('http://127.0.0.1:9')
      .getRun('x')
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DialwiseError);
    expect((err as DialwiseError).retriable).toBe(true);
  });
});
