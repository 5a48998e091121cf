/**
 * Out-of-scope threshold calibration on held-out data. Operators tolerate
 * "sorry, I did not get that" on a few utterances the bot would have got
 * right, not on many: the threshold is the highest confidence that flags at
 * most `maxFalseFlag` of the held-out utterances the model labels correctly.
 * Everything below it — true out-of-scope utterances and likely mistakes — is
 * flagged. Pure: confidences in, threshold out.
 */
export interface HeldOutPrediction {
  confidence: number;
  /** Right label, in scope. */
  correct: boolean;
}

export function calibrateThreshold(
  preds: readonly HeldOutPrediction[],
  maxFalseFlag: number,
): number {
  const right = preds
    .filter((p) => p.correct)
    .map((p) => p.confidence)
    .sort((a, b) => a - b);
  if (right.length === 0 || maxFalseFlag <= 0) return 0;
  // Flagging is `confidence < t`, so t = the k-th smallest right confidence flags exactly k of them.
  const k = Math.min(right.length - 1, Math.floor(right.length * maxFalseFlag));
  return right[k]!;
}
