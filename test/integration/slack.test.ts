import { afterEach, describe, expect, it } from 'vitest';
import { alertRuleSchema, evaluate, slackMessage } from '../../src/analytics/alerts.js';
import { sendWithRetry, type SendOptions } from '../../src/analytics/slack.js';
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

// Real HTTP, but no need to actually wait between tries.
const noWait: SendOptions = { sleep: () => Promise.resolve() };

function firedMessage() {
  const rule = alertRuleSchema.parse({ id: 'conv', metric: 'conversionRate', dimension: 'REGION' });
  const now = new Date('2025-03-10T14:00:00Z');
  const { state, transition } = evaluate(
    rule,
    'NORTH',
    { value: 0.06, volume: 80 },
    0.1,
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
    expect(json).toContain('http://dash.local:8080/#alerts');
  });

  it('retries 500s with back-off and succeeds on the third attempt', async () => {
    const rx = await receiver([500, 500, 200]);
    const delays: number[] = [];
    const result = await sendWithRetry(
      rx.url,
      { text: 'hi' },
      {
        baseDelayMs: 5,
        sleep: (ms) => {
          delays.push(ms);
          return new Promise((r) => setTimeout(r, ms));
        },
      },
    );
    expect(result).toEqual({ ok: true, attempts: 3, status: 200 });
    expect(rx.bodies).toHaveLength(3);
    expect(delays).toEqual([5, 10]);
  });

  it('honours Retry-After on 429', async () => {
    const rx = await receiver([429, 200], 0, { 'retry-after': '2' });
    const delays: number[] = [];
    const result = await sendWithRetry(
      rx.url,
      { text: 'hi' },
      {
        baseDelayMs: 5,
        sleep: (ms) => (delays.push(ms), Promise.resolve()),
      },
    );
    expect(result).toMatchObject({ ok: true, attempts: 2 });
    expect(delays).toEqual([2000]);
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
