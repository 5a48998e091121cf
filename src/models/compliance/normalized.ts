import {
  DROP_CHAR,
  HARD_STOP,
  isAsciiWord,
  isDroppedAstral,
  KEEP,
  SURROGATE,
  type FoldTables,
} from './fold.js';

/** Stands for a clause boundary in normalised text; no match crosses it. */
export const BARRIER = '\n';
export const BARRIER_CODE = 10;

/**
 * An utterance prepared for disguise-proof matching: `s` is folded with the
 * separators a speaker can slip between characters dropped, and clause
 * punctuation turned into BARRIER. Code unit i of `s` came from
 * `text.slice(starts[i], ends[i])`, so hits point into the original text.
 */
export interface Utterance {
  readonly text: string;
  readonly s: string;
  readonly starts: readonly number[];
  readonly ends: readonly number[];
  readonly tables: FoldTables;
}

const isSpace = (c: number): boolean =>
  c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d || c === 0xa0 || c === 0x3000;

export function normalize(text: string, tables: FoldTables): Utterance {
  const { fold, cls } = tables;
  let s = '';
  const starts: number[] = [];
  const ends: number[] = [];
  const n = text.length;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    const k = cls[c];
    if (k === KEEP) {
      s += String.fromCharCode(fold[c]!);
      starts.push(i);
      ends.push(i + 1);
    } else if (k === SURROGATE) {
      const cp = text.codePointAt(i)!;
      if (cp <= 0xffff) continue; // a lone surrogate carries nothing
      if (!isDroppedAstral(cp)) {
        s += text.slice(i, i + 2);
        starts.push(i, i);
        ends.push(i + 2, i + 2);
      }
      i++;
    } else if (k !== DROP_CHAR) {
      const stop = k === HARD_STOP || i + 1 >= n || isSpace(text.charCodeAt(i + 1));
      if (stop && s.length > 0 && s.charCodeAt(s.length - 1) !== BARRIER_CODE) {
        s += BARRIER;
        starts.push(i);
        ends.push(i + 1);
      }
    }
  }
  return { text, s, starts, ends, tables };
}

/** True when `s` has no BARRIER in [from, to). */
export const sameClause = (u: Utterance, from: number, to: number): boolean => {
  const k = u.s.indexOf(BARRIER, from);
  return k === -1 || k >= to;
};

/** True when the original text has no ASCII letter or digit right before `offset`. */
export function wordStartsAt(u: Utterance, offset: number): boolean {
  if (offset === 0) return true;
  const c = u.text.charCodeAt(offset - 1);
  return u.tables.cls[c] !== KEEP || !isAsciiWord(u.tables.fold[c]!);
}

/** True when the original text has no ASCII letter or digit at `offset`. */
export function wordEndsAt(u: Utterance, offset: number): boolean {
  if (offset >= u.text.length) return true;
  const c = u.text.charCodeAt(offset);
  return u.tables.cls[c] !== KEEP || !isAsciiWord(u.tables.fold[c]!);
}
