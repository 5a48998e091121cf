import { describe, expect, it } from 'vitest';
import {
  DEFAULT_FUSION_OPTIONS,
  fuseEmotion,
  type FusedEmotion,
} from '../../src/models/emotion-fusion.js';
import { keywordEmotion } from '../../src/models/keyword/emotion.js';
import type { EmotionLabel, EmotionResult } from '../../src/models/types.js';

const text = (label: EmotionLabel, valence: number): EmotionResult => ({ label, valence });

describe('fuseEmotion', () => {
  // Defaults: text reliability 1, prosody 0.8; text impatience neutral 0, positive 0,
  // negative 0.3, angry 0.9, impatient 0.8; impatient at 0.5; valence penalty 0.3.
  it.each<
    [
      string,
      EmotionResult | null,
      number | null,
      Pick<FusedEmotion, 'label'> & { impatience: number; valence: number },
    ]
  >([
    ['nothing known', null, null, { label: 'neutral', impatience: 0, valence: 0 }],
    [
      'neutral words, calm voice',
      text('neutral', 0),
      0,
      { label: 'neutral', impatience: 0, valence: 0 },
    ],
    [
      'positive words, no baseline yet',
      text('positive', 0.6),
      null,
      { label: 'positive', impatience: 0, valence: 0.6 },
    ],
    [
      // Words alone reach the concise line (0.5), not a handoff (0.8).
      'impatient words only',
      text('impatient', -0.4),
      null,
      { label: 'impatient', impatience: 0.6, valence: -0.4 },
    ],
    ['impatient voice only', null, 0.9, { label: 'impatient', impatience: 0.72, valence: -0.27 }],
    [
      'neutral words, impatient voice',
      text('neutral', 0),
      1,
      { label: 'impatient', impatience: 0.8, valence: -0.3 },
    ],
    [
      'neutral words, slightly hurried voice',
      text('neutral', 0),
      0.4,
      { label: 'neutral', impatience: 0.32, valence: -0.12 },
    ],
    // 1 - (1 - 0.8)(1 - 0.8) = 0.96: agreement is stronger than either.
    [
      'impatient words and voice',
      text('impatient', -0.4),
      1,
      { label: 'impatient', impatience: 0.92, valence: -0.7 },
    ],
    // A hurried "great, fine" is labelled impatient and kept below -0.2, as the keyword model does.
    [
      'positive words, very impatient voice',
      text('positive', 0.5),
      1,
      { label: 'impatient', impatience: 0.8, valence: -0.2 },
    ],
    [
      'angry words stay angry',
      text('angry', -0.8),
      1,
      { label: 'angry', impatience: 0.98, valence: -1 },
    ],
    [
      'negative words, calm voice',
      text('negative', -0.5),
      0,
      { label: 'negative', impatience: 0.3, valence: -0.5 },
    ],
  ])('%s', (_name, t, p, expected) => {
    const f = fuseEmotion(t, p);
    expect(f.label).toBe(expected.label);
    expect(f.impatience).toBeCloseTo(expected.impatience, 6);
    expect(f.valence).toBeCloseTo(expected.valence, 6);
    expect(f.sources).toEqual({ text: t !== null, prosody: p !== null });
  });

  it('stays in range for any input', () => {
    for (const label of ['neutral', 'positive', 'negative', 'angry', 'impatient'] as const) {
      for (const v of [-1, -0.3, 0, 0.4, 1]) {
        for (const p of [undefined, -0.5, 0, 0.3, 0.7, 1, 2, Number.NaN]) {
          const f = fuseEmotion(text(label, v), p);
          expect(f.impatience).toBeGreaterThanOrEqual(0);
          expect(f.impatience).toBeLessThanOrEqual(1);
          expect(Math.abs(f.valence)).toBeLessThanOrEqual(1);
          if (f.label === 'impatient') expect(f.valence).toBeLessThanOrEqual(-0.2);
        }
      }
    }
  });

  it('never lowers impatience when the voice gets more impatient', () => {
    for (const label of ['neutral', 'positive', 'negative', 'angry', 'impatient'] as const) {
      let prev = -1;
      for (let p = 0; p <= 1.0001; p += 0.1) {
        const f = fuseEmotion(text(label, 0), p);
        expect(f.impatience).toBeGreaterThanOrEqual(prev);
        prev = f.impatience;
      }
    }
  });

  it('takes its weights from the caller', () => {
    const voiceOnly = { ...DEFAULT_FUSION_OPTIONS, textReliability: 0, prosodyReliability: 1 };
    expect(fuseEmotion(text('impatient', -0.5), 0, voiceOnly).impatience).toBe(0);
    expect(fuseEmotion(text('neutral', 0), 0.6, voiceOnly)).toMatchObject({
      impatience: 0.6,
      label: 'impatient',
    });
    const strict = { ...DEFAULT_FUSION_OPTIONS, impatientAt: 0.9 };
    expect(fuseEmotion(null, 1, strict).label).toBe('neutral');
  });

  it('works on the keyword model output', () => {
    const f = fuseEmotion(keywordEmotion('快点说重点，我很忙'), 0.7);
    expect(f.label).toBe('impatient');
    // Words and a hurried voice together reach the handoff threshold (0.8 in transfer.json).
    expect(f.impatience).toBeGreaterThan(0.8);
  });
});
