/**
 * The customer's contact record as the pipeline keeps it in the profile:
 * touches on every channel, the consent ledger, replies to messages, and
 * the consent changes that a spoken opt-out or a reply "TD" makes, with the
 * turn or message as their proof.
 */
import { foldConsent, type ConsentChange, type TouchMark } from '../../core/contact-record.js';
import { CHANNELS, type EventOf } from '../../core/events/index.js';
import { addEngagement, replyWeight } from '../../models/lead-score.js';
import { POSITIVE_INTENTS } from '../../models/propensity.js';
import type { TurnModels } from '../../models/types.js';
import type { TouchEvent } from './changes.js';
import { intentScoreAt, leadSignalsOf, max, type Profile, WEEK_MS } from './profile.js';

/** Adds a touch (once per id), keeping those within 7 days of the newest, ascending. */
export function addTouch(p: Profile, t: TouchMark): void {
  if (p.touches.some((x) => x.id === t.id && x.channel === t.channel)) return;
  const list = [...p.touches, t].sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
  const newest = Date.parse(list[list.length - 1]!.at);
  p.touches = list.filter((x) => newest - Date.parse(x.at) < WEEK_MS);
}

/** Folds a consent change (a consent.changed event) into the ledger. */
export function applyConsent(p: Profile, c: ConsentChange): void {
  p.consent = foldConsent(p.consent, c);
}

/**
 * A reply to a message: counted, and engagement by what it shows (a
 * refusal adds none: the consent ledger takes it).
 */
export function applyReply(p: Profile, ts: string, interested: boolean | null): void {
  p.replies += 1;
  p.last_reply_at = max(p.last_reply_at, ts);
  if (interested === null) return;
  const signals = addEngagement(leadSignalsOf(p), replyWeight(interested), ts);
  p.engagement = signals.engagement;
  p.engagement_at = signals.engagementAt;
  p.intent_score = intentScoreAt(p, Date.parse(ts));
}

/**
 * A snapshot from before the contact record: call times become call
 * touches, consent flags become ledger marks (whole channel, every purpose).
 */
export function upgradeProfile(
  p: Profile & { contact_attempts?: string[]; consent_ts?: Record<string, string> },
): Profile {
  const { contact_attempts, consent_ts, ...rest } = p;
  const old = rest.consent as Record<string, unknown>;
  for (const [scope, v] of Object.entries(old)) {
    if (typeof v !== 'boolean') continue;
    delete old[scope];
    const ts = consent_ts?.[scope] ?? '1970-01-01T00:00:00Z';
    const channel = [...CHANNELS, 'all' as const].find((c) => c === scope);
    if (channel)
      applyConsent(rest, { scope: channel, granted: v, ts, event_id: `upgrade:${scope}` });
  }
  for (const at of contact_attempts ?? [])
    addTouch(rest, { id: `call@${at}`, at, channel: 'call', campaign: null, purpose: 'marketing' });
  return rest;
}

type Refused = EventOf<'consent.changed'>;

/**
 * The refusal an utterance or a message makes, every purpose, the words as
 * proof; its id follows from the event's, so a replayed one records it once.
 */
function refusal(
  e: EventOf<'dialog.turn' | 'touch.replied'>,
  scope: Refused['scope'],
  evidence: Omit<NonNullable<Refused['evidence']>, 'event_id' | 'cue' | 'text'>,
  cue: string | undefined,
): Refused {
  return {
    type: 'consent.changed',
    schema_version: 1,
    event_id: `${e.event_id}:opt-out`,
    customer_id: e.customer_id,
    ts: e.ts,
    scope,
    granted: false,
    evidence: {
      ...evidence,
      event_id: e.event_id,
      ...(cue && { cue: cue.slice(0, 128) }),
      text: e.text,
    },
  };
}

/** The consent change a spoken opt-out makes (to the bot or an agent): calls, the turn as proof. */
export const optOutConsent = (e: EventOf<'dialog.turn'>, cue: string | undefined): Refused =>
  refusal(
    e,
    'call',
    { source: e.speaker === 'agent' ? 'agent' : 'call_turn', call_id: e.call_id },
    cue,
  );

const REPLY_SOURCE = { sms: 'sms_reply', wechat: 'wechat_reply', email: 'email_reply' } as const;

/**
 * The consent change a reply that refuses makes ("TD", "退订", "别再发了"):
 * the channel it came on, the message as its proof. A reply on the call
 * channel is a spoken one: call_turn.
 */
export const replyConsent = (e: EventOf<'touch.replied'>, cue: string | undefined): Refused =>
  refusal(
    e,
    e.channel,
    { source: e.channel === 'call' ? 'call_turn' : REPLY_SOURCE[e.channel] },
    cue,
  );

/**
 * A touch into the contact record at event time `ts`. A reply that refuses
 * ("TD", "退订", "别再发了") withdraws the channel's consent at once and is
 * returned as the change to store (the message as its proof); any other
 * reply is engagement, strong when it shows interest, so a hot lead rises
 * to the top of the dialer's list.
 */
export function applyTouch(
  p: Profile,
  e: TouchEvent,
  ts: string,
  models: Pick<TurnModels, 'optOut' | 'intent'>,
): EventOf<'consent.changed'> | null {
  if (e.type === 'touch.sent') {
    const purpose = e.purpose ?? 'marketing';
    const campaign = e.campaign_id ?? null;
    addTouch(p, { id: e.touch_id, at: ts, channel: e.channel, campaign, purpose });
    return null;
  }
  if (e.type === 'touch.delivered') return null;
  const heard = models.optOut(e.text, 'customer');
  if (!heard.optOut) {
    applyReply(p, ts, POSITIVE_INTENTS.has(models.intent(e.text).intent));
    return null;
  }
  const change = replyConsent(e, heard.cue);
  applyConsent(p, { ...change, ts });
  applyReply(p, ts, null);
  return change;
}
