/**
 * The promotion gate: a challenger replaces the champion only when, on the
 * same frozen evaluation set, it is better overall by at least `minGain`
 * and no part of the task (a class, or a data source) got worse by more
 * than `maxPartDrop`. Both are absolute differences of the same metric
 * (accuracy 0.92 → 0.93 is a gain of 0.01).
 */
export interface GateOptions {
  minGain: number;
  maxPartDrop: number;
}

/** One model's result on the frozen evaluation set. */
export interface GateScore {
  /** e.g. "accuracy", "macroF1", "meanAuc": higher is better. */
  metric: string;
  value: number;
  /** Per class F1 (text models) or per source AUC (propensity): higher is better. */
  parts: Record<string, number>;
  /** What the parts are, for the report: "class" or "source". */
  partKind: string;
}

export interface GateDecision {
  promote: boolean;
  /** Why, in words an analyst can act on; every failed check is listed. */
  reasons: string[];
  gain: number | null;
  /** Parts that dropped by more than allowed, worst first. */
  regressions: { part: string; champion: number; challenger: number; drop: number }[];
}

const f = (x: number) => x.toFixed(4);

export function promotionDecision(
  champion: GateScore | undefined,
  challenger: GateScore,
  opts: GateOptions,
): GateDecision {
  if (!champion)
    return { promote: true, reasons: ['no champion yet'], gain: null, regressions: [] };
  const reasons: string[] = [];
  const gain = challenger.value - champion.value;
  const gainOk = gain >= opts.minGain;
  reasons.push(
    `${challenger.metric} ${f(champion.value)} → ${f(challenger.value)} (${gain >= 0 ? '+' : ''}${f(gain)}; ` +
      `needs ≥ +${f(opts.minGain)})${gainOk ? '' : ': not enough'}`,
  );
  const regressions = Object.entries(champion.parts)
    .map(([part, before]) => {
      const after = challenger.parts[part] ?? 0;
      return { part, champion: before, challenger: after, drop: before - after };
    })
    .filter((r) => r.drop > opts.maxPartDrop)
    .sort((a, b) => b.drop - a.drop);
  for (const r of regressions)
    reasons.push(
      `${challenger.partKind} ${r.part} regressed ${f(r.champion)} → ${f(r.challenger)} ` +
        `(−${f(r.drop)}; at most −${f(opts.maxPartDrop)} allowed)`,
    );
  return { promote: gainOk && regressions.length === 0, reasons, gain, regressions };
}
