import { z } from 'zod';
import { callRef, envelope } from './common.js';

/**
 * Voice features of the utterance, as the voice bot measures them (or
 * `dialwise prosody FILE.wav`): median pitch (null when nothing was voiced),
 * syllables per second of speaking time, pause share, level in dB relative
 * to full scale, and speaking time.
 */
const prosody = z.strictObject({
  pitch_hz: z.number().positive().nullable(),
  rate_sps: z.number().nonnegative(),
  pause_ratio: z.number().min(0).max(1),
  energy_db: z.number(),
  speech_s: z.number().nonnegative(),
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
