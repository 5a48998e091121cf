import { z } from 'zod';
import { callRef, envelope, label } from './common.js';

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
