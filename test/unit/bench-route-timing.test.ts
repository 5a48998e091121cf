import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DecisionClient } from '../../src/client/index.js';
import { rawFetch } from '../../bench/lib/raw-fetch.js';
import { RouteTiming } from '../../bench/lib/route-timing.js';

/** A server that answers /gone and /dialer/next 503, /empty 204, anything else 200 with the request's body and auth. */
let server: http.Server;
let port: number;
beforeAll(async () => {
  server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      if (req.url === '/gone' || req.url === '/dialer/next')
        return res.writeHead(503).end('{"error":{"code":"X","message":"gone"}}');
      if (req.url === '/empty') return res.writeHead(204).end();
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ body, auth: req.headers.authorization }));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  port = (server.address() as AddressInfo).port;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

describe('RouteTiming over rawFetch (bench/loop-realtime.ts)', () => {
  it('carries the request and answer, times by route inside the window and counts non-2xx by status', async () => {
    const timing = new RouteTiming(rawFetch(port, 2));
    const post = (path: string) =>
      timing.fetch(`http://127.0.0.1:${port}${path}`, {
        method: 'POST',
        headers: { authorization: 'Bearer k' },
        body: '{"a":1}',
      });
    await post('/ok'); // before the window: not counted
    timing.start();
    const ok = await post('/ok');
    expect(await ok.json()).toEqual({ body: '{"a":1}', auth: 'Bearer k' });
    expect((await post('/gone')).status).toBe(503);
    expect((await post('/empty')).status).toBe(204);
    await post('/gone');
    timing.stop();
    await post('/gone'); // after the window: not counted
    const f = timing.figures();
    expect(f['/ok']).toMatchObject({ requests: 1, errors: {}, latencyMs: { n: 1 } });
    expect(f['/gone']).toMatchObject({ requests: 2, errors: { 503: 2 } });
    expect(f['/empty']).toMatchObject({ requests: 1, errors: {} });
  });

  it('serves the library client, whose refusals keep their status', async () => {
    const client = new DecisionClient({
      url: `http://127.0.0.1:${port}`,
      apiKey: 'k',
      fetch: rawFetch(port, 1),
    });
    await expect(client.checkBotLine('hi')).resolves.toMatchObject({ auth: 'Bearer k' });
    await expect(client.next(5)).rejects.toMatchObject({ status: 503, code: 'X' });
  });
});
