/**
 * The dialer's pacing: lines dialled per free agent, slowed down fast when
 * too many answered calls find nobody free (abandoned) and sped up slowly
 * otherwise. Pure functions over plain JSON state; the caller passes `nowMs`.
 */
import type { PacingConfig } from './dialing-rules.js';
import { MINUTE } from './local-time.js';

/** Pacer counts are kept per 10 seconds; the window edge is that coarse. */
const BUCKET_MS = 10_000;

/**
 * How a dial ended for pacing: not answered; answered and handed to a bot or
 * agent; or abandoned, answered with no bot or agent free within 2 s (the
 * dialer measures that and reports the outcome).
 */
export type AttemptOutcome = 'unanswered' | 'connected' | 'abandoned';

export interface PacerBucket {
  /** Epoch ms the 10-second bucket starts. */
  start: number;
  unanswered: number;
  connected: number;
  abandoned: number;
}

export interface PacerState {
  /** Lines dialled per free agent, before clamping to the config bounds. */
  ratio: number;
  /** Epoch ms of the last adjustment. */
  adjustedAt: number | null;
  /** Attempt counts of the sliding window, oldest first. */
  buckets: PacerBucket[];
}

export const newPacer = (config: PacingConfig): PacerState => ({
  ratio: config.initialRatio,
  adjustedAt: null,
  buckets: [],
});

/** abandoned / answered over the window; null while fewer than minAnswered answered. */
export function abandonRate(state: PacerState, config: PacingConfig): number | null {
  let answered = 0;
  let abandoned = 0;
  for (const b of state.buckets) {
    answered += b.connected + b.abandoned;
    abandoned += b.abandoned;
  }
  return answered >= config.minAnswered ? abandoned / answered : null;
}

/**
 * Counts an attempt, drops what left the window, and at most once per
 * adjustEverySeconds adjusts the ratio: above maxAbandonRate it is
 * multiplied by decreaseFactor (fast slow-down), otherwise increaseStep is
 * added (slow recovery), within [minRatio, maxRatio]. While abandons stay in
 * the window every step keeps slowing down. A report older than the newest
 * bucket counts in the newest.
 */
export function recordAttempt(
  state: PacerState,
  nowMs: number,
  outcome: AttemptOutcome,
  config: PacingConfig,
): PacerState {
  const t = nowMs;
  const edge = t - config.windowMinutes * MINUTE;
  const buckets = state.buckets.filter((b) => b.start + BUCKET_MS > edge);
  const last = buckets.at(-1);
  const start = Math.floor(t / BUCKET_MS) * BUCKET_MS;
  if (last && last.start >= start)
    buckets[buckets.length - 1] = { ...last, [outcome]: last[outcome] + 1 };
  else buckets.push({ start, unanswered: 0, connected: 0, abandoned: 0, [outcome]: 1 });
  const next = { ...state, buckets };
  if (state.adjustedAt !== null && t - state.adjustedAt < config.adjustEverySeconds * 1000) {
    return next;
  }
  const rate = abandonRate(next, config);
  if (rate === null) return next;
  const ratio =
    rate > config.maxAbandonRate
      ? Math.max(config.minRatio, state.ratio * config.decreaseFactor)
      : Math.min(config.maxRatio, state.ratio + config.increaseStep);
  return { ...next, ratio, adjustedAt: t };
}

/** Lines to dial per free agent now. */
export function pacingRatio(state: PacerState, config: PacingConfig): number {
  return Math.min(config.maxRatio, Math.max(config.minRatio, state.ratio));
}
