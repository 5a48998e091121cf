import { describe, expect, it } from 'vitest';
import {
  ReplayGuard,
  SLACK_WINDOW_S,
  slackSignature,
  verifySlackRequest,
} from '../../src/api/rest/slack-signature.js';

const SECRET = '8f742231b10e8888abcd99yyyzzz85a5';
const NOW = 1_531_420_618;
const body = 'payload=%7B%22type%22%3A%22block_actions%22%7D';
const signed = (ts = String(NOW), b = body, secret = SECRET) => ({
  timestamp: ts,
  signature: slackSignature(secret, ts, b),
  body: b,
});

describe("Slack's signed requests", () => {
  it("matches Slack's documented example signature", () => {
    // The example of Slack's "Verifying requests from Slack" guide.
    const example =
      'token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c';
    expect(slackSignature(SECRET, '1531420618', example)).toBe(
      'v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503',
    );
  });

  it('takes a request signed with the secret, just now', () => {
    expect(verifySlackRequest(SECRET, signed(), NOW + 3, new ReplayGuard())).toEqual({ ok: true });
  });

  it('refuses another secret, a changed body, missing headers and an old or future time', () => {
    const replays = new ReplayGuard();
    const refused = (req: Parameters<typeof verifySlackRequest>[1], now = NOW) =>
      verifySlackRequest(SECRET, req, now, replays);
    expect(refused(signed(String(NOW), body, 'another-secret-0000'))).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/signature/),
    });
    expect(refused({ ...signed(), body: `${body}x` })).toMatchObject({ ok: false });
    expect(refused({ ...signed(), signature: null })).toMatchObject({
      reason: expect.stringMatching(/missing/),
    });
    expect(refused({ ...signed(), timestamp: 'soon' })).toMatchObject({ ok: false });
    expect(refused(signed(), NOW + SLACK_WINDOW_S + 1)).toMatchObject({
      reason: expect.stringMatching(/older than five minutes/),
    });
    expect(refused(signed(String(NOW + SLACK_WINDOW_S + 60)))).toMatchObject({ ok: false });
  });

  it('refuses a replay of a request it took, and forgets it once the window is over', () => {
    const replays = new ReplayGuard();
    const req = signed();
    expect(verifySlackRequest(SECRET, req, NOW, replays).ok).toBe(true);
    expect(verifySlackRequest(SECRET, req, NOW + 10, replays)).toEqual({
      ok: false,
      reason: 'this request was taken already (a replay)',
    });
    // A fresh request (another timestamp) is taken.
    expect(verifySlackRequest(SECRET, signed(String(NOW + 1)), NOW + 10, replays).ok).toBe(true);
    // Past the window the old one is refused as old, not remembered forever.
    expect(verifySlackRequest(SECRET, req, NOW + SLACK_WINDOW_S + 1, replays).ok).toBe(false);
  });
});
