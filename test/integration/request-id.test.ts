/**
 * A request id follows a call from POST /dialog/turn to its stored turns:
 * the dialer's X-Request-Id (or one the platform makes) is answered back and
 * carried by both turns' events into DuckDB's `turns`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Platform } from '../../src/app/index.js';
import { startTestPlatform } from '../helpers/platform.js';

describe('request ids', () => {
  let p: Platform;
  beforeAll(async () => {
    p = await startTestPlatform({ DIALWISE_SIM_RATE: '0' });
  });
  afterAll(() => p?.stop());

  const turn = (callId: string, requestId?: string) =>
    fetch(`${p.url}/dialog/turn`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${p.adminKey}`,
        'content-type': 'application/json',
        ...(requestId !== undefined && { 'x-request-id': requestId }),
      },
      body: JSON.stringify({
        call_id: callId,
        customer_id: `cust-${callId}`,
        text: '你好，请问是哪位',
        asr_confidence: 0.9,
      }),
    });

  const stored = (callId: string) =>
    p.store.query<{ speaker: string; request_id: string | null }>(
      'SELECT speaker, request_id FROM turns WHERE call_id = ? ORDER BY turn',
      [callId],
    );

  it("carries the dialer's X-Request-Id to both stored turns, and answers it back", async () => {
    const res = await turn('rid-1', 'dialer-7f3a.0042');
    expect(res.status).toBe(200);
    expect(res.headers.get('x-request-id')).toBe('dialer-7f3a.0042');
    await expect
      .poll(() => stored('rid-1'), { timeout: 5_000 })
      .toEqual([
        { speaker: 'customer', request_id: 'dialer-7f3a.0042' },
        { speaker: 'bot', request_id: 'dialer-7f3a.0042' },
      ]);
  });

  it('makes one when the dialer sends none, or one that is not a plain token', async () => {
    for (const [call, sent] of [
      ['rid-2', undefined],
      ['rid-3', 'not a token; DROP TABLE'],
    ] as const) {
      const res = await turn(call, sent);
      const made = res.headers.get('x-request-id')!;
      expect(made).toMatch(/^[0-9a-f-]{36}$/);
      await expect
        .poll(async () => (await stored(call)).map((t) => t.request_id), { timeout: 5_000 })
        .toEqual([made, made]);
    }
  });
});
