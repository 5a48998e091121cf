import { join } from 'node:path';
import { Recordings } from '../analytics/recordings/index.js';
import { localBlobs, s3Blobs, type BlobStore } from '../core/blobs/index.js';
import type { Clock } from '../core/clock.js';
import type { Config } from '../core/config.js';
import type { FieldCipher } from '../core/crypto.js';
import { DialwiseError } from '../core/errors.js';
import type { Store } from '../core/store/store.js';

/** Where recordings go: the local folder, or the S3-compatible bucket the settings name (all of them, or none starts). */
function blobStoreOf(config: Config): BlobStore {
  if (config.recordingsStore === 'local')
    return localBlobs(config.recordingsDir ?? join(config.dataDir, 'recordings'));
  const { s3Endpoint, s3Bucket, s3AccessKeyId, s3SecretAccessKey } = config;
  if (!s3Endpoint || !s3Bucket || !s3AccessKeyId || !s3SecretAccessKey)
    throw new DialwiseError(
      'CONFIG_INVALID',
      'DIALWISE_RECORDINGS_STORE=s3 needs DIALWISE_S3_ENDPOINT, DIALWISE_S3_BUCKET, DIALWISE_S3_ACCESS_KEY_ID and DIALWISE_S3_SECRET_ACCESS_KEY',
    );
  return s3Blobs({
    endpoint: s3Endpoint,
    bucket: s3Bucket,
    region: config.s3Region,
    accessKeyId: s3AccessKeyId,
    secretAccessKey: s3SecretAccessKey,
  });
}

/** The call recordings of the process that holds the DuckDB file. */
export const recordingsOf = (config: Config, store: Store, cipher: FieldCipher, clock: Clock) =>
  new Recordings(store, blobStoreOf(config), cipher, () => clock.now());
