import * as OpenCC from 'opencc-js';

/**
 * Per-code-unit folding tables for compliance matching, built once per
 * process: a lookup per character is what keeps the checker at a few µs a
 * turn. Folding covers what speakers and bot authors use to slip a promise
 * past a word list: full-width forms, case, pinyin tone marks, traditional
 * characters (the full OpenCC table, not a hand-picked one) and characters
 * inserted between the letters of a word.
 */

// What a code unit is to the matcher (plain numbers: read once per character).
export const KEEP = 0;
/** Spaces, punctuation, symbols, zero-width and combining marks: dropped, as a disguise. */
export const DROP_CHAR = 1;
/** Chinese clause and sentence punctuation: always a boundary. */
export const HARD_STOP = 2;
/** ASCII . , ; ! ? — a boundary only before white space: "g.u.a.r" is a disguise. */
export const SOFT_STOP = 3;
export const SURROGATE = 4;

export interface FoldTables {
  /** Folded code unit for each BMP code unit (meaningful where class is Keep). */
  readonly fold: Uint16Array;
  readonly cls: Uint8Array;
}

const HARD_STOPS = '。！？；，\n\r\uff01\uff1f\uff1b\uff0c\uff61';
const SOFT_STOPS = '.!?;,';
const DROP = /^[\s\p{P}\p{S}\p{Cf}\p{M}\p{Cc}]$/u;
/** Kept although a symbol: "100%" is absolute wording, "100" alone is not. */
const KEEP_SYMBOLS = '%';

/** CJK blocks OpenCC converts; one call over all of them, one character per line. */
const CJK_RANGES: readonly [number, number][] = [
  [0x3400, 0x4dbf],
  [0x4e00, 0x9fff],
  [0xf900, 0xfaff],
];

function traditionalToSimplified(fold: Uint16Array): void {
  const convert = OpenCC.Converter({ from: 't', to: 'cn' });
  const chars: string[] = [];
  for (const [lo, hi] of CJK_RANGES)
    for (let c = lo; c <= hi; c++) chars.push(String.fromCharCode(c));
  const out = convert(chars.join('\n')).split('\n');
  if (out.length !== chars.length) throw new Error('OpenCC changed the number of characters');
  chars.forEach((ch, i) => {
    const s = out[i]!;
    // A phrase-level rewrite to several characters would break offsets: keep the character.
    if (s !== ch && s.length === 1) fold[ch.charCodeAt(0)] = s.charCodeAt(0);
  });
}

/** Latin letter with tone marks or other diacritics → its bare lower-case letter (ǎ → a, ü → u). */
function bareLatin(ch: string): string {
  const bare = ch.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();
  return bare.length === 1 ? bare : ch.toLowerCase().slice(0, 1) || ch;
}

function build(): FoldTables {
  const fold = new Uint16Array(0x10000);
  const cls = new Uint8Array(0x10000);
  for (let cp = 0; cp < 0x10000; cp++) {
    if (cp >= 0xd800 && cp <= 0xdfff) {
      cls[cp] = SURROGATE;
      continue;
    }
    let ch = String.fromCharCode(cp);
    if (cp >= 0xff01 && cp <= 0xff5e) ch = String.fromCharCode(cp - 0xfee0);
    else if (cp === 0x3000) ch = ' ';
    else if (ch === '\u2018' || ch === '\u2019') ch = "'";
    if (cp >= 0xc0 && cp <= 0x24f) ch = bareLatin(ch);
    else ch = ch.toLowerCase().length === 1 ? ch.toLowerCase() : ch;
    fold[cp] = ch.charCodeAt(0);
    const orig = String.fromCharCode(cp);
    if (HARD_STOPS.includes(orig)) cls[cp] = HARD_STOP;
    else if (SOFT_STOPS.includes(ch)) cls[cp] = SOFT_STOP;
    else if (DROP.test(ch) && !KEEP_SYMBOLS.includes(ch)) cls[cp] = DROP_CHAR;
  }
  traditionalToSimplified(fold);
  return { fold, cls };
}

let shared: FoldTables | undefined;

/** The process-wide tables (about 40 ms to build, once). */
export function foldTables(): FoldTables {
  return (shared ??= build());
}

/** A private copy with configured variant characters folded too (保夲 → 保本). */
export function withVariants(variants: Readonly<Record<string, string>>): FoldTables {
  const base = foldTables();
  const entries = Object.entries(variants);
  if (entries.length === 0) return base;
  const fold = base.fold.slice();
  for (const [from, to] of entries) fold[from.charCodeAt(0)] = fold[to.charCodeAt(0)]!;
  return { fold, cls: base.cls };
}

/** True for a surrogate pair that is a symbol (emoji): dropped like punctuation. */
export function isDroppedAstral(cp: number): boolean {
  return DROP.test(String.fromCodePoint(cp));
}

export const isLatinLetter = (c: number): boolean => c >= 0x61 && c <= 0x7a;
export const isAsciiWord = (c: number): boolean =>
  (c >= 0x61 && c <= 0x7a) || (c >= 0x30 && c <= 0x39);
export const isCjk = (c: number): boolean =>
  (c >= 0x4e00 && c <= 0x9fff) || (c >= 0x3400 && c <= 0x4dbf) || c === 0x3007;
