import { afterEach, describe, expect, it } from 'vitest';
import {
  alertRuleSchema,
  evaluate,
  type SendOptions,
  sendWithRetry,
  slackMessage,
} from '../../src/analytics/alerts/index.js';
import { systemClock, type Clock } from '../../src/core/clock.js';
import { startReceiver, type Receiver } from '../helpers/receiver.js';

async function receiver(
  statuses: number[] = [],
  port = 0,
  headers: Record<string, string> = {},
): Promise<Receiver> {
  const rx = await startReceiver({ statuses, port, headers });
  open.push(rx.close);
  return rx;
}

const open: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((c) => c().catch(() => undefined)));
});

/** The system clock, but each wait is recorded and skipped. */
function recording(waits: number[] = []): Clock {
  return { ...systemClock, sleep: (ms) => (waits.push(ms), Promise.resolve()) };
}

// Real HTTP, but no need to actually wait between tries.
const noWait: SendOptions = { clock: recording() };

function firedMessage() {
  const rule = alertRuleSchema.parse({ id: 'conv', metric: 'conversionRate', dimension: 'REGION' });
  const now = new Date('2025-03-10T14:00:00Z');
  const { state, transition } = evaluate(
    rule,
    'NORTH',
    { value: 0.06, volume: 80 },
    { value: 0.1 },
    undefined,
    now,
  );
  expect(transition).toBe('fired');
  return slackMessage(
    { ...state, metric: rule.metric, dimension: rule.dimension, threshold: rule.threshold },
    'fired',
    'http://dash.local:8080',
  );
}

describe('Slack delivery', () => {
  it('delivers a fired alert as Block Kit with the metric and dashboard link', async () => {
    const rx = await receiver();
    const result = await sendWithRetry(rx.url, firedMessage(), noWait);
    expect(result).toEqual({ ok: true, attempts: 1, status: 200 });
    expect(rx.bodies).toHaveLength(1);
    const body = rx.bodies[0] as { text: string; blocks: { type: string }[] };
    expect(body.text).toContain('conversionRate');
    expect(body.blocks.map((b) => b.type)).toEqual(['header', 'section', 'context', 'actions']);
    const json = JSON.stringify(body);
    expect(json).toContain('NORTH');
    expect(json).toContain('http://dash.local:8080/#/overview?range=24h&region=NORTH');
  });

  it('retries 500s with back-off and succeeds on the third attempt', async () => {
    const rx = await receiver([500, 500, 200]);
    const delays: number[] = [];
    const result = await sendWithRetry(
      rx.url,
      { text: 'hi' },
      // Jitter fixed at half of each back-off step (5 ms, then 10 ms).
      { baseDelayMs: 5, clock: recording(delays), random: () => 0.5 },
    );
    expect(result).toEqual({ ok: true, attempts: 3, status: 200 });
    expect(rx.bodies).toHaveLength(3);
    expect(delays).toEqual([2.5, 5]);
  });

  it('honours Retry-After on 429', async () => {
    const rx = await receiver([429, 200], 0, { 'retry-after': '2' });
    const delays: number[] = [];
    const result = await sendWithRetry(
      rx.url,
      { text: 'hi' },
      { baseDelayMs: 5, clock: recording(delays) },
    );
    expect(result).toMatchObject({ ok: true, attempts: 2 });
    expect(delays).toEqual([2000]); // Retry-After is the floor of the wait
  });

  it('retries network errors, and waits at least Retry-After on a 503 too', async () => {
    const rx = await receiver([503, 200], 0, { 'retry-after': '1' });
    const delays: number[] = [];
    let refused = 0;
    const result = await sendWithRetry(
      rx.url,
      { text: 'hi' },
      {
        baseDelayMs: 5,
        clock: recording(delays),
        random: () => 0.5,
        // The first try never reaches the server (a refused connection).
        fetchImpl: (url, init) =>
          refused++ === 0 ? Promise.reject(new TypeError('fetch failed')) : fetch(url, init),
      },
    );
    expect(result).toEqual({ ok: true, attempts: 3, status: 200 });
    expect(rx.bodies).toHaveLength(2);
    expect(delays).toEqual([2.5, 1000]);
  });

  it('gives up at once on a 400', async () => {
    const rx = await receiver([400, 200]);
    const result = await sendWithRetry(rx.url, { text: 'bad' }, noWait);
    expect(result).toEqual({ ok: false, attempts: 1, status: 400 });
    expect(rx.bodies).toHaveLength(1);
  });

  it('stops after the last attempt when the server keeps failing', async () => {
    const rx = await receiver([503, 503, 503, 503]);
    const result = await sendWithRetry(rx.url, { text: 'x' }, { ...noWait, attempts: 3 });
    expect(result).toEqual({ ok: false, attempts: 3, status: 503 });
    expect(rx.bodies).toHaveLength(3);
  });
});
