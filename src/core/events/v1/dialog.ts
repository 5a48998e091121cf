import { z } from 'zod';
import { callRef, envelope } from './common.js';

const prosody = z.strictObject({
  pitch_hz: z.number().positive(),
  rate_wps: z.number().nonnegative(),
  pause_ratio: z.number().min(0).max(1),
  energy_db: z.number(),
});

export const dialogTurn = z.strictObject({
  ...envelope,
  ...callRef,
  type: z.literal('dialog.turn'),
  turn: z.number().int().nonnegative(),
  speaker: z.enum(['customer', 'bot', 'agent']),
  text: z.string().max(4000),
  asr_confidence: z.number().min(0).max(1),
  prosody: prosody.optional(),
  audio_ref: z.string().optional(),
});

export const correctionSubmitted = z.strictObject({
  ...envelope,
  ...callRef,
  type: z.literal('correction.submitted'),
  turn: z.number().int().nonnegative(),
  corrected_text: z.string().max(4000).optional(),
  corrected_intent: z.string().min(1).optional(),
  submitted_by: z.string().min(1),
});
