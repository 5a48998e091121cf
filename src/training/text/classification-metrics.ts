/**
 * Classification metrics from gold and predicted labels: pure functions,
 * tested against hand-computed tables.
 */
export interface ClassScores {
  precision: number;
  recall: number;
  f1: number;
  support: number;
}

export interface ConfusedPair {
  gold: string;
  predicted: string;
  count: number;
}

export interface ClassificationMetrics {
  n: number;
  accuracy: number;
  macroF1: number;
  perClass: Record<string, ClassScores>;
  confusionTopPairs: ConfusedPair[];
}

const ratio = (a: number, b: number): number => (b === 0 ? 0 : a / b);
export const round4 = (x: number): number => Math.round(x * 1e4) / 1e4;

/** Precision, recall and F1 of one class from its counts; 0 where undefined (as scikit-learn). */
export function scores(tp: number, fp: number, fn: number): Omit<ClassScores, 'support'> {
  const precision = ratio(tp, tp + fp);
  const recall = ratio(tp, tp + fn);
  return { precision, recall, f1: ratio(2 * precision * recall, precision + recall) };
}

/**
 * Accuracy, macro-F1 over every label seen in gold or predictions, per-class
 * scores and the most frequent (gold → predicted) confusions.
 */
export function classificationMetrics(
  gold: readonly string[],
  pred: readonly string[],
  topPairs = 10,
): ClassificationMetrics {
  if (gold.length !== pred.length) throw new Error('gold and predictions differ in length');
  const tp = new Map<string, number>();
  const fp = new Map<string, number>();
  const fn = new Map<string, number>();
  const pairs = new Map<string, ConfusedPair>();
  const inc = (m: Map<string, number>, k: string) => m.set(k, (m.get(k) ?? 0) + 1);
  let correct = 0;
  gold.forEach((g, i) => {
    const p = pred[i]!;
    for (const m of [tp, fp, fn]) for (const k of [g, p]) if (!m.has(k)) m.set(k, 0);
    if (g === p) {
      correct++;
      inc(tp, g);
      return;
    }
    inc(fp, p);
    inc(fn, g);
    const key = `${g}\u0000${p}`;
    const pair = pairs.get(key) ?? { gold: g, predicted: p, count: 0 };
    pair.count++;
    pairs.set(key, pair);
  });
  const labels = [...tp.keys()].sort();
  const perClass: Record<string, ClassScores> = {};
  for (const l of labels) {
    const s = scores(tp.get(l)!, fp.get(l)!, fn.get(l)!);
    perClass[l] = {
      precision: round4(s.precision),
      recall: round4(s.recall),
      f1: round4(s.f1),
      support: tp.get(l)! + fn.get(l)!,
    };
  }
  const f1s = labels.map((l) => scores(tp.get(l)!, fp.get(l)!, fn.get(l)!).f1);
  return {
    n: gold.length,
    accuracy: round4(ratio(correct, gold.length)),
    macroF1: round4(
      ratio(
        f1s.reduce((a, b) => a + b, 0),
        labels.length,
      ),
    ),
    perClass,
    confusionTopPairs: [...pairs.values()]
      .sort((a, b) => b.count - a.count || a.gold.localeCompare(b.gold))
      .slice(0, topPairs),
  };
}

/**
 * Macro-F1 of a multi-label task when the model predicts a set per text (here
 * the top label): per-class binary F1 over texts, averaged over `labels`. The
 * GoEmotions paper reports this figure.
 */
export function multiLabelMacroF1(
  gold: readonly (readonly string[])[],
  pred: readonly (readonly string[])[],
  labels: readonly string[],
): number {
  const f1s = labels.map((l) => {
    let tp = 0;
    let fp = 0;
    let fn = 0;
    gold.forEach((g, i) => {
      const inGold = g.includes(l);
      const inPred = pred[i]!.includes(l);
      if (inGold && inPred) tp++;
      else if (inPred) fp++;
      else if (inGold) fn++;
    });
    return scores(tp, fp, fn).f1;
  });
  return round4(
    ratio(
      f1s.reduce((a, b) => a + b, 0),
      labels.length,
    ),
  );
}

/**
 * Micro-F1 over set members, for labels that are sets joined with "+"
 * (CrossWOZ act sets): partial credit where exact match gives none.
 */
export function setMicroF1(gold: readonly string[], pred: readonly string[], sep = '+'): number {
  let tp = 0;
  let fp = 0;
  let fn = 0;
  gold.forEach((g, i) => {
    const gs = new Set(g.split(sep));
    const ps = new Set(pred[i]!.split(sep));
    for (const p of ps)
      if (gs.has(p)) tp++;
      else fp++;
    for (const x of gs) if (!ps.has(x)) fn++;
  });
  return round4(scores(tp, fp, fn).f1);
}

export interface OosMetrics {
  /** Of the utterances flagged out of scope, the share that were. */
  precision: number;
  /** Of the out-of-scope utterances, the share flagged. */
  recall: number;
  /** In-scope utterances with the right label and not flagged (Larson et al.'s in-scope accuracy). */
  inScopeAccuracy: number;
  /** In-scope utterances wrongly flagged out of scope. */
  inScopeFlagged: number;
  /** In-scope utterances whose top label is right, flags ignored (closed-set accuracy). */
  inScopeTopLabelAccuracy: number;
  support: number;
}

export function oosMetrics(
  gold: readonly string[],
  pred: readonly { label: string; outOfScope: boolean }[],
  oosLabel: string,
): OosMetrics {
  let tp = 0;
  let fp = 0;
  let fn = 0;
  let inScope = 0;
  let inScopeRight = 0;
  let topRight = 0;
  gold.forEach((g, i) => {
    const p = pred[i]!;
    if (g === oosLabel) {
      if (p.outOfScope) tp++;
      else fn++;
      return;
    }
    inScope++;
    if (p.label === g) topRight++;
    // A flagged in-scope utterance is a false alarm, whatever its label.
    if (p.outOfScope) fp++;
    else if (p.label === g) inScopeRight++;
  });
  const s = scores(tp, fp, fn);
  return {
    precision: round4(s.precision),
    recall: round4(s.recall),
    inScopeAccuracy: round4(ratio(inScopeRight, inScope)),
    inScopeFlagged: round4(ratio(fp, inScope)),
    inScopeTopLabelAccuracy: round4(ratio(topRight, inScope)),
    support: tp + fn,
  };
}

/** The q-quantile (0..1) of a sample, nearest-rank; NaN for an empty one. */
export function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
}
