import { AwsClient } from 'aws4fetch';
import { DialwiseError } from '../errors.js';
import { checkBlobName, type BlobStore } from './blob-store.js';

export interface S3Settings {
  /** The service's base URL (https://s3.example.com, http://127.0.0.1:9000): objects are addressed path-style. */
  endpoint: string;
  bucket: string;
  region: string;
  accessKeyId: string;
  secretAccessKey: string;
}

/** Each request's limit: an object store that hangs must not hold a request forever. */
const TIMEOUT_MS = 60_000;

/**
 * Objects in a bucket of any S3-compatible store (AWS, MinIO, Ceph, OSS's
 * S3 API), requests signed with Signature Version 4 (aws4fetch).
 */
export function s3Blobs(s: S3Settings): BlobStore {
  const client = new AwsClient({
    accessKeyId: s.accessKeyId,
    secretAccessKey: s.secretAccessKey,
    region: s.region,
    service: 's3',
    retries: 2,
  });
  const base = `${s.endpoint.replace(/\/+$/, '')}/${encodeURIComponent(s.bucket)}`;
  const urlOf = (name: string) =>
    `${base}/${checkBlobName(name).split('/').map(encodeURIComponent).join('/')}`;
  const send = async (method: string, name: string, body?: Uint8Array) => {
    const res = await client
      .fetch(urlOf(name), {
        method,
        ...(body
          ? { body: new Uint8Array(body), headers: { 'content-type': 'application/octet-stream' } }
          : {}),
        signal: AbortSignal.timeout(TIMEOUT_MS),
      })
      .catch((err: unknown) => {
        throw new DialwiseError('UPSTREAM_FAILED', `object store unreachable: ${String(err)}`, {
          retriable: true,
          cause: err,
        });
      });
    if (res.ok || (res.status === 404 && method !== 'PUT')) return res;
    // S3's error code (SignatureDoesNotMatch, NoSuchBucket…), not its whole answer: callers see this message.
    const code = /<Code>([A-Za-z]{1,64})<\/Code>/.exec(await res.text().catch(() => ''))?.[1] ?? '';
    throw new DialwiseError(
      'UPSTREAM_FAILED',
      `object store: ${method} answered ${res.status} ${code}`.trim(),
      { retriable: res.status >= 500 },
    );
  };
  return {
    async put(name, bytes) {
      await send('PUT', name, bytes);
    },
    async get(name) {
      const res = await send('GET', name);
      return res.status === 404 ? null : Buffer.from(await res.arrayBuffer());
    },
    async delete(name) {
      await (await send('DELETE', name)).body?.cancel();
    },
  };
}
