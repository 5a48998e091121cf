import { describe, expect, it } from 'vitest';
import {
  DecisionClient,
  DialwiseApiError,
  EventClient,
  type DialwiseEvent,
} from '../../src/index.js';
import { retryAfterSeconds } from '../../src/client/api-error.js';

/** A fetch that records each request and answers from a list. */
function fakeFetch(answers: (() => Response)[]) {
  const requests: { url: string; method: string; auth: string | null; body: string }[] = [];
  const fetch = async (url: string | URL | Request, init?: RequestInit) => {
    requests.push({
      url: String(url),
      method: init?.method ?? 'GET',
      auth: new Headers(init?.headers).get('authorization'),
      body: String(init?.body ?? ''),
    });
    const next = answers.shift();
    if (!next) throw new TypeError('fetch failed');
    return next();
  };
  return { fetch: fetch as typeof globalThis.fetch, requests };
}

const json =
  (body: unknown, status = 200, headers: Record<string, string> = {}) =>
  () =>
    Response.json(body, { status, headers });

const answered = (i: number): DialwiseEvent => ({
  event_id: `event-${String(i).padStart(4, '0')}`,
  type: 'call.answered',
  ts: '2026-03-02T10:00:00+08:00',
  schema_version: 1,
  customer_id: 'c1',
  call_id: 'call1',
});

describe('client errors', () => {
  it.each([
    [null, undefined],
    ['', undefined],
    ['3', 3],
    ['-1', 0],
    ['Thu, 01 Jan 2026 00:00:10 GMT', 10],
    ['soon', undefined],
  ])('Retry-After %j is %j seconds', (header, seconds) => {
    expect(retryAfterSeconds(header, Date.parse('2026-01-01T00:00:00Z'))).toBe(seconds);
  });

  it("carries the server's code, status and Retry-After; 429 and 503 are retriable", async () => {
    const { fetch } = fakeFetch([
      json({ error: { code: 'RATE_LIMITED', message: 'slow down' } }, 429, { 'retry-after': '2' }),
      json({ error: { code: 'BAD_REQUEST', message: 'text: too long' } }, 400),
      json({ error: { code: 'UNAVAILABLE', message: 'store down' } }, 503),
    ]);
    const client = new DecisionClient({ url: 'http://x', apiKey: 'k', fetch });
    const errors: DialwiseApiError[] = [];
    for (let i = 0; i < 3; i++) await client.next().catch((e: DialwiseApiError) => errors.push(e));
    expect(errors.map((e) => [e.status, e.code, e.retriable, e.retryAfterS])).toEqual([
      [429, 'RATE_LIMITED', true, 2],
      [400, 'BAD_REQUEST', false, undefined],
      [503, 'UNAVAILABLE', true, undefined],
    ]);
    expect(errors[1]!.message).toBe('POST /dialer/next: 400 text: too long');
  });

  it('a request that gets no answer is a retriable NETWORK or TIMEOUT error', async () => {
    const { fetch } = fakeFetch([]);
    const err = await new DecisionClient({ url: 'http://x', apiKey: 'k', fetch })
      .next()
      .catch((e: unknown) => e);
    expect(err).toMatchObject({ status: 0, code: 'NETWORK', retriable: true });
    const slow = (async (_u: unknown, init?: RequestInit) =>
      new Promise((_, reject) =>
        init!.signal!.addEventListener('abort', () => reject(init!.signal!.reason)),
      )) as typeof globalThis.fetch;
    const late = await new DecisionClient({
      url: 'http://x',
      apiKey: 'k',
      fetch: slow,
      timeoutMs: 20,
    })
      .next()
      .catch((e: unknown) => e);
    expect(late).toMatchObject({ status: 0, code: 'TIMEOUT', retriable: true });
  });
});

describe('DecisionClient', () => {
  it('sends the key as a bearer token and the body as JSON; 204 is no body', async () => {
    const { fetch, requests } = fakeFetch([
      json({ call_id: 'call1' }),
      () => new Response(null, { status: 204 }),
    ]);
    const client = new DecisionClient({ url: 'http://x/', apiKey: 'dw_k', fetch });
    await client.context('call 1');
    await expect(client.attempt({ outcome: 'connected' })).resolves.toBeUndefined();
    expect(requests).toEqual([
      {
        url: 'http://x/dialog/context?call_id=call+1',
        method: 'GET',
        auth: 'Bearer dw_k',
        body: '',
      },
      {
        url: 'http://x/dialer/attempt',
        method: 'POST',
        auth: 'Bearer dw_k',
        body: '{"outcome":"connected"}',
      },
    ]);
  });
});

describe('EventClient', () => {
  it('splits by count and bytes and reports rejections by their index in the whole list', async () => {
    const { fetch, requests } = fakeFetch([
      json({ accepted: 2, rejected: [] }, 202),
      json({ accepted: 1, rejected: [{ index: 1, reason: 'bad' }] }, 202),
      // A batch with nothing valid is a 400 with the same shape: a result, not an error.
      json({ accepted: 0, rejected: [{ index: 0, reason: 'worse' }] }, 400),
    ]);
    const client = new EventClient({ url: 'http://x', apiKey: 'k', fetch, maxBatchEvents: 2 });
    const r = await client.send([0, 1, 2, 3, 4].map(answered));
    expect(r).toEqual({
      accepted: 3,
      rejected: [
        { index: 3, reason: 'bad' },
        { index: 4, reason: 'worse' },
      ],
    });
    expect(requests.map((q) => (JSON.parse(q.body) as unknown[]).length)).toEqual([2, 2, 1]);

    const bytes = fakeFetch([
      json({ accepted: 1, rejected: [] }, 202),
      json({ accepted: 1, rejected: [] }, 202),
    ]);
    const one = JSON.stringify(answered(0)).length;
    await new EventClient({
      url: 'http://x',
      apiKey: 'k',
      fetch: bytes.fetch,
      maxBatchBytes: one + 10,
    }).send([answered(0), answered(1)]);
    expect(bytes.requests).toHaveLength(2);
  });

  it('a refused batch throws; a 400 without results is an error', async () => {
    const { fetch } = fakeFetch([
      json({ error: { code: 'BAD_REQUEST', message: 'body: not JSON' } }, 400),
    ]);
    await expect(
      new EventClient({ url: 'http://x', apiKey: 'k', fetch }).send([answered(0)]),
    ).rejects.toMatchObject({ status: 400, code: 'BAD_REQUEST' });
  });
});
