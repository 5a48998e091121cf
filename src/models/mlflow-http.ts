import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import http from 'node:http';
import https from 'node:https';
import { pipeline } from 'node:stream/promises';
import { systemClock, type Clock } from '../core/clock.js';
import { DialwiseError } from '../core/errors.js';
import { retry, type RetryOptions } from '../core/retry.js';

/** An MLflow answer other than 2xx; `retriable` for 5xx and 429 (the retry loop reads it). */
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

/** Back-off for MLflow calls: a few quick tries, so a down server fails a mirror in about a second. */
export type MlflowRetry = Omit<RetryOptions, 'clock' | 'isRetriable'>;
const DEFAULT_RETRY: MlflowRetry = { attempts: 3, baseMs: 250, maxMs: 2_000 };

function safeJson(text: string): { error_code?: string; message?: string } | undefined {
  try {
    return JSON.parse(text) as { error_code?: string; message?: string };
  } catch {
    return undefined;
  }
}

/**
 * The requests under the MLflow client: JSON calls to the REST API, and
 * artifact transfers through the tracking server's proxy. Every failure
 * becomes a DialwiseError that says whether trying again can help; a request
 * that may be repeated goes through core/retry.
 */
export class MlflowHttp {
  readonly clock: Clock;
  private readonly retryOpts: RetryOptions;

  constructor(
    readonly base: string,
    private readonly fetchImpl: typeof fetch = fetch,
    opts: { clock?: Clock; retry?: MlflowRetry } = {},
  ) {
    this.clock = opts.clock ?? systemClock;
    this.retryOpts = { ...DEFAULT_RETRY, ...opts.retry, clock: this.clock };
  }

  /**
   * One REST call. GET sends its fields as query parameters; POST and DELETE
   * as a JSON body (MLflow reads DELETE parameters from the body). `once`:
   * a create that a repeat would duplicate, so it is not retried.
   */
  call<T>(
    method: 'GET' | 'POST' | 'DELETE',
    path: string,
    body?: object,
    opts: { once?: boolean } = {},
  ): Promise<T> {
    const url = new URL(`${this.base}/api/2.0/mlflow/${path}`);
    if (method === 'GET' && body)
      for (const [k, v] of Object.entries(body)) url.searchParams.set(k, String(v));
    const init = {
      method,
      headers: { 'content-type': 'application/json' },
      body: method === 'GET' ? undefined : JSON.stringify(body ?? {}),
    };
    return this.retrying(opts.once, async () => {
      const res = await this.send(url, init);
      const text = await res.text();
      if (!res.ok) throw this.httpError(method, path, res.status, text);
      return (text ? JSON.parse(text) : {}) as T;
    });
  }

  /** GETs a file (an artifact), retried until the server answers 2xx with a body. */
  download(url: string): Promise<ReadableStream<Uint8Array>> {
    return this.retrying(false, async () => {
      const res = await this.send(url);
      if (!res.ok || !res.body)
        throw this.httpError('GET', new URL(url).pathname, res.status, await res.text());
      return res.body;
    });
  }

  /**
   * PUTs one file with node:http, streaming from disk: undici's fetch keeps a
   * streamed request body in memory until the request completes
   * (nodejs/undici#4058), which for 100+ MB model files is the whole file.
   */
  upload(url: string, file: string): Promise<void> {
    return this.retrying(false, async () => {
      let answer: { status: number; text: string };
      try {
        answer = await putFile(new URL(url), file);
      } catch (err) {
        throw this.unreachable(err);
      }
      if (answer.status < 200 || answer.status >= 300)
        throw this.httpError('PUT', new URL(url).pathname, answer.status, answer.text);
    });
  }

  private retrying<T>(once: boolean | undefined, work: () => Promise<T>): Promise<T> {
    return retry(work, once ? { ...this.retryOpts, attempts: 1 } : this.retryOpts);
  }

  private async send(url: URL | string, init?: RequestInit): Promise<Response> {
    try {
      return await this.fetchImpl(url, init);
    } catch (err) {
      throw this.unreachable(err);
    }
  }

  private unreachable(err: unknown): DialwiseError {
    return new DialwiseError(
      'UPSTREAM_FAILED',
      `MLflow at ${this.base} unreachable: ${(err as Error).message}`,
      { retriable: true, cause: err },
    );
  }

  private httpError(method: string, path: string, status: number, text: string): MlflowError {
    const json = safeJson(text);
    return new MlflowError(
      `MLflow ${method} ${path} → ${status}: ${text.slice(0, 300)}`,
      json?.error_code,
      status >= 500 || status === 429,
      json?.message,
    );
  }
}

async function putFile(target: URL, file: string): Promise<{ status: number; text: string }> {
  const { size } = await stat(file);
  const transport = target.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
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
          resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }),
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
  });
}
