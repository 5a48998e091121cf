/**
 * The ways knowledge text becomes BM25 terms, by name (the setting
 * DIALWISE_KNOWLEDGE_TOKENIZER picks one). A chunk's terms and a query's
 * must come from the same tokenizer: the store keeps postings per name.
 */
import type { KnowledgeTokenizer } from '../../core/config-generation.js';
import { fold, isCjk, scanTokens } from '../../core/text-tokens.js';
import { cutWords } from '../text/jieba.js';

/** The terms of a text, repeats included (term frequency counts them). */
export type Tokenizer = (text: string) => string[];

const HAS_WORD_CHAR = /[\p{L}\p{N}]/u;

/** Transcript search's cut: CJK runs as overlapping bigrams (with `chars`, each character too), other letter and digit runs as words. */
function cjkGrams(text: string, chars: boolean): string[] {
  const folded = fold(text);
  const out: string[] = [];
  scanTokens(folded, 0, folded.length, (start, end) => out.push(folded.slice(start, end)), chars);
  return out;
}

/** jieba's words (default dictionary, HMM for unknown words), punctuation and spaces dropped. */
const jiebaWords = (text: string): string[] =>
  cutWords(fold(text)).filter((w) => HAS_WORD_CHAR.test(w));

/** Each word, and each character of a CJK word of two or more. */
const withChars = (words: string[]): string[] =>
  words.flatMap((w) => ([...w].length > 1 && isCjk(w) ? [w, ...w] : [w]));

// The "-char" ones keep characters as terms too: a paraphrase that shares no
// word or bigram with a chunk (亏本 / 亏损) still shares characters, at a low IDF.
export const TOKENIZERS: Record<KnowledgeTokenizer, Tokenizer> = {
  bigram: (text) => cjkGrams(text, false),
  'bigram-char': (text) => cjkGrams(text, true),
  jieba: jiebaWords,
  'jieba-char': (text) => withChars(jiebaWords(text)),
};

/** Each distinct term of a text with its count. */
export function termCounts(tokenize: Tokenizer, text: string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const t of tokenize(text)) counts.set(t, (counts.get(t) ?? 0) + 1);
  return counts;
}
