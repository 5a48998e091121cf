import { createWriteStream } from 'node:fs';
import { mkdir, readdir, rename, rm, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as NodeReadableStream } from 'node:stream/web';
import type { Clock } from '../core/clock.js';
import { DialwiseError } from '../core/errors.js';
import { MlflowError, MlflowHttp, type MlflowRetry } from './mlflow-http.js';

export { MlflowError } from './mlflow-http.js';

/*
 * A small MLflow tracking client over the REST API (2.0 paths, which MLflow 3
 * still serves). Errors carry `retriable`: calls that may be repeated back
 * off and retry on 5xx and network failures (core/retry), and give up on 4xx.
 *
 * Artifacts go through the tracking server's artifact proxy (`mlflow server
 * --serve-artifacts`): a run's artifact_uri is `mlflow-artifacts:/<exp>/<run>/artifacts`
 * and its files live at `<base>/api/2.0/mlflow-artifacts/artifacts/<exp>/<run>/artifacts/<path>`
 * (PUT to upload, GET to download).
 */

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

export interface MlflowClientOptions {
  fetch?: typeof fetch;
  /** Where run start/end times and metric timestamps come from; also paces the retries. */
  clock?: Clock;
  retry?: MlflowRetry;
}

export const createMlflowClient = (
  trackingUri: string,
  opts: MlflowClientOptions = {},
): MlflowClient =>
  new RestMlflowClient(
    new MlflowHttp(trackingUri.replace(/\/+$/, ''), opts.fetch, {
      ...(opts.clock && { clock: opts.clock }),
      ...(opts.retry && { retry: opts.retry }),
    }),
  );

const keyValues = (tags: Record<string, string>) =>
  Object.entries(tags).map(([key, value]) => ({ key, value }));

class RestMlflowClient implements MlflowClient {
  constructor(private readonly http: MlflowHttp) {}

  private get base(): string {
    return this.http.base;
  }

  private call<T>(method: 'GET' | 'POST' | 'DELETE', path: string, body?: object) {
    return this.http.call<T>(method, path, body);
  }

  async getOrCreateExperiment(name: string): Promise<string> {
    try {
      const r = await this.call<{ experiment: { experiment_id: string } }>(
        'GET',
        'experiments/get-by-name',
        { experiment_name: name },
      );
      return r.experiment.experiment_id;
    } catch (err) {
      if (!(err instanceof MlflowError && err.mlflowCode === 'RESOURCE_DOES_NOT_EXIST')) throw err;
    }
    const r = await this.http.call<{ experiment_id: string }>(
      'POST',
      'experiments/create',
      { name },
      { once: true },
    );
    return r.experiment_id;
  }

  async createRun(experimentId: string, runName: string, tags: Record<string, string> = {}) {
    const r = await this.http.call<{ run: MlflowRun }>(
      'POST',
      'runs/create',
      {
        experiment_id: experimentId,
        run_name: runName,
        start_time: this.http.clock.now(),
        tags: keyValues(tags),
      },
      { once: true },
    );
    return r.run.info.run_id;
  }

  async logBatch(
    runId: string,
    { params = {}, metrics = {}, step = 0, series = {} }: Parameters<MlflowClient['logBatch']>[1],
  ): Promise<void> {
    const timestamp = this.http.clock.now();
    await this.call('POST', 'runs/log-batch', {
      run_id: runId,
      params: Object.entries(params).map(([key, value]) => ({ key, value: String(value) })),
      metrics: [
        ...Object.entries(metrics).map(([key, value]) => ({ key, value, step, timestamp })),
        ...Object.entries(series).flatMap(([key, values]) =>
          values.map((value, i) => ({ key, value, step: i, timestamp })),
        ),
      ],
    });
  }

  async endRun(runId: string, status: 'FINISHED' | 'FAILED' | 'KILLED' = 'FINISHED') {
    await this.call('POST', 'runs/update', {
      run_id: runId,
      status,
      end_time: this.http.clock.now(),
    });
  }

  async getRun(runId: string): Promise<MlflowRun> {
    return (await this.call<{ run: MlflowRun }>('GET', 'runs/get', { run_id: runId })).run;
  }

  async metricHistory(runId: string, key: string) {
    const r = await this.call<{ metrics?: { value: number; step: number }[] }>(
      'GET',
      'metrics/get-history',
      { run_id: runId, metric_key: key },
    );
    return (r.metrics ?? []).map(({ value, step }) => ({ value, step }));
  }

  async uploadArtifacts(runId: string, localDir: string, artifactPath: string) {
    const files = (await listFiles(localDir)).sort();
    const prefix = segments(artifactPath);
    const root = await this.proxyUrl(runId, '');
    for (const rel of files) {
      const url = `${root}/${[...prefix, ...rel.split('/')].map(encodeURIComponent).join('/')}`;
      await this.http.upload(url, join(localDir, ...rel.split('/')));
    }
    return files;
  }

  async listArtifacts(runId: string, path?: string): Promise<MlflowArtifact[]> {
    const out: MlflowArtifact[] = [];
    let pageToken: string | undefined;
    do {
      const r = await this.call<{
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
  }

  async downloadArtifact(runId: string, artifactPath: string, destFile: string) {
    const body = await this.http.download(await this.proxyUrl(runId, artifactPath));
    await mkdir(dirname(destFile), { recursive: true });
    const part = `${destFile}.part`;
    try {
      await pipeline(
        Readable.fromWeb(body as unknown as NodeReadableStream<Uint8Array>),
        createWriteStream(part),
      );
      await rename(part, destFile);
    } catch (err) {
      await rm(part, { force: true });
      throw err;
    }
  }

  async ensureRegisteredModel(name: string, description?: string) {
    try {
      await this.call('POST', 'registered-models/create', {
        name,
        ...(description !== undefined ? { description } : {}),
      });
    } catch (err) {
      if (!(err instanceof MlflowError && err.mlflowCode === 'RESOURCE_ALREADY_EXISTS')) throw err;
    }
  }

  async createModelVersion(
    name: string,
    source: string,
    runId: string,
    tags: Record<string, string> = {},
  ) {
    const r = await this.http.call<{ model_version: MlflowModelVersion }>(
      'POST',
      'model-versions/create',
      { name, source, run_id: runId, tags: keyValues(tags) },
      { once: true },
    );
    return { version: r.model_version.version, status: r.model_version.status };
  }

  async getModelVersion(name: string, version: string) {
    const r = await this.call<{ model_version: MlflowModelVersion }>('GET', 'model-versions/get', {
      name,
      version,
    });
    return r.model_version;
  }

  async setAlias(name: string, alias: string, version: string) {
    await this.call('POST', 'registered-models/alias', { name, alias, version });
  }

  async deleteAlias(name: string, alias: string) {
    await this.call('DELETE', 'registered-models/alias', { name, alias });
  }

  async getVersionByAlias(name: string, alias: string) {
    try {
      const r = await this.call<{ model_version: MlflowModelVersion }>(
        'GET',
        'registered-models/alias',
        { name, alias },
      );
      return r.model_version;
    } catch (err) {
      // MLflow 3 answers a missing alias with 400 INVALID_PARAMETER_VALUE
      // "Registered model alias <alias> not found."; an unknown model is a
      // 404 RESOURCE_DOES_NOT_EXIST about the model and is rethrown.
      if (err instanceof MlflowError && /\balias\b.*\bnot found\b/i.test(err.mlflowMessage ?? ''))
        return undefined;
      throw err;
    }
  }

  async setModelVersionTag(name: string, version: string, key: string, value: string) {
    await this.call('POST', 'model-versions/set-tag', { name, version, key, value });
  }

  runUrl(experimentId: string, runId: string): string {
    return `${this.base}/#/experiments/${encodeURIComponent(experimentId)}/runs/${encodeURIComponent(runId)}`;
  }

  /** `<base>/api/2.0/mlflow-artifacts/artifacts/<exp>/<run>/artifacts[/<path>]` for a run. */
  private async proxyUrl(runId: string, artifactPath: string): Promise<string> {
    const { artifact_uri: uri } = (await this.getRun(runId)).info;
    // mlflow-artifacts:/<exp>/<run>/artifacts, or with an authority: mlflow-artifacts://host:port/...
    const root = /^mlflow-artifacts:(?:\/\/[^/]*)?\/(.+)$/.exec(uri ?? '')?.[1];
    if (!root) {
      throw new DialwiseError(
        'CONFIG_INVALID',
        `MLflow run ${runId} has artifact_uri "${uri}", not an mlflow-artifacts: URI, so its ` +
          `artifacts cannot go through the tracking server at ${this.base}. The server must run with ` +
          `--serve-artifacts (scripts/services/mlflow.sh does), and the experiment must have been ` +
          `created while it did (its artifact_location must be mlflow-artifacts:/...).`,
      );
    }
    return `${this.base}/api/2.0/mlflow-artifacts/artifacts/${[
      ...segments(root),
      ...segments(artifactPath),
    ]
      .map(encodeURIComponent)
      .join('/')}`;
  }
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
