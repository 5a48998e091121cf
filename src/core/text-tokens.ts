/**
 * The transcript search tokeniser, shared by the indexer, the query and the
 * scan of turns not yet indexed: all three must cut text the same way. It
 * lives in core because the knowledge base's retrieval (models/knowledge)
 * cuts text the same way too; analytics re-exports it.
 */

/** NFKC first, so full-width letters and digits fold to their ASCII forms before lower-casing. */
export const fold = (text: string): string => text.normalize('NFKC').toLowerCase();

const OTHER = 0;
const WORD = 1;
const CJK = 2;
const UNKNOWN = 255;

const WORD_CHAR = /[\p{L}\p{N}]/u;
// Script extensions, not scripts: the long-vowel mark ー and 々 belong to their words.
const CJK_CHAR = /[\p{scx=Han}\p{scx=Hiragana}\p{scx=Katakana}\p{scx=Hangul}]/u;

const classify = (ch: string): number =>
  !WORD_CHAR.test(ch) ? OTHER : CJK_CHAR.test(ch) ? CJK : WORD;

// Filled on first sight of a code unit: the tokeniser runs per character on
// the indexing hot path, where a regular expression per character would not do.
const bmpClass = new Uint8Array(0x10000).fill(UNKNOWN);
const astralClass = new Map<number, number>();

const learnBmp = (code: number): number =>
  (bmpClass[code] = code >= 0xd800 && code <= 0xdfff ? OTHER : classify(String.fromCharCode(code)));

function learnAstral(cp: number): number {
  let c = astralClass.get(cp);
  if (c === undefined) astralClass.set(cp, (c = classify(String.fromCodePoint(cp))));
  return c;
}

/**
 * Calls `emit` with the bounds of each token of folded[from, to), in order,
 * repeats included: maximal runs of letters and digits outside CJK as words;
 * a CJK run of one character as that character, a longer one as its
 * overlapping bigrams (as Lucene's CJKAnalyzer does). With `unigrams`, every
 * CJK character is emitted as well (the index keeps them, so that a query for
 * one character is one lookup).
 */
export function scanTokens(
  folded: string,
  from: number,
  to: number,
  emit: (start: number, end: number) => void,
  unigrams = false,
): void {
  let runClass = OTHER;
  let runStart = 0;
  let prev = -1;
  for (let i = from; i <= to;) {
    let cls = OTHER;
    let width = 1;
    if (i < to) {
      const code = folded.charCodeAt(i);
      cls = bmpClass[code]!;
      if (cls === UNKNOWN) cls = learnBmp(code);
      // Surrogates class as OTHER in the table: a pair is one astral character.
      if (code >= 0xd800 && code <= 0xdbff && i + 1 < to) {
        const cp = folded.codePointAt(i)!;
        if (cp > 0xffff) {
          cls = learnAstral(cp);
          width = 2;
        }
      }
    }
    if (cls !== runClass) {
      if (runClass === WORD || (runClass === CJK && prev === runStart && !unigrams))
        emit(runStart, i);
      runClass = cls;
      runStart = i;
      prev = -1;
    }
    if (cls === CJK) {
      if (unigrams) emit(i, i + width);
      if (prev >= 0) emit(prev, i + width);
      prev = i;
    }
    i += width;
  }
}

/** Calls `emit` with each token of folded text, as `scanTokens` cuts it. */
export function forEachToken(folded: string, emit: (token: string) => void): void {
  scanTokens(folded, 0, folded.length, (start, end) => emit(folded.slice(start, end)));
}

/** The distinct tokens of raw text, in first-seen order. */
export function tokensOf(text: string): string[] {
  const seen = new Set<string>();
  forEachToken(fold(text), (t) => seen.add(t));
  return [...seen];
}

/** How a query token finds index terms (see README, Transcript search). */
export type TokenMatch = 'exact' | 'prefix' | 'char';

/** Latin words this long (in code points) match as prefixes; shorter ones only exactly. */
export const PREFIX_MIN = 3;

/** Whether a token (or term) is CJK rather than a word. */
export function isCjk(token: string): boolean {
  const cp = token.codePointAt(0)!;
  if (cp > 0xffff) return learnAstral(cp) === CJK;
  const cls = bmpClass[cp]!;
  return (cls === UNKNOWN ? learnBmp(cp) : cls) === CJK;
}

export function matchOf(token: string): TokenMatch {
  const chars = [...token].length;
  if (isCjk(token)) return chars === 1 ? 'char' : 'exact';
  return chars >= PREFIX_MIN ? 'prefix' : 'exact';
}

/** Whether an index term satisfies a query token under its match rule. */
export function termMatches(term: string, token: string, match: TokenMatch): boolean {
  if (match === 'exact') return term === token;
  if (match === 'prefix') return term.startsWith(token);
  // Bigrams and unigrams are the only terms holding CJK characters.
  return term.includes(token);
}
