import { describe, expect, it } from 'vitest';
import { manualClock } from '../../src/core/clock.js';
import { DialwiseError } from '../../src/core/errors.js';
import { createMlflowClient, MlflowError } from '../../src/models/mlflow-client.js';

/** A stand-in MLflow server: answers in turn, and records what was asked. */
function server(answers: (() => Response)[]) {
  const asked: { method: string; path: string; body: Record<string, unknown> }[] = [];
  const fetchImpl = (async (url: URL | string, init?: RequestInit) => {
    const u = new URL(String(url));
    asked.push({
      method: init?.method ?? 'GET',
      path: u.pathname.replace('/api/2.0/mlflow/', ''),
      body: init?.body ? (JSON.parse(String(init.body)) as Record<string, unknown>) : {},
    });
    const next = answers.shift();
    if (!next) throw new Error('no more answers');
    return next();
  }) as typeof fetch;
  return { asked, fetchImpl };
}

const json = (status: number, body: object) => () =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
const refused = () => {
  throw new TypeError('fetch failed: ECONNREFUSED');
};
const run = { run: { info: { run_id: 'r1', experiment_id: '1', status: 'FINISHED' }, data: {} } };

describe('MLflow client: retries read `retriable`', () => {
  const clock = manualClock(Date.parse('2025-01-20T03:00:00Z'));
  // Waits of 0 ms on a clock that only moves by hand: the retries are immediate.
  const client = (answers: (() => Response)[]) => {
    const s = server(answers);
    const c = createMlflowClient('http://mlflow.test/', {
      fetch: s.fetchImpl,
      clock: { ...clock, sleep: () => Promise.resolve() },
    });
    return { ...s, client: c };
  };

  it('tries a read again after 5xx, 429 and a refused connection', async () => {
    const { client: c, asked } = client([
      json(503, { error_code: 'TEMPORARILY_UNAVAILABLE' }),
      refused,
      json(200, run),
    ]);
    expect((await c.getRun('r1')).info.run_id).toBe('r1');
    expect(asked).toHaveLength(3);
  });

  it('gives up at once on a 4xx, and after three tries on a server that stays down', async () => {
    const bad = client([json(404, { error_code: 'RESOURCE_DOES_NOT_EXIST' })]);
    const err = await bad.client.getRun('x').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MlflowError);
    expect((err as MlflowError).retriable).toBe(false);
    expect(bad.asked).toHaveLength(1);

    const down = client([refused, refused, refused, refused]);
    const gone = await down.client.getRun('x').catch((e: unknown) => e);
    expect(gone).toBeInstanceOf(DialwiseError);
    expect((gone as DialwiseError).retriable).toBe(true);
    expect(down.asked).toHaveLength(3);
  });

  it('does not repeat a create that a repeat would duplicate', async () => {
    const { client: c, asked } = client([json(503, {}), json(200, run)]);
    await expect(c.createRun('1', 'retrain-intent-v1')).rejects.toThrow(/503/);
    expect(asked).toHaveLength(1);
  });

  it('stamps runs and metrics with the injected clock', async () => {
    const { client: c, asked } = client([json(200, run), json(200, {}), json(200, {})]);
    await c.createRun('1', 'retrain-intent-v1');
    await c.logBatch('r1', { metrics: { accuracy: 0.9 } });
    await c.endRun('r1');
    const now = clock.now();
    expect(asked[0]!.body.start_time).toBe(now);
    expect(asked[1]!.body.metrics).toEqual([
      { key: 'accuracy', value: 0.9, step: 0, timestamp: now },
    ]);
    expect(asked[2]!.body).toMatchObject({ status: 'FINISHED', end_time: now });
  });
});
