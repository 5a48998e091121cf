/**
 * Call recordings over REST on a started platform: uploaded by the dialer
 * (or fetched from a listed host), sealed on the recordings volume, played
 * back to compliance only (audited), placed on the call's timeline, and
 * gone with the retention of turns and with the customer's erasure.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey } from '../../src/api/index.js';
import type { Platform } from '../../src/app/index.js';
import { eventually } from '../helpers/eventually.js';
import { eventFixtures } from '../helpers/fixtures.js';
import { gql } from '../helpers/gql.js';
import { startTestPlatform } from '../helpers/platform.js';
import { rest } from '../helpers/rest.js';
import { tmpDir } from '../helpers/tmp.js';
import { toneWav } from '../helpers/wav.js';

const T0 = Date.now() - 60_000;
const at = (s: number) => new Date(T0 + s * 1000).toISOString();
const LIMIT = 256 * 1024;

const upload = (url: string, key: string, callId: string, body: Uint8Array, query = '') =>
  fetch(`${url}/calls/${callId}/recording${query}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'audio/wav' },
    body: new Uint8Array(body),
  });

/** The dialer's recording host: a WAV, a redirect elsewhere, one too large, one missing. */
function recordingHost(wav: Buffer): Promise<Server> {
  const server = createServer((req, res) => {
    if (req.url === '/rec/ok.wav') res.writeHead(200, { 'content-type': 'audio/wav' }).end(wav);
    else if (req.url === '/rec/moved.wav')
      res.writeHead(302, { location: 'http://169.254.169.254/latest/meta-data' }).end();
    else if (req.url === '/rec/huge.wav') res.writeHead(200).end(toneWav(30));
    else res.writeHead(404).end();
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

describe('call recordings', () => {
  let p: Platform;
  let host: Server;
  let hostAddr: string;
  const dataDir = tmpDir();
  const keys = { dialer: '', compliance: '', analyst: '' };
  const wav = toneWav(14);

  const send = (events: Record<string, unknown>[]) =>
    rest(
      p.url,
      p.adminKey,
      '/events',
      events.map((e) => ({ schema_version: 1, ...e })),
    );
  const call = (callId: string, customerId: string, start: number) => [
    {
      ...eventFixtures().get('call.started'),
      event_id: randomUUID(),
      ts: at(start),
      customer_id: customerId,
      call_id: callId,
    },
    ...[2, 7, 12].map((s, i) => ({
      event_id: randomUUID(),
      type: 'dialog.turn',
      ts: at(start + s),
      customer_id: customerId,
      call_id: callId,
      turn: i,
      speaker: i % 2 ? 'customer' : 'bot',
      text: i % 2 ? '利率是多少' : '您好，我是理财顾问',
      asr_confidence: 0.9,
    })),
  ];

  beforeAll(async () => {
    host = await recordingHost(wav);
    hostAddr = `127.0.0.1:${(host.address() as AddressInfo).port}`;
    p = await startTestPlatform({
      DIALWISE_SIM_RATE: '0',
      DIALWISE_DATA_DIR: dataDir,
      DIALWISE_RECORDING_FETCH_HOSTS: hostAddr,
      DIALWISE_LIMIT_RECORDING_BYTES: String(LIMIT),
    });
    for (const role of Object.keys(keys) as (keyof typeof keys)[])
      keys[role] = await createApiKey(p.store, `rec-${role}`, role);
    expect(
      (await send([...call('rec-1', 'cust-rec-1', 0), ...call('rec-2', 'cust-rec-2', 0)])).status,
    ).toBe(202);
    await eventually(async () => {
      expect(await p.store.query("SELECT 1 FROM turns WHERE call_id LIKE 'rec-%'")).toHaveLength(6);
      expect(
        await p.store.query(
          "SELECT 1 FROM calls WHERE call_id LIKE 'rec-%' AND started_at IS NOT NULL",
        ),
      ).toHaveLength(2);
    });
  });
  afterAll(async () => {
    await p?.stop();
    await new Promise((r) => host?.close(r));
  });

  it('stores an upload sealed, answers a retry with the same, refuses other audio for the call', async () => {
    const res = await upload(p.url, keys.dialer, 'rec-1', wav);
    expect(res.status, await res.clone().text()).toBe(201);
    const info = await res.json();
    expect(info).toMatchObject({
      call_id: 'rec-1',
      content_type: 'audio/wav',
      bytes: wav.length,
      source: 'upload',
      started_at: null,
    });
    expect(info.duration_s).toBeCloseTo(14, 3);
    expect((await upload(p.url, keys.dialer, 'rec-1', wav)).status).toBe(200);
    const other = await upload(p.url, keys.dialer, 'rec-1', toneWav(3));
    expect(other.status).toBe(409);
    expect((await other.json()).error.message).toMatch(/has a recording already/);
    // On the volume: one file, and not a byte of the audio in the clear.
    const dir = join(dataDir, 'recordings', 'recordings');
    const files = readdirSync(dir);
    expect(files).toHaveLength(1);
    const sealed = readFileSync(join(dir, files[0]!));
    expect(sealed.includes(wav.subarray(44, 1_000))).toBe(false);
    expect(sealed.subarray(0, 4).toString()).not.toBe('RIFF');
  });

  it('refuses what is not audio, too large, or from a role that may not upload', async () => {
    const json = await upload(p.url, keys.dialer, 'rec-2', Buffer.from('{"audio":"none"}'));
    expect(json.status).toBe(400);
    expect((await json.json()).error.message).toMatch(/not a recording/);
    expect((await upload(p.url, keys.dialer, 'rec-2', toneWav(20))).status).toBe(413);
    expect((await upload(p.url, keys.analyst, 'rec-2', wav)).status).toBe(403);
    expect((await upload(p.url, keys.dialer, 'x'.repeat(300), wav)).status).toBe(400);
  });

  it('plays it back to compliance only, every read audited', async () => {
    const denied = await rest(p.url, keys.analyst, '/calls/rec-1/recording');
    expect(denied.status).toBe(403);
    const res = await rest(p.url, keys.compliance, '/calls/rec-1/recording');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('audio/wav');
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(Buffer.from(await res.arrayBuffer()).equals(wav)).toBe(true);
    expect((await rest(p.url, keys.compliance, '/calls/rec-2/recording')).status).toBe(404);
    const audits = await p.store.query<{ action: string; principal: string }>(
      `SELECT action, principal FROM audit_log WHERE target = 'rec-1' AND action LIKE 'recordings.%' ORDER BY ts`,
    );
    expect(audits).toEqual([
      { action: 'recordings.read.denied', principal: 'rec-analyst' },
      { action: 'recordings.read', principal: 'rec-compliance' },
    ]);
  });

  it("places each turn in the recording on the call's timeline", async () => {
    const { body } = await gql(
      p.url,
      `query($id: ID!) { callTranscript(callId: $id) {
        startedAt recording { contentType bytes durationS } turns { turn offsetS } } }`,
      keys.compliance,
      { id: 'rec-1' },
    );
    const t = body.data!['callTranscript'];
    expect(t.recording).toMatchObject({ contentType: 'audio/wav', bytes: wav.length });
    expect(t.turns.map((x: { offsetS: number }) => x.offsetS)).toEqual([2, 7, 12]);
  });

  it('fetches from a listed host only, following no redirect, within the size limit', async () => {
    const fetchFrom = (callId: string, url: string) =>
      rest(p.url, keys.dialer, `/calls/${callId}/recording/fetch`, { url, started_at: at(1) });
    const ok = await fetchFrom('rec-2', `http://${hostAddr}/rec/ok.wav`);
    expect(ok.status, await ok.clone().text()).toBe(201);
    expect(await ok.json()).toMatchObject({ source: hostAddr, started_at: at(1) });
    const port = hostAddr.split(':')[1];
    const elsewhere = await fetchFrom('rec-x', `http://localhost:${port}/rec/ok.wav`);
    expect(elsewhere.status).toBe(403);
    expect((await elsewhere.json()).error.message).toMatch(/DIALWISE_RECORDING_FETCH_HOSTS/);
    expect((await fetchFrom('rec-x', `http://${hostAddr}/rec/moved.wav`)).status).toBe(502);
    expect((await fetchFrom('rec-x', `http://${hostAddr}/rec/missing.wav`)).status).toBe(502);
    expect((await fetchFrom('rec-x', `http://${hostAddr}/rec/huge.wav`)).status).toBe(413);
    expect((await fetchFrom('rec-x', 'file:///etc/passwd')).status).toBe(400);
    const stored = await p.store.query('SELECT 1 FROM recordings WHERE call_id = ?', ['rec-x']);
    expect(stored).toEqual([]);
  });

  it('deletes recordings past the retention of turns, with their files', async () => {
    const old = await upload(
      p.url,
      keys.dialer,
      'rec-old',
      toneWav(2),
      `?started_at=${encodeURIComponent('2024-01-05T08:00:00Z')}`,
    );
    expect(old.status).toBe(201);
    const res = await rest(p.url, p.adminKey, '/admin/retention/run', {});
    expect(res.status).toBe(200);
    expect((await res.json()).recordingsRemoved).toBe(1);
    const left = await p.store.query<{ call_id: string }>(
      'SELECT call_id FROM recordings ORDER BY call_id',
    );
    expect(left.map((r) => r.call_id)).toEqual(['rec-1', 'rec-2']);
    expect(readdirSync(join(dataDir, 'recordings', 'recordings'))).toHaveLength(2);
  });

  it("erases a customer's recordings with the customer", async () => {
    const res = await rest(p.url, p.adminKey, '/customers/cust-rec-1/erase', {});
    expect(res.status, await res.clone().text()).toBe(200);
    expect((await res.json()).erased.recordings).toBe(1);
    expect((await rest(p.url, keys.compliance, '/calls/rec-1/recording')).status).toBe(404);
    expect(readdirSync(join(dataDir, 'recordings', 'recordings'))).toHaveLength(1);
  });
});
