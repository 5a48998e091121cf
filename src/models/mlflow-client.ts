import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, readdir, rename, rm, stat } from 'node:fs/promises';
import http from 'node:http';
import https from 'node:https';
import { dirname, join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as NodeReadableStream } from 'node:stream/web';
import { DialwiseError } from '../core/errors.js';

/**
 * A small MLflow tracking client over the REST API (2.0 paths, which MLflow 3
 * still serves). Errors carry `retriable` so callers can back off on 5xx and
 * network failures and give up on 4xx.
 *
 * Artifacts go through the tracking server's artifact proxy (`mlflow server
 * --serve-artifacts`): a run's artifact_uri is `mlflow-artifacts:/<exp>/<run>/artifacts`
 * and its files live at `<base>/api/2.0/mlflow-artifacts/artifacts/<exp>/<run>/artifacts/<path>`
 * (PUT to upload, GET to download).
 */
export class MlflowError extends DialwiseError {
  constructor(
    message: string,
    /** MLflow's own error_code, e.g. RESOURCE_DOES_NOT_EXIST. */
    readonly mlflowCode: string | undefined,
    retriable: boolean,
    /** MLflow's own message, e.g. "Registered model alias champion not found." */
    readonly mlflowMessage?: string,
  ) {
    super('UPSTREAM_FAILED', message, { retriable });
  }
}

export interface MlflowRun {
  info: {
    run_id: string;
    experiment_id: string;
    status: string;
    run_name?: string;
    /** e.g. `mlflow-artifacts:/<experiment_id>/<run_id>/artifacts` */
    artifact_uri: string;
  };
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
      /** Whole metric histories, value i at step i (e.g. loss per epoch): one request, not one per step. */
      series?: Record<string, readonly number[]>;
    },
  ): Promise<void>;
  endRun(runId: string, status?: 'FINISHED' | 'FAILED' | 'KILLED'): Promise<void>;
  getRun(runId: string): Promise<MlflowRun>;
  metricHistory(runId: string, key: string): Promise<{ value: number; step: number }[]>;

  /**
   * Uploads every file under `localDir` (recursively, streamed) to
   * `<artifactPath>/<relative path>` in the run's artifact store; returns the
   * relative paths (`/`-separated, sorted). `artifactPath` '' means the root.
   */
  uploadArtifacts(runId: string, localDir: string, artifactPath: string): Promise<string[]>;
  /** One level of the run's artifact tree; paths are relative to the artifact root. */
  listArtifacts(runId: string, path?: string): Promise<MlflowArtifact[]>;
  /** Streams one artifact file to `destFile` (parent folders created, written atomically). */
  downloadArtifact(runId: string, artifactPath: string, destFile: string): Promise<void>;

  /** Creates the registered model unless it already exists. */
  ensureRegisteredModel(name: string, description?: string): Promise<void>;
  /** `source`: an artifact URI, e.g. `${run.info.artifact_uri}/model`. */
  createModelVersion(
    name: string,
    source: string,
    runId: string,
    tags?: Record<string, string>,
  ): Promise<{ version: string; status: string }>;
  getModelVersion(name: string, version: string): Promise<MlflowModelVersion>;
  /** Points `alias` at `version`, moving it if it was on another version. */
  setAlias(name: string, alias: string, version: string): Promise<void>;
  /** Removes `alias`; a no-op when it does not exist. */
  deleteAlias(name: string, alias: string): Promise<void>;
  /** The version `alias` points at, or undefined when the model has no such alias. */
  getVersionByAlias(name: string, alias: string): Promise<MlflowModelVersion | undefined>;
  setModelVersionTag(name: string, version: string, key: string, value: string): Promise<void>;

  /** The run's page in the MLflow UI. */
  runUrl(experimentId: string, runId: string): string;
}

export interface MlflowArtifact {
  /** Relative to the run's artifact root, e.g. `model/sub/weights.bin`. */
  path: string;
  is_dir: boolean;
  file_size?: number;
}

export interface MlflowModelVersion {
  name: string;
  version: string;
  source: string;
  run_id?: string;
  /** READY, PENDING_REGISTRATION or FAILED_REGISTRATION */
  status: string;
  creation_timestamp?: number;
  last_updated_timestamp?: number;
  description?: string;
  tags?: { key: string; value: string }[];
  aliases?: string[];
}

export function createMlflowClient(
  trackingUri: string,
  fetchImpl: typeof fetch = fetch,
): MlflowClient {
  const base = trackingUri.replace(/\/+$/, '');

  // GET sends its fields as query parameters; POST and DELETE as a JSON body
  // (MLflow reads DELETE parameters from the body, not from the query string).
  async function call<T>(
    method: 'GET' | 'POST' | 'DELETE',
    path: string,
    body?: object,
  ): Promise<T> {
    const url = new URL(`${base}/api/2.0/mlflow/${path}`);
    if (method === 'GET' && body) {
      for (const [k, v] of Object.entries(body)) url.searchParams.set(k, String(v));
    }
    let res: Response;
    try {
      res = await fetchImpl(url, {
        method,
        headers: { 'content-type': 'application/json' },
        body: method === 'GET' ? undefined : JSON.stringify(body ?? {}),
      });
    } catch (err) {
      throw unreachable(err);
    }
    const text = await res.text();
    if (!res.ok) throw httpError(method, path, res.status, text);
    return (text ? JSON.parse(text) : {}) as T;
  }

  function unreachable(err: unknown): DialwiseError {
    return new DialwiseError(
      'UPSTREAM_FAILED',
      `MLflow at ${base} unreachable: ${(err as Error).message}`,
      {
        retriable: true,
        cause: err,
      },
    );
  }

  function httpError(method: string, path: string, status: number, text: string): MlflowError {
    const json = safeJson(text);
    return new MlflowError(
      `MLflow ${method} ${path} → ${status}: ${text.slice(0, 300)}`,
      json?.error_code,
      status >= 500 || status === 429,
      json?.message,
    );
  }

  /** `<base>/api/2.0/mlflow-artifacts/artifacts/<exp>/<run>/artifacts[/<path>]` for a run. */
  async function proxyUrl(runId: string, artifactPath: string): Promise<string> {
    const { artifact_uri: uri } = (
      await call<{ run: MlflowRun }>('GET', 'runs/get', { run_id: runId })
    ).run.info;
    // mlflow-artifacts:/<exp>/<run>/artifacts, or with an authority: mlflow-artifacts://host:port/...
    const root = /^mlflow-artifacts:(?:\/\/[^/]*)?\/(.+)$/.exec(uri ?? '')?.[1];
    if (!root) {
      throw new DialwiseError(
        'CONFIG_INVALID',
        `MLflow run ${runId} has artifact_uri "${uri}", not an mlflow-artifacts: URI, so its ` +
          `artifacts cannot go through the tracking server at ${base}. The server must run with ` +
          `--serve-artifacts (scripts/services/mlflow.sh does), and the experiment must have been ` +
          `created while it did (its artifact_location must be mlflow-artifacts:/...).`,
      );
    }
    const rel = segments(artifactPath);
    return `${base}/api/2.0/mlflow-artifacts/artifacts/${[...segments(root), ...rel]
      .map(encodeURIComponent)
      .join('/')}`;
  }

  /**
   * PUTs one file with node:http, streaming from disk: undici's fetch keeps a
   * streamed request body in memory until the request completes
   * (nodejs/undici#4058), which for 100+ MB model files is the whole file.
   */
  async function putFile(url: string, file: string): Promise<void> {
    const { size } = await stat(file);
    const target = new URL(url);
    const transport = target.protocol === 'https:' ? https : http;
    const path = target.pathname;
    let status: number;
    let text: string;
    try {
      ({ status, text } = await new Promise<{ status: number; text: string }>((resolve, reject) => {
        let responded = false;
        const req = transport.request(
          target,
          {
            method: 'PUT',
            headers: { 'content-type': 'application/octet-stream', 'content-length': size },
          },
          (res) => {
            responded = true;
            const chunks: Buffer[] = [];
            res.on('data', (c: Buffer) => chunks.push(c));
            res.on('end', () =>
              resolve({
                status: res.statusCode ?? 0,
                text: Buffer.concat(chunks).toString('utf8'),
              }),
            );
            res.on('error', reject);
          },
        );
        req.on('error', reject);
        // A server that answers early (e.g. 400 for a bad path) may cut the
        // upload short; its answer is the error to report, not the broken pipe.
        pipeline(createReadStream(file), req).catch((err: unknown) => {
          if (!responded) reject(err);
        });
      }));
    } catch (err) {
      throw unreachable(err);
    }
    if (status < 200 || status >= 300) throw httpError('PUT', path, status, text);
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
    async logBatch(runId, { params = {}, metrics = {}, step = 0, series = {} }) {
      const timestamp = Date.now();
      await call('POST', 'runs/log-batch', {
        run_id: runId,
        params: Object.entries(params).map(([key, value]) => ({ key, value: String(value) })),
        metrics: [
          ...Object.entries(metrics).map(([key, value]) => ({ key, value, step, timestamp })),
          ...Object.entries(series).flatMap(([key, values]) =>
            values.map((value, i) => ({ key, value, step: i, timestamp })),
          ),
        ],
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

    async uploadArtifacts(runId, localDir, artifactPath) {
      const files = (await listFiles(localDir)).sort();
      const prefix = segments(artifactPath);
      const root = await proxyUrl(runId, '');
      for (const rel of files) {
        const url = `${root}/${[...prefix, ...rel.split('/')].map(encodeURIComponent).join('/')}`;
        await putFile(url, join(localDir, ...rel.split('/')));
      }
      return files;
    },
    async listArtifacts(runId, path) {
      const out: MlflowArtifact[] = [];
      let pageToken: string | undefined;
      do {
        const r = await call<{
          files?: { path: string; is_dir?: boolean; file_size?: number | string }[];
          next_page_token?: string;
        }>('GET', 'artifacts/list', {
          run_id: runId,
          ...(path ? { path } : {}),
          ...(pageToken ? { page_token: pageToken } : {}),
        });
        for (const f of r.files ?? []) {
          out.push({
            path: f.path,
            is_dir: f.is_dir ?? false,
            ...(f.file_size !== undefined ? { file_size: Number(f.file_size) } : {}),
          });
        }
        pageToken = r.next_page_token || undefined;
      } while (pageToken);
      return out;
    },
    async downloadArtifact(runId, artifactPath, destFile) {
      const url = await proxyUrl(runId, artifactPath);
      let res: Response;
      try {
        res = await fetchImpl(url);
      } catch (err) {
        throw unreachable(err);
      }
      if (!res.ok || !res.body) {
        throw httpError('GET', new URL(url).pathname, res.status, await res.text());
      }
      await mkdir(dirname(destFile), { recursive: true });
      const part = `${destFile}.part`;
      try {
        await pipeline(
          Readable.fromWeb(res.body as unknown as NodeReadableStream<Uint8Array>),
          createWriteStream(part),
        );
        await rename(part, destFile);
      } catch (err) {
        await rm(part, { force: true });
        throw err;
      }
    },

    async ensureRegisteredModel(name, description) {
      try {
        await call('POST', 'registered-models/create', {
          name,
          ...(description !== undefined ? { description } : {}),
        });
      } catch (err) {
        if (!(err instanceof MlflowError && err.mlflowCode === 'RESOURCE_ALREADY_EXISTS'))
          throw err;
      }
    },
    async createModelVersion(name, source, runId, tags = {}) {
      const r = await call<{ model_version: MlflowModelVersion }>('POST', 'model-versions/create', {
        name,
        source,
        run_id: runId,
        tags: Object.entries(tags).map(([key, value]) => ({ key, value })),
      });
      return { version: r.model_version.version, status: r.model_version.status };
    },
    async getModelVersion(name, version) {
      return (
        await call<{ model_version: MlflowModelVersion }>('GET', 'model-versions/get', {
          name,
          version,
        })
      ).model_version;
    },
    async setAlias(name, alias, version) {
      await call('POST', 'registered-models/alias', { name, alias, version });
    },
    async deleteAlias(name, alias) {
      await call('DELETE', 'registered-models/alias', { name, alias });
    },
    async getVersionByAlias(name, alias) {
      try {
        return (
          await call<{ model_version: MlflowModelVersion }>('GET', 'registered-models/alias', {
            name,
            alias,
          })
        ).model_version;
      } catch (err) {
        // MLflow 3 answers a missing alias with 400 INVALID_PARAMETER_VALUE
        // "Registered model alias <alias> not found."; an unknown model is a
        // 404 RESOURCE_DOES_NOT_EXIST about the model and is rethrown.
        if (
          err instanceof MlflowError &&
          /\balias\b.*\bnot found\b/i.test(err.mlflowMessage ?? '')
        ) {
          return undefined;
        }
        throw err;
      }
    },
    async setModelVersionTag(name, version, key, value) {
      await call('POST', 'model-versions/set-tag', { name, version, key, value });
    },

    runUrl(experimentId, runId) {
      return `${base}/#/experiments/${encodeURIComponent(experimentId)}/runs/${encodeURIComponent(runId)}`;
    },
  };
}

/** Non-empty path segments of a `/`-separated artifact path. */
function segments(path: string): string[] {
  return path.split('/').filter((p) => p !== '' && p !== '.');
}

/** Files under `dir`, recursively, as `/`-separated paths relative to it (symlinks followed). */
async function listFiles(dir: string, prefix = ''): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(join(dir, prefix), { withFileTypes: true })) {
    const rel = prefix ? `${prefix}/${entry.name}` : entry.name;
    const kind = entry.isSymbolicLink() ? await stat(join(dir, rel)) : entry;
    if (kind.isDirectory()) out.push(...(await listFiles(dir, rel)));
    else if (kind.isFile()) out.push(rel);
  }
  return out;
}

function safeJson(text: string): { error_code?: string; message?: string } | undefined {
  try {
    return JSON.parse(text) as { error_code?: string; message?: string };
  } catch {
    return undefined;
  }
}
