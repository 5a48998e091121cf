import { z } from 'zod';
import { cutWords } from './jieba.js';

/**
 * Text → sparse features, for Chinese and English, in one place. The version
 * is saved with every model: a model only loads with the featurizer that
 * trained it, because a changed n-gram rule silently changes every feature id.
 */
export const FEATURIZER_VERSION = 'ngram-1';

export const featurizerConfigSchema = z.object({
  version: z.literal(FEATURIZER_VERSION),
  /** Character n-gram lengths for space-delimited text (English). */
  charMin: z.number().int().min(1),
  charMax: z.number().int().min(1),
  /** Character n-gram lengths for Chinese (Han) text, on top of jieba words. */
  hanCharMin: z.number().int().min(1),
  hanCharMax: z.number().int().min(1),
  wordBigrams: z.boolean(),
});
export type FeaturizerConfig = z.infer<typeof featurizerConfigSchema>;

export const DEFAULT_FEATURIZER: FeaturizerConfig = {
  version: FEATURIZER_VERSION,
  charMin: 2,
  charMax: 5,
  hanCharMin: 1,
  hanCharMax: 3,
  wordBigrams: true,
};

const HAN = /\p{Script=Han}/u;
const WORD = /[\p{L}\p{N}]+(?:['’][\p{L}]+)*/gu;

/** NFKC folds full-width forms (ＡＢＣ, １２３) into their ASCII twins; case carries no intent. */
export const normalizeText = (text: string): string => text.normalize('NFKC').toLowerCase();

export const isChinese = (text: string): boolean => HAN.test(text);

/** Surrogate pairs (emoji, rare Han): only then must n-grams count code points, not code units. */
const ASTRAL = /[\uD800-\uDFFF]/;

/**
 * Character n-grams carry no prefix: they are cut from letters, digits,
 * apostrophes and spaces, so they never contain the ':' every word feature
 * has. Each n-gram is then one string slice and nothing else — garbage here
 * is what drives the p99 of a single prediction (young-generation GC).
 */
function charGrams(s: string, min: number, max: number, emit: Emit): void {
  const chars = ASTRAL.test(s) ? Array.from(s) : null;
  const length = chars ? chars.length : s.length;
  for (let n = min; n <= max; n++) {
    for (let i = 0; i + n <= length; i++)
      emit(chars ? chars.slice(i, i + n).join('') : s.slice(i, i + n));
  }
}

function wordGrams(words: string[], bigrams: boolean, emit: Emit): void {
  for (const w of words) emit(`w:${w}`);
  if (!bigrams) return;
  // Sentence boundaries as pseudo-words: "can i" at the start is a question, mid-sentence it is not.
  const padded = ['<s>', ...words, '</s>'];
  for (let i = 0; i + 1 < padded.length; i++) emit(`b:${padded[i]} ${padded[i + 1]}`);
}

type Emit = (feature: string) => void;

/**
 * The features of one text, repeated as often as they occur, handed to
 * `emit` (inference looks each up as it comes, building no array). Chinese
 * (any Han character): jieba words and character 1..3-grams, which survive
 * segmentation errors. Otherwise: lower-cased words, word bigrams and
 * character n-grams over the whole text with word boundaries marked, which
 * catch misspellings and inflections ("transfered", "transfers").
 */
export function forEachFeature(text: string, cfg: FeaturizerConfig, emit: Emit): void {
  const norm = normalizeText(text).trim();
  if (isChinese(norm)) {
    const words = cutWords(norm).filter((w) => /[\p{L}\p{N}]/u.test(w));
    if (words.length === 0) return;
    wordGrams(words, cfg.wordBigrams, emit);
    charGrams(norm.replace(/[^\p{L}\p{N}]+/gu, ''), cfg.hanCharMin, cfg.hanCharMax, emit);
    return;
  }
  const words = norm.match(WORD) ?? [];
  if (words.length === 0) return;
  wordGrams(words, cfg.wordBigrams, emit);
  charGrams(` ${words.join(' ')} `, cfg.charMin, cfg.charMax, emit);
}

export function featurize(text: string, cfg: FeaturizerConfig = DEFAULT_FEATURIZER): string[] {
  const out: string[] = [];
  forEachFeature(text, cfg, (f) => out.push(f));
  return out;
}
