import { describe, expect, it } from 'vitest';
import {
  DEFAULT_FEATURIZER,
  featurize,
  isChinese,
  normalizeText,
} from '../../src/models/text/featurize.js';

describe('featurize', () => {
  it('is deterministic', () => {
    const text = 'I still have not received my new card, 我的卡还没到';
    expect(featurize(text)).toEqual(featurize(text));
    expect(featurize(text)).toEqual(featurize(text, DEFAULT_FEATURIZER));
  });

  it('folds case and full-width forms', () => {
    expect(normalizeText('ＣＡＲＤ Card')).toBe('card card');
    expect(featurize('ＣＡＲＤ')).toEqual(featurize('card'));
  });

  it('gives English words, bigrams with sentence bounds and boundary-marked char n-grams', () => {
    const f = featurize('Card arrived');
    expect(f).toContain('w:card');
    expect(f).toContain('b:<s> card');
    expect(f).toContain('b:card arrived');
    expect(f).toContain('b:arrived </s>');
    expect(f).toContain(' ca');
    expect(f).toContain('ved ');
    const grams = f.filter((x) => !x.includes(':')).map((x) => [...x].length);
    expect(Math.min(...grams)).toBe(DEFAULT_FEATURIZER.charMin);
    expect(Math.max(...grams)).toBe(DEFAULT_FEATURIZER.charMax);
    expect(f.some((x) => /\p{Script=Han}/u.test(x))).toBe(false);
  });

  it('gives Chinese jieba words and character 1..3-grams', () => {
    expect(isChinese('我想找餐馆')).toBe(true);
    expect(isChinese('find a restaurant')).toBe(false);
    const f = featurize('我想找一家餐馆。');
    expect(f).toContain('w:餐馆');
    expect(f).toContain('餐');
    expect(f).toContain('一家餐');
    // Punctuation makes no features, and no English-style boundary n-grams appear.
    expect(f.some((x) => x.includes('。'))).toBe(false);
    expect(f.some((x) => !x.includes(':') && x.includes(' '))).toBe(false);
    const grams = f.filter((x) => !x.includes(':')).map((x) => [...x].length);
    expect(Math.max(...grams)).toBe(DEFAULT_FEATURIZER.hanCharMax);
  });

  it('respects the configuration', () => {
    const f = featurize('card arrived', { ...DEFAULT_FEATURIZER, wordBigrams: false, charMax: 3 });
    expect(f.some((x) => x.startsWith('b:'))).toBe(false);
    expect(f.filter((x) => !x.includes(':')).every((x) => [...x].length <= 3)).toBe(true);
  });

  it('gives nothing for empty or punctuation-only text', () => {
    expect(featurize('')).toEqual([]);
    expect(featurize('?!')).toEqual(featurize(''));
  });
});

describe('featurize with characters outside the BMP', () => {
  it('counts code points, not UTF-16 units, in character n-grams', () => {
    // U+20000 is one Han character, two UTF-16 units.
    const f = featurize('𠀀好吗');
    expect(f).toContain('𠀀');
    expect(f).toContain('𠀀好');
    expect(f).toContain('𠀀好吗');
    for (const x of f.filter((g) => !g.includes(':')))
      expect(x).not.toMatch(/^[\uDC00-\uDFFF]|[\uD800-\uDBFF]$/); // no split pairs
  });
});
