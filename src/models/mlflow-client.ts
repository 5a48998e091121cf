import { DialwiseError } from '../core/errors.js';

/**
 * A small MLflow tracking client over the REST API (2.0 paths, which MLflow 3
 * still serves). Errors carry `retriable` so callers can back off on 5xx and
 * network failures and give up on 4xx.
 */
export class MlflowError extends DialwiseError {
  constructor(
    message: string,
    /** MLflow's own error_code, e.g. RESOURCE_DOES_NOT_EXIST. */
    readonly mlflowCode: string | undefined,
    retriable: boolean,
  ) {
    super('UPSTREAM_FAILED', message, { retriable });
  }
}

export interface MlflowRun {
  info: { run_id: string; experiment_id: string; status: string; run_name?: string };
  data: {
    params?: { key: string; value: string }[];
    metrics?: { key: string; value: number; step: number; timestamp: number }[];
    tags?: { key: string; value: string }[];
  };
}

export interface MlflowClient {
  getOrCreateExperiment(name: string): Promise<string>;
  createRun(experimentId: string, runName: string, tags?: Record<string, string>): Promise<string>;
  logBatch(
    runId: string,
    batch: {
      params?: Record<string, string | number>;
      metrics?: Record<string, number>;
      step?: number;
    },
  ): Promise<void>;
  endRun(runId: string, status?: 'FINISHED' | 'FAILED' | 'KILLED'): Promise<void>;
  getRun(runId: string): Promise<MlflowRun>;
  metricHistory(runId: string, key: string): Promise<{ value: number; step: number }[]>;
}

export function createMlflowClient(
  trackingUri: string,
  fetchImpl: typeof fetch = fetch,
): MlflowClient {
  const base = trackingUri.replace(/\/+$/, '');

  async function call<T>(method: 'GET' | 'POST', path: string, body?: object): Promise<T> {
    const url = new URL(`${base}/api/2.0/mlflow/${path}`);
    if (method === 'GET' && body) {
      for (const [k, v] of Object.entries(body)) url.searchParams.set(k, String(v));
    }
    let res: Response;
    try {
      res = await fetchImpl(url, {
        method,
        headers: { 'content-type': 'application/json' },
        body: method === 'POST' ? JSON.stringify(body ?? {}) : undefined,
      });
    } catch (err) {
      throw new DialwiseError(
        'UPSTREAM_FAILED',
        `MLflow at ${base} unreachable: ${(err as Error).message}`,
        {
          retriable: true,
          cause: err,
        },
      );
    }
    const text = await res.text();
    if (!res.ok) {
      throw new MlflowError(
        `MLflow ${method} ${path} → ${res.status}: ${text.slice(0, 300)}`,
        safeJson(text)?.error_code,
        res.status >= 500 || res.status === 429,
      );
    }
    return (text ? JSON.parse(text) : {}) as T;
  }

  return {
    async getOrCreateExperiment(name) {
      try {
        const r = await call<{ experiment: { experiment_id: string } }>(
          'GET',
          'experiments/get-by-name',
          {
            experiment_name: name,
          },
        );
        return r.experiment.experiment_id;
      } catch (err) {
        if (!(err instanceof MlflowError && err.mlflowCode === 'RESOURCE_DOES_NOT_EXIST'))
          throw err;
      }
      const r = await call<{ experiment_id: string }>('POST', 'experiments/create', { name });
      return r.experiment_id;
    },
    async createRun(experimentId, runName, tags = {}) {
      const r = await call<{ run: MlflowRun }>('POST', 'runs/create', {
        experiment_id: experimentId,
        run_name: runName,
        start_time: Date.now(),
        tags: Object.entries(tags).map(([key, value]) => ({ key, value })),
      });
      return r.run.info.run_id;
    },
    async logBatch(runId, { params = {}, metrics = {}, step = 0 }) {
      const timestamp = Date.now();
      await call('POST', 'runs/log-batch', {
        run_id: runId,
        params: Object.entries(params).map(([key, value]) => ({ key, value: String(value) })),
        metrics: Object.entries(metrics).map(([key, value]) => ({ key, value, step, timestamp })),
      });
    },
    async endRun(runId, status = 'FINISHED') {
      await call('POST', 'runs/update', { run_id: runId, status, end_time: Date.now() });
    },
    async getRun(runId) {
      return (await call<{ run: MlflowRun }>('GET', 'runs/get', { run_id: runId })).run;
    },
    async metricHistory(runId, key) {
      const r = await call<{ metrics?: { value: number; step: number }[] }>(
        'GET',
        'metrics/get-history',
        {
          run_id: runId,
          metric_key: key,
        },
      );
      return (r.metrics ?? []).map(({ value, step }) => ({ value, step }));
    },
  };
}

function safeJson(text: string): { error_code?: string } | undefined {
  try {
    return JSON.parse(text) as { error_code?: string };
  } catch {
    return undefined;
  }
}
