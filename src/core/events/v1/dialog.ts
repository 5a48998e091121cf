import { z } from 'zod';
import { callRef, envelope, id, int32, label, LIMITS } from './common.js';

/**
 * Voice features of the utterance, as the voice bot measures them (or
 * `dialwise prosody FILE.wav`): median pitch (null when nothing was voiced),
 * syllables per second of speaking time, pause share, level in dB relative
 * to full scale, and speaking time.
 */
export const prosody = z.strictObject({
  pitch_hz: z.number().positive().max(5_000).nullable(),
  rate_sps: z.number().nonnegative().max(100),
  pause_ratio: z.number().min(0).max(1),
  energy_db: z.number().min(-200).max(200),
  speech_s: z.number().nonnegative().max(86_400),
});

/** Who says a turn. */
export const SPEAKERS = ['customer', 'bot', 'agent'] as const;

export const dialogTurn = z.strictObject({
  ...envelope,
  ...callRef,
  type: z.literal('dialog.turn'),
  turn: int32,
  speaker: z.enum(SPEAKERS),
  text: z.string().max(LIMITS.text),
  asr_confidence: z.number().min(0).max(1),
  prosody: prosody.optional(),
  audio_ref: z.string().max(LIMITS.url).optional(),
  /** Who spoke, when the speaker is an agent (live agent assist counts by it). */
  agent_id: id.optional(),
  /** The API request that produced the turn (X-Request-Id of POST /dialog/turn): logs and store meet on it. */
  request_id: id.optional(),
});

export const correctionSubmitted = z.strictObject({
  ...envelope,
  ...callRef,
  type: z.literal('correction.submitted'),
  turn: int32,
  corrected_text: z.string().max(LIMITS.text).optional(),
  corrected_intent: label.optional(),
  /**
   * Slots the agent fixed, by slot name: the value the customer said, or
   * null where a slot was heard that the customer never said. Names are
   * checked against the slot extractor's at the API; here only bounded.
   */
  corrected_slots: z
    .record(label, z.string().min(1).max(LIMITS.label).nullable())
    .refine((s) => Object.keys(s).length <= LIMITS.slots, {
      message: `at most ${LIMITS.slots} slots`,
    })
    .optional(),
  submitted_by: label,
});
