/**
 * Recordings in an S3-compatible bucket: a real gateway (the Versity S3
 * Gateway over a temporary folder, built by scripts/services/gotools.sh) on
 * loopback, requests signed with SigV4. The bucket holds only sealed bytes;
 * playback, deletion and a refused signature go through the gateway.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { AwsClient } from 'aws4fetch';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Platform } from '../../src/app/index.js';
import { eventually } from '../helpers/eventually.js';
import { freePort } from '../helpers/kafka-broker.js';
import { startTestPlatform } from '../helpers/platform.js';
import { rest } from '../helpers/rest.js';
import { tmpDir } from '../helpers/tmp.js';
import { toneWav } from '../helpers/wav.js';

const BIN = process.env.VERSITYGW_BIN ?? resolve('.services/gotools/bin/versitygw');
const HAS_GATEWAY = existsSync(BIN);
const MISSING = `the S3 gateway is not built at ${BIN}: scripts/services/gotools.sh start (or set VERSITYGW_BIN)`;
if (!HAS_GATEWAY && process.env.DIALWISE_REQUIRE_SERVICES === '1')
  throw new Error(`${MISSING} (DIALWISE_REQUIRE_SERVICES=1)`);
if (!HAS_GATEWAY) console.warn(`[recordings-s3.test] skipped: ${MISSING}`);

const BUCKET = 'dialwise-recordings';

describe.runIf(HAS_GATEWAY)('recordings in an S3-compatible bucket', () => {
  const root = tmpDir('dialwise-s3-');
  const access = `AK${randomBytes(8).toString('hex')}`;
  const secret = randomBytes(24).toString('base64url');
  let gateway: ChildProcess;
  let endpoint: string;
  let p: Platform;
  const wav = toneWav(5);
  const s3env = () => ({
    DIALWISE_SIM_RATE: '0',
    DIALWISE_RECORDINGS_STORE: 's3',
    DIALWISE_S3_ENDPOINT: endpoint,
    DIALWISE_S3_BUCKET: BUCKET,
    DIALWISE_S3_ACCESS_KEY_ID: access,
    DIALWISE_S3_SECRET_ACCESS_KEY: secret,
  });
  const objects = () => {
    const dir = join(root, BUCKET, 'recordings');
    return existsSync(dir) ? readdirSync(dir).map((f) => join(dir, f)) : [];
  };

  beforeAll(async () => {
    const port = await freePort();
    endpoint = `http://127.0.0.1:${port}`;
    gateway = spawn(
      BIN,
      ['--port', `127.0.0.1:${port}`, '--access', access, '--secret', secret, 'posix', root],
      { stdio: 'ignore' },
    );
    const s3 = new AwsClient({
      accessKeyId: access,
      secretAccessKey: secret,
      service: 's3',
      region: 'us-east-1',
    });
    await eventually(async () => {
      const made = await s3.fetch(`${endpoint}/${BUCKET}`, { method: 'PUT' });
      expect([200, 409]).toContain(made.status);
    }, 20_000);
    p = await startTestPlatform(s3env());
  });
  afterAll(async () => {
    await p?.stop();
    gateway?.kill();
  });

  it('puts the recording sealed into the bucket and plays it back from there', async () => {
    const res = await fetch(`${p.url}/calls/s3-call-1/recording`, {
      method: 'POST',
      headers: { authorization: `Bearer ${p.adminKey}` },
      body: new Uint8Array(wav),
    });
    expect(res.status, await res.clone().text()).toBe(201);
    const [object] = objects();
    expect(object).toBeDefined();
    const stored = readFileSync(object!);
    expect(stored.length).toBe(wav.length + 28); // IV and tag: the whole file sealed
    expect(stored.includes(wav.subarray(44, 2_000))).toBe(false);
    const played = await rest(p.url, p.adminKey, '/calls/s3-call-1/recording');
    expect(Buffer.from(await played.arrayBuffer()).equals(wav)).toBe(true);
  });

  it('deletes the object with the recording', async () => {
    const res = await fetch(`${p.url}/calls/s3-call-1/recording`, {
      method: 'DELETE',
      headers: { authorization: `Bearer ${p.adminKey}` },
    });
    expect(res.status).toBe(204);
    expect(objects()).toEqual([]);
    expect((await rest(p.url, p.adminKey, '/calls/s3-call-1/recording')).status).toBe(404);
  });

  it('stores nothing when the store refuses the signature, and says so', async () => {
    await p.stop();
    p = await startTestPlatform({ ...s3env(), DIALWISE_S3_SECRET_ACCESS_KEY: 'not-the-secret' });
    const res = await fetch(`${p.url}/calls/s3-call-2/recording`, {
      method: 'POST',
      headers: { authorization: `Bearer ${p.adminKey}` },
      body: new Uint8Array(wav),
    });
    expect(res.status).toBe(502);
    expect((await res.json()).error.message).toBe(
      'object store: PUT answered 403 SignatureDoesNotMatch',
    );
    expect(await p.store.query('SELECT 1 FROM recordings')).toEqual([]);
    expect(objects()).toEqual([]);
  });
});
