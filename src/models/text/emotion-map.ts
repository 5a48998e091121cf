import type { EmotionLabel } from '../types.js';

/**
 * Trained emotion labels → the turn interface's five labels and a valence.
 * GoEmotions (Ekman) and CPED labels both map here, so either model plugs
 * in. Valences are the usual placements on the circumplex (Russell 1980),
 * rounded: joy and gratitude high, anger and depression low. Neither
 * dataset has an "impatient" class; the adapter keeps the keyword cue for it.
 *
 * | source label                                    | label    | valence |
 * | ----------------------------------------------- | -------- | ------- |
 * | joy, happy, grateful                             | positive | 0.8     |
 * | relaxed, positive-other                          | positive | 0.5     |
 * | surprise, astonished                             | neutral  | 0.1     |
 * | neutral                                          | neutral  | 0       |
 * | worried, fear                                    | negative | -0.5    |
 * | sadness, depress, disgust, negative-other       | negative | -0.6    |
 * | anger                                            | angry    | -0.8    |
 */
export const EMOTION_MAP: Readonly<Record<string, { label: EmotionLabel; valence: number }>> = {
  joy: { label: 'positive', valence: 0.8 },
  happy: { label: 'positive', valence: 0.8 },
  grateful: { label: 'positive', valence: 0.8 },
  relaxed: { label: 'positive', valence: 0.5 },
  'positive-other': { label: 'positive', valence: 0.5 },
  surprise: { label: 'neutral', valence: 0.1 },
  astonished: { label: 'neutral', valence: 0.1 },
  neutral: { label: 'neutral', valence: 0 },
  worried: { label: 'negative', valence: -0.5 },
  fear: { label: 'negative', valence: -0.5 },
  sadness: { label: 'negative', valence: -0.6 },
  depress: { label: 'negative', valence: -0.6 },
  disgust: { label: 'negative', valence: -0.6 },
  'negative-other': { label: 'negative', valence: -0.6 },
  anger: { label: 'angry', valence: -0.8 },
};

/** Label ranges the valence is kept in, so label and valence never disagree (as the keyword model). */
const RANGE: Record<EmotionLabel, [number, number]> = {
  positive: [0.1, 1],
  neutral: [-0.3, 0.3],
  negative: [-1, -0.1],
  angry: [-1, -0.6],
  impatient: [-1, -0.2],
};

const round2 = (v: number): number => Math.round(v * 100) / 100 || 0;

/**
 * The interface label is the one with the most probability mass summed over
 * its source labels (three weak negatives beat one neutral); the valence is
 * the probability-weighted mean. Labels the table lacks count as neutral.
 */
export function mapEmotion(
  labels: readonly string[],
  probs: ArrayLike<number>,
): { label: EmotionLabel; valence: number } {
  const mass: Record<EmotionLabel, number> = {
    neutral: 0,
    positive: 0,
    negative: 0,
    angry: 0,
    impatient: 0,
  };
  let valence = 0;
  labels.forEach((l, i) => {
    const m = EMOTION_MAP[l] ?? { label: 'neutral', valence: 0 };
    mass[m.label] += probs[i]!;
    valence += probs[i]! * m.valence;
  });
  let label: EmotionLabel = 'neutral';
  for (const k of Object.keys(mass) as EmotionLabel[]) if (mass[k] > mass[label]) label = k;
  const [lo, hi] = RANGE[label];
  return { label, valence: round2(Math.min(hi, Math.max(lo, valence))) };
}
