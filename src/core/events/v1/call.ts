import { z } from 'zod';
import { callRef, envelope, id, label } from './common.js';

export const callStarted = z.strictObject({
  ...envelope,
  ...callRef,
  type: z.literal('call.started'),
  campaign_id: label,
  script_id: label,
  script_version: label,
  handled_by: z.enum(['bot', 'human']),
  region: label,
  product_line: label,
});

export const callAnswered = z.strictObject({
  ...envelope,
  ...callRef,
  type: z.literal('call.answered'),
});

export const callUnanswered = z.strictObject({
  ...envelope,
  ...callRef,
  type: z.literal('call.unanswered'),
  reason: z.enum(['no_answer', 'busy', 'voicemail', 'invalid_number']),
});

/**
 * The customer picked up but no bot or agent was free to take the call in
 * time, and the dialer dropped it (what pacing keeps under its ceiling).
 */
export const callAbandoned = z.strictObject({
  ...envelope,
  ...callRef,
  type: z.literal('call.abandoned'),
  wait_s: z.number().nonnegative().max(600),
});

export const callTransferred = z.strictObject({
  ...envelope,
  ...callRef,
  type: z.literal('call.transferred'),
  reason: label,
  queue: label,
});

export const OUTCOMES = [
  'converted',
  'interested',
  'callback',
  'rejected',
  'complaint',
  'no_decision',
] as const;

export const callEnded = z.strictObject({
  ...envelope,
  ...callRef,
  type: z.literal('call.ended'),
  duration_s: z.number().nonnegative().max(86_400),
  outcome: z.enum(OUTCOMES),
});

/** Who promised the callback: the customer asked for it, an agent or the dialer set it. */
export const CALLBACK_SOURCES = ['agent', 'customer', 'dialer'] as const;

/**
 * A promise to call the customer back at `at` ("下午三点再打"). The latest
 * scheduled replaces any pending one; the first call to the customer around
 * `at` keeps it (config/dialing.json `callbacks`).
 */
export const callbackScheduled = z.strictObject({
  ...envelope,
  type: z.literal('callback.scheduled'),
  /** The call it was promised in, if any. */
  call_id: id.optional(),
  at: z.iso.datetime({ offset: true }),
  source: z.enum(CALLBACK_SOURCES),
  /** What the agent noted; not stored in the callbacks table (it may hold personal words). */
  note: z.string().max(500).optional(),
});
