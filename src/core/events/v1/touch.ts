import { z } from 'zod';
import { envelope, id, label, LIMITS } from './common.js';

/** The channels a customer is reached on; one contact record counts them all. */
export const CHANNELS = ['call', 'sms', 'wechat', 'email'] as const;
export type Channel = (typeof CHANNELS)[number];

/** What a contact is for: commercial (marketing) or about something the customer has (service). */
export const PURPOSES = ['marketing', 'service'] as const;
export type Purpose = (typeof PURPOSES)[number];

/** Why a customer may not be reached now: the hard rules, in the order they are checked. */
export const INELIGIBLE_REASONS = [
  'do_not_call',
  'consent_refused',
  'consent_withdrawn',
  'no_consent',
  'frequency_cap',
  'channel_cap',
  'outside_window',
] as const;
export type IneligibleReason = (typeof INELIGIBLE_REASONS)[number];

/**
 * A touch: one message or call sent to the customer. `touch_id` names it
 * across sent → delivered → replied; a dialer that sends call events need
 * not send touches for calls (call.started counts), and one that does
 * uses the call id as touch_id so the call counts once.
 */
const touch = {
  ...envelope,
  touch_id: id,
  channel: z.enum(CHANNELS),
};

export const touchSent = z.strictObject({
  ...touch,
  type: z.literal('touch.sent'),
  campaign_id: label.optional(),
  /** marketing unless said otherwise. */
  purpose: z.enum(PURPOSES).optional(),
});

export const touchDelivered = z.strictObject({
  ...touch,
  type: z.literal('touch.delivered'),
  /** false: the gateway gave up (number unknown, blocked); the touch still counts. */
  delivered: z.boolean().optional(),
});

/** The customer's answer to a touch ("退订", "TD", "有兴趣，明天下午打给我"); its text is personal data. */
export const touchReplied = z.strictObject({
  ...touch,
  type: z.literal('touch.replied'),
  text: z.string().min(1).max(LIMITS.text),
});
