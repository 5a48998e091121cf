/**
 * Slack that answers back, on a started platform: a deviation alert fires
 * to a local Slack receiver with an Acknowledge button; the button's press,
 * signed as Slack signs it, acknowledges the alert as the Slack user
 * (audited) and says so in the channel through its response_url; a forged,
 * stale or replayed press is refused with 401 and changes nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { slackSignature } from '../../src/api/rest/slack-signature.js';
import type { Platform } from '../../src/app/index.js';
import { startTestPlatform } from '../helpers/platform.js';
import { alertCalls } from '../helpers/alert-calls.js';
import { startReceiver, type Receiver } from '../helpers/receiver.js';

const SECRET = 'test-signing-secret-0123456789';
const WEEK = 7 * 24 * 3_600_000;

describe('Slack that answers back', () => {
  let p: Platform;
  let slack: Receiver;
  let channel: Receiver;

  beforeAll(async () => {
    slack = await startReceiver();
    channel = await startReceiver();
    p = await startTestPlatform({
      DIALWISE_SIM_RATE: '0',
      SLACK_WEBHOOK_URL: slack.url,
      SLACK_SIGNING_SECRET: SECRET,
    });
    const start = Date.now() - 25 * 60_000;
    for (let w = 1; w <= 4; w++)
      await alertCalls(p.store, 'east', new Date(start - w * WEEK), 400, `w${w}`);
    await alertCalls(p.store, 'east', new Date(start), 300, 'now'); // 25% below the baseline
    await p.alerts.saveRule({ id: 'conv-east', metric: 'conversionRate', dimension: 'REGION' });
    await p.alerts.run();
  });
  afterAll(async () => {
    await p?.stop();
    await Promise.all([slack?.close(), channel?.close()]);
  });

  /** A press of the alert's Acknowledge button as Slack posts it, signed at `ts`. */
  const press = (value: string, ts = Math.floor(Date.now() / 1000), secret = SECRET) => {
    const payload = {
      type: 'block_actions',
      user: { id: 'U024BE7LH', username: 'supervisor.li' },
      actions: [{ action_id: 'acknowledge', value }],
      response_url: channel.url,
    };
    const body = `payload=${encodeURIComponent(JSON.stringify(payload))}`;
    const headers = {
      'content-type': 'application/x-www-form-urlencoded',
      'x-slack-request-timestamp': String(ts),
      'x-slack-signature': slackSignature(secret, String(ts), body),
    };
    return () => fetch(`${p.url}/slack/actions`, { method: 'POST', headers, body });
  };

  const status = async () =>
    (await p.alerts.alerts()).find((a) => a.ruleId === 'conv-east' && a.key === 'east')?.status;

  it('sends the alert with an Acknowledge button naming it', async () => {
    await expect.poll(() => slack.posts.length, { timeout: 5_000 }).toBeGreaterThan(0);
    const message = JSON.stringify(slack.posts);
    expect(message).toContain('"action_id":"acknowledge"');
    expect(message).toContain(JSON.stringify(JSON.stringify({ rule: 'conv-east', key: 'east' })));
    expect(await status()).toBe('open');
  });

  it('refuses a forged or stale press and changes nothing', async () => {
    const value = JSON.stringify({ rule: 'conv-east', key: 'east' });
    const forged = await press(value, undefined, 'not-the-signing-secret')();
    expect(forged.status).toBe(401);
    expect((await forged.json()).error.message).toMatch(/signature/);
    const stale = await press(value, Math.floor(Date.now() / 1000) - 600)();
    expect(stale.status).toBe(401);
    expect(await status()).toBe('open');
  });

  it('acknowledges as the Slack user, audits it, answers in the channel, and refuses a replay', async () => {
    const send = press(JSON.stringify({ rule: 'conv-east', key: 'east' }));
    expect((await send()).status).toBe(200);
    expect(await status()).toBe('acknowledged');
    const [row] = await p.store.query<{ principal: string; target: string }>(
      "SELECT principal, target FROM audit_log WHERE action = 'alert.acknowledged'",
    );
    expect(row).toEqual({ principal: 'slack:U024BE7LH', target: 'conv-east:east' });
    await expect.poll(() => channel.posts.length, { timeout: 5_000 }).toBe(1);
    expect((channel.posts[0] as { text: string }).text).toMatch(/<@U024BE7LH> acknowledged/);
    const replayed = await send();
    expect(replayed.status).toBe(401);
    expect((await replayed.json()).error.message).toMatch(/replay/);
  });
});
