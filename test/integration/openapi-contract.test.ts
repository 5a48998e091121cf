/**
 * The REST API against its own OpenAPI document, on a started platform:
 * every documented example (Chinese and English) is sent as a client would
 * send it, and each answer must be a status the document lists with a body
 * its schema admits; then Schemathesis (from PyPI, scripts/services/
 * pytools.sh) reads /openapi.json as a stranger's client would and fuzzes
 * every operation, failing on any server error or an answer the document
 * does not promise.
 */
import { spawn } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey } from '../../src/api/index.js';
import { ROUTE_EXAMPLES } from '../../src/api/rest/examples.js';
import type { Example } from '../../src/api/rest/route.js';
import type { Platform } from '../../src/app/index.js';
import { startTestPlatform } from '../helpers/platform.js';
import { requireService } from '../helpers/services.js';
import { toneWav } from '../helpers/wav.js';

const st = requireService('Schemathesis', 'SCHEMATHESIS_BIN');
const CONTRACT = join(import.meta.dirname, '..', 'contract');

type Json = Record<string, unknown>;
interface Operation {
  requestBody?: { content: Record<string, unknown> };
  responses: Record<string, { content?: Record<string, { schema?: unknown }> }>;
}
interface Doc {
  paths: Record<string, Record<string, Operation>>;
  components: Json;
}

/** Runs Schemathesis against the document at `url`; resolves with its exit code and output. */
function schemathesis(url: string, key: string): Promise<{ code: number | null; out: string }> {
  const args = ['--config-file', join(CONTRACT, 'schemathesis-rest.toml'), 'run'];
  args.push(`${url}/openapi.json`, '--url', url, '-H', `Authorization: Bearer ${key}`);
  args.push('--max-examples', '30', '--continue-on-failure', '-w', '2', '--seed', '20');
  const child = spawn(st!, args, { cwd: CONTRACT, env: { ...process.env, NO_COLOR: '1' } });
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (out += d));
  return new Promise((resolve) => child.on('exit', (code) => resolve({ code, out })));
}

/** The dialer's recording host: a WAV for any path. */
function startAudioHost(): Promise<{ url: string; close(): Promise<void> }> {
  const server = createServer((_, res) => res.writeHead(200).end(toneWav(2)));
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve({
        url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
        close: () => new Promise((r) => server.close(() => r())),
      }),
    ),
  );
}

describe('REST contract: the OpenAPI document', () => {
  let p: Platform;
  let admin: string;
  let doc: Doc;
  let ajv: Ajv2020;
  let dialerHost: { url: string; close(): Promise<void> };

  beforeAll(async () => {
    dialerHost = await startAudioHost();
    p = await startTestPlatform({
      DIALWISE_SIM_RATE: '0',
      DIALWISE_RECORDING_FETCH_HOSTS: new URL(dialerHost.url).host,
    });
    admin = await createApiKey(p.store, 'contract-admin', 'admin');
    const res = await fetch(`${p.url}/openapi.json`);
    expect(res.status).toBe(200);
    doc = (await res.json()) as Doc;
    ajv = new Ajv2020({ strict: false, allErrors: true });
    addFormats.default(ajv);
    ajv.addSchema({ $id: 'doc', components: doc.components });
  });
  afterAll(async () => {
    await p?.stop();
    await dialerHost?.close();
  });

  /** The answer checked against the document: a listed status, a body its schema admits. */
  async function conforms(op: Operation, res: Response, what: string): Promise<string[]> {
    const documented = op.responses[String(res.status)];
    if (!documented) return [`${what}: status ${res.status} is not documented`];
    const text = await res.text();
    const type = res.headers.get('content-type') ?? '';
    const media = documented.content;
    if (!media) return text ? [`${what}: a body where none is documented`] : [];
    if (!Object.keys(media).some((t) => type.startsWith(t)))
      return [`${what}: content type ${type}, documented ${Object.keys(media).join(', ')}`];
    const schema = media['application/json']?.schema;
    if (!schema || !type.startsWith('application/json')) return [];
    const validate = ajv.compile(
      JSON.parse(JSON.stringify(schema).replaceAll('"#/components/', '"doc#/components/')) as Json,
    );
    return validate(JSON.parse(text))
      ? []
      : [`${what}: ${text.slice(0, 300)} breaks the schema: ${ajv.errorsText(validate.errors)}`];
  }

  /**
   * The example as a client sends it. A file body (a recording) is a WAV of
   * its own; a URL to fetch from is served by the dialer's stand-in on
   * loopback, the example's path kept.
   */
  const request = (method: string, path: string, e: Example, op: Operation) => {
    const filled = path.replace(/\{(\w+)\}/g, (_, n: string) => encodeURIComponent(e.params![n]!));
    const query = e.query ? `?${new URLSearchParams(e.query)}` : '';
    const file = op.requestBody?.content['application/octet-stream'];
    const body = e.body as { url?: string } | undefined;
    const sent = body?.url ? { ...body, url: dialerHost.url + new URL(body.url).pathname } : body;
    return fetch(`${p.url}${filled}${query}`, {
      method: method.toUpperCase(),
      headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' },
      ...(file ? { body: new Uint8Array(toneWav(2)) } : {}),
      ...(sent !== undefined && { body: JSON.stringify(sent) }),
    });
  };

  it('answers every documented example as documented', async () => {
    const problems: string[] = [];
    let sent = 0;
    for (const [path, item] of Object.entries(doc.paths))
      for (const [method, op] of Object.entries(item)) {
        const examples =
          ROUTE_EXAMPLES[`${method.toUpperCase()} ${path.replace(/\{(\w+)\}/g, ':$1')}`];
        for (const [lang, e] of Object.entries(examples ?? {})) {
          const what = `${method.toUpperCase()} ${path} (${lang}: ${e.summary})`;
          const res = await request(method, path, e, op);
          sent += 1;
          const ok = e.status ?? Number(Object.keys(op.responses)[0]);
          if (res.status !== ok) problems.push(`${what}: ${res.status}, expected ${ok}`);
          problems.push(...(await conforms(op, res, what)));
        }
      }
    expect(problems).toEqual([]);
    // Every route with examples but the virtual clock's (absent on the wall clock).
    expect(sent).toBe((Object.keys(ROUTE_EXAMPLES).length - 1) * 2);
  }, 60_000);

  it('answers a refusal with the documented error body', async () => {
    const op = doc.paths['/dialog/turn']!.post!;
    const res = await fetch(`${p.url}/dialog/turn`, {
      method: 'POST',
      headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' },
      body: JSON.stringify({ call_id: '' }),
    });
    expect(res.status).toBe(400);
    expect(await conforms(op, res, 'bad turn')).toEqual([]);
    const anonymous = await fetch(`${p.url}/dialog/turn`, { method: 'POST', body: '{}' });
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('www-authenticate')).toBe('Bearer');
  });

  it.skipIf(!st)(
    'runs clean under Schemathesis',
    async () => {
      const { code, out } = await schemathesis(p.url, admin);
      if (code !== 0) console.log(out.slice(-20_000));
      expect(out).toMatch(/Tested: +[23]\d\b/);
      expect(code).toBe(0);
    },
    400_000,
  );
});
