import { z } from 'zod';

const MIB = 1024 * 1024;

/** The settings of call recordings (config.ts takes them in): where they are kept and what is accepted. */
export const RECORDING_SETTINGS = {
  recordingsStore: {
    env: 'DIALWISE_RECORDINGS_STORE',
    schema: z.enum(['local', 's3']).default('local'),
    fix: 'where recordings are kept, sealed: "local" (DIALWISE_RECORDINGS_DIR) or "s3" (any S3-compatible store, DIALWISE_S3_*)',
  },
  recordingsDir: {
    env: 'DIALWISE_RECORDINGS_DIR',
    schema: z.string().min(1).optional(),
    fix: 'a folder for the sealed recordings (default <data dir>/recordings; a volume of its own where they are many)',
  },
  s3Endpoint: {
    env: 'DIALWISE_S3_ENDPOINT',
    schema: z.url({ protocol: /^https?$/ }).optional(),
    fix: 'the S3-compatible service URL, e.g. https://s3.cn-north-1.amazonaws.com.cn or http://127.0.0.1:9000',
  },
  s3Bucket: {
    env: 'DIALWISE_S3_BUCKET',
    schema: z
      .string()
      .regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, 'an S3 bucket name')
      .optional(),
    fix: 'the bucket the recordings go to (it must exist)',
  },
  s3Region: {
    env: 'DIALWISE_S3_REGION',
    schema: z.string().min(1).max(64).default('us-east-1'),
    fix: "the bucket's region, as the service signs requests",
  },
  s3AccessKeyId: {
    env: 'DIALWISE_S3_ACCESS_KEY_ID',
    schema: z.string().min(1).max(256).optional(),
    fix: 'the access key id of a user that may put, get and delete objects in the bucket',
  },
  s3SecretAccessKey: {
    env: 'DIALWISE_S3_SECRET_ACCESS_KEY',
    schema: z.string().min(1).max(256).optional(),
    fix: "that user's secret key (from the environment or a secrets manager, never a file in the repo)",
  },
  recordingFetchHosts: {
    env: 'DIALWISE_RECORDING_FETCH_HOSTS',
    schema: z
      .string()
      .default('')
      .transform((s) =>
        s
          .split(',')
          .map((h) => h.trim().toLowerCase())
          .filter(Boolean),
      ),
    fix: "the dialer's recording hosts the platform may fetch from, comma-separated host or host:port (empty: fetching is off, recordings are uploaded)",
  },
  recordingLimitBytes: {
    env: 'DIALWISE_LIMIT_RECORDING_BYTES',
    schema: z.coerce
      .number()
      .int()
      .min(64 * 1024)
      .max(1024 * MIB)
      .default(64 * MIB),
    fix: 'the largest recording accepted, in bytes (default 64 MiB: about an hour of 16 kHz mono WAV)',
  },
};
