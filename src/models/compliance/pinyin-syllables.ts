import { pinyin } from 'pinyin-pro';
import { isCjk, isLatinLetter } from './fold.js';
import { wordEndsAt, wordStartsAt, type Utterance } from './normalized.js';

/**
 * Matching by sound: a term's toneless pinyin against the text, where each
 * Chinese character contributes its pinyin and typed pinyin its letters.
 * 宝本 and 保夲 (ASR and variant characters), "bao ben", "BǍO BĚN",
 * "bao3 ben3" and 保ben all read "bao ben".
 */

const NONE = -2;
const UNKNOWN = -1;
/** Syllable id per (folded) code unit, filled on first sight: pinyin-pro costs µs per character. */
const syllableOfCode = new Int32Array(0x10000).fill(UNKNOWN);
const names: string[] = [];
const ids = new Map<string, number>();

const bare = (p: string): string => p.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();

function intern(syllable: string): number {
  let id = ids.get(syllable);
  if (id === undefined) {
    id = names.length;
    names.push(syllable);
    ids.set(syllable, id);
  }
  return id;
}

/** The character's most common toneless reading as an id, or NONE for a non-Chinese character. */
export function syllableId(code: number): number {
  const known = syllableOfCode[code]!;
  if (known !== UNKNOWN) return known;
  let id = NONE;
  if (isCjk(code)) {
    const p = bare(pinyin(String.fromCharCode(code), { toneType: 'none' }));
    if (/^[a-z]+$/.test(p)) id = intern(p);
  }
  syllableOfCode[code] = id;
  return id;
}

/** A phrase of Chinese characters as toneless syllables, read in context (不会 → bu hui). */
export function syllablesOf(phrase: string): string[] | undefined {
  for (let i = 0; i < phrase.length; i++) if (!isCjk(phrase.charCodeAt(i))) return undefined;
  const out = pinyin(phrase, { toneType: 'none', type: 'array', toneSandhi: false }).map(bare);
  return out.length === phrase.length && out.every((p) => /^[a-z]+$/.test(p)) ? out : undefined;
}

export interface Sounds {
  readonly syllables: readonly string[];
  readonly ids: readonly number[];
}

export const sounds = (syllables: readonly string[]): Sounds => ({
  syllables,
  ids: syllables.map(intern),
});

const isToneDigit = (c: number): boolean => c >= 0x31 && c <= 0x35;
/** Letters a pinyin syllable can start with: typed pinyin may run on into the next syllable. */
const INITIALS = new Set([...'bpmfdtnlgkhjqxzcsryw'].map((c) => c.charCodeAt(0)));

/**
 * End (exclusive) of `t` read from `from`, or -1. A typed-pinyin start must
 * begin a word; a typed-pinyin end must end one or run into a new syllable.
 */
export function matchAt(u: Utterance, from: number, t: Sounds): number {
  const s = u.s;
  let p = from;
  let latinEnd = false;
  if (isLatinLetter(s.charCodeAt(from)) && !wordStartsAt(u, u.starts[from]!)) return -1;
  for (let k = 0; k < t.ids.length; k++) {
    const c = s.charCodeAt(p);
    if (isLatinLetter(c)) {
      const w = t.syllables[k]!;
      if (!s.startsWith(w, p)) return -1;
      p += w.length;
      if (isToneDigit(s.charCodeAt(p))) p++;
      latinEnd = true;
    } else if (p < s.length && syllableId(c) === t.ids[k]) {
      p++;
      latinEnd = false;
    } else return -1;
  }
  if (latinEnd && p < s.length) {
    const next = s.charCodeAt(p);
    if (isLatinLetter(next) && !wordEndsAt(u, u.ends[p - 1]!) && !INITIALS.has(next)) return -1;
  }
  return p;
}

/** True when the text right before `to` reads `t` (a negation said or typed in pinyin: "bu bao ben"). */
export function endsWith(u: Utterance, to: number, t: Sounds): boolean {
  const s = u.s;
  let p = to;
  for (let k = t.ids.length - 1; k >= 0; k--) {
    if (p >= 2 && isToneDigit(s.charCodeAt(p - 1)) && isLatinLetter(s.charCodeAt(p - 2))) p--;
    if (p === 0) return false;
    const c = s.charCodeAt(p - 1);
    if (isLatinLetter(c)) {
      const w = t.syllables[k]!;
      if (p < w.length || !s.startsWith(w, p - w.length)) return false;
      p -= w.length;
    } else if (syllableId(c) === t.ids[k]) p--;
    else return false;
  }
  return !isLatinLetter(s.charCodeAt(p)) || wordStartsAt(u, u.starts[p]!);
}
