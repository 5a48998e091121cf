/**
 * Slack's signed requests (its interactive buttons): the body is signed
 * with the app's signing secret as `v0=HMAC-SHA256(secret, "v0:" +
 * timestamp + ":" + body)` in X-Slack-Signature, the timestamp in
 * X-Slack-Request-Timestamp. A request is taken when the signature is the
 * secret's, its timestamp within five minutes of now, and its signature not
 * seen before in that window (a replay, recorded and sent again, is refused).
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

/** Seconds a signed request stays valid (Slack's own advice). */
export const SLACK_WINDOW_S = 300;

export const slackSignature = (secret: string, timestamp: string, body: string): string =>
  `v0=${createHmac('sha256', secret).update(`v0:${timestamp}:${body}`).digest('hex')}`;

/** The signatures taken in the last window, so that none is taken twice. */
export class ReplayGuard {
  private readonly seen = new Map<string, number>();

  /** False when the signature was taken already; else records it until `untilS`. */
  take(signature: string, nowS: number, untilS: number): boolean {
    for (const [s, until] of this.seen) if (until < nowS) this.seen.delete(s);
    if (this.seen.has(signature)) return false;
    this.seen.set(signature, untilS);
    return true;
  }
}

export type SlackCheck = { ok: true } | { ok: false; reason: string };

/** Whether Slack signed this request, just now, for the first time. */
export function verifySlackRequest(
  secret: string,
  req: { timestamp: string | null; signature: string | null; body: string },
  nowS: number,
  replays: ReplayGuard,
): SlackCheck {
  const { timestamp, signature, body } = req;
  if (!timestamp || !/^\d{1,12}$/.test(timestamp) || !signature)
    return { ok: false, reason: 'missing X-Slack-Request-Timestamp or X-Slack-Signature' };
  const ts = Number(timestamp);
  if (Math.abs(nowS - ts) > SLACK_WINDOW_S)
    return { ok: false, reason: 'the request is older than five minutes (or from the future)' };
  const expected = Buffer.from(slackSignature(secret, timestamp, body));
  const given = Buffer.from(signature);
  if (given.length !== expected.length || !timingSafeEqual(given, expected))
    return { ok: false, reason: 'the signature is not the signing secret’s' };
  if (!replays.take(signature, nowS, ts + SLACK_WINDOW_S))
    return { ok: false, reason: 'this request was taken already (a replay)' };
  return { ok: true };
}
