import { percentile } from './frames.js';

export interface SilenceOptions {
  /** Percentile of frame levels taken as the background (noise floor). */
  floorPercentile: number;
  /** Percentile taken as the speech level. */
  speechPercentile: number;
  /** Where between floor and speech level the threshold sits (0..1). */
  fraction: number;
  /**
   * The threshold is kept between these many dB below the speech level:
   * at least `minDropDb` so a noisy line (SNR ~10 dB) still shows pauses,
   * at most `maxDropDb` so digital silence (a -100 dB floor) does not push
   * it under the quiet consonants.
   */
  minDropDb: number;
  maxDropDb: number;
  /**
   * Frames at or below this level (dBFS) are silent whatever the recording:
   * without it, digital silence alone would be its own "speech level".
   */
  absoluteFloorDb: number;
  /** Shorter silent runs are stop closures and breaths inside speech, not pauses. */
  minPauseMs: number;
}

export const DEFAULT_SILENCE_OPTIONS: SilenceOptions = {
  floorPercentile: 5,
  speechPercentile: 95,
  fraction: 0.5,
  minDropDb: 6,
  maxDropDb: 35,
  absoluteFloorDb: -70,
  minPauseMs: 150,
};

/** Level in dB under which a frame is silent, adapted to this recording's floor and speech level. */
export function silenceThresholdDb(levelsDb: ArrayLike<number>, o: SilenceOptions): number {
  const floor = percentile(levelsDb, o.floorPercentile);
  const speech = percentile(levelsDb, o.speechPercentile);
  const drop = Math.min(o.maxDropDb, Math.max(o.minDropDb, o.fraction * (speech - floor)));
  return Math.max(o.absoluteFloorDb, speech - drop);
}

export interface Segmentation {
  /** 1 for frames that are speech: inside the utterance and not part of a pause. */
  speech: Uint8Array;
  /** First and one-past-last frame above the threshold; equal when there is no speech. */
  start: number;
  end: number;
  pauseFrames: number;
}

/**
 * Splits frames into speech and pauses. Leading and trailing silence is cut
 * off: it is the endpointer's margin, not the caller's behaviour, and would
 * otherwise make the pause ratio depend on how the audio was segmented.
 */
export function segment(
  levelsDb: ArrayLike<number>,
  thresholdDb: number,
  minPauseFrames: number,
): Segmentation {
  const n = levelsDb.length;
  const loud = (i: number): boolean => (levelsDb[i] ?? -Infinity) > thresholdDb;
  let start = 0;
  while (start < n && !loud(start)) start++;
  let end = n;
  while (end > start && !loud(end - 1)) end--;
  const speech = new Uint8Array(n);
  let pauseFrames = 0;
  for (let i = start; i < end;) {
    if (loud(i)) {
      speech[i++] = 1;
      continue;
    }
    let j = i;
    while (j < end && !loud(j)) j++;
    if (j - i >= minPauseFrames) pauseFrames += j - i;
    else speech.fill(1, i, j);
    i = j;
  }
  return { speech, start, end, pauseFrames };
}
