import { isAsciiWord, type FoldTables } from './fold.js';
import { BARRIER, normalize, wordEndsAt, wordStartsAt, type Utterance } from './normalized.js';

/**
 * Every configured phrase — terms, pattern cues, negations, allowed
 * phrases — in one trie over folded text, so an utterance is scanned once
 * whatever the size of the configuration.
 */

export const TERM = 0;
export const CUE = 1;
export const NEG = 2;
export const NEG_AFTER = 3;
export const REPLY = 4;
export const NOT_NEG = 5;
export const CONTRAST = 6;
export const ALLOW = 7;
export const ABSOLUTE = 8;
export const EXCLUDE = 9;
export const ECHO = 10;
export const RHETORICAL = 11;

export interface Entry {
  readonly kind: number;
  /** Rule name (TERM, CUE, ABSOLUTE). */
  readonly rule: string;
  /** The phrase as configured, reported as a hit's term. */
  readonly term: string;
  /** CUE: pattern index and cue group. */
  readonly pattern: number;
  readonly group: number;
  /** NEG, NEG_AFTER: folded characters allowed between cue and match. */
  readonly scope: number;
  /** An English phrase must start and end on word edges of the original text. */
  readonly asciiStart: boolean;
  readonly asciiEnd: boolean;
}

export interface Occurrence {
  readonly e: Entry;
  readonly from: number;
  readonly to: number;
}

interface Node {
  readonly next: Map<number, Node>;
  out: Entry[] | null;
}

const node = (): Node => ({ next: new Map(), out: null });

export type EntrySpec = Partial<Pick<Entry, 'rule' | 'pattern' | 'group' | 'scope'>> & {
  kind: number;
};

export class Lexicon {
  private readonly root = node();
  /** Problems found while adding phrases, with their config paths. */
  readonly problems: string[] = [];

  constructor(private readonly tables: FoldTables) {}

  /** The folded form of a phrase, or undefined (and a problem recorded) when it cannot match. */
  fold(phrase: string, path: string): string | undefined {
    const s = normalize(phrase, this.tables).s.replace(/\n$/, '');
    if (!s) this.problems.push(`${path}: "${phrase}" is only spaces or punctuation`);
    else if (s.includes(BARRIER))
      this.problems.push(`${path}: "${phrase}" spans a clause boundary (，。！？；)`);
    else return s;
    return undefined;
  }

  add(phrase: string, spec: EntrySpec, path: string): string | undefined {
    const s = this.fold(phrase, path);
    if (s === undefined) return undefined;
    let n = this.root;
    for (let i = 0; i < s.length; i++) {
      const c = s.charCodeAt(i);
      let next = n.next.get(c);
      if (!next) n.next.set(c, (next = node()));
      n = next;
    }
    const entry: Entry = {
      rule: '',
      pattern: -1,
      group: -1,
      scope: 0,
      ...spec,
      term: phrase,
      asciiStart: isAsciiWord(s.charCodeAt(0)),
      asciiEnd: isAsciiWord(s.charCodeAt(s.length - 1)),
    };
    (n.out ??= []).push(entry);
    return s;
  }

  /** All occurrences, ordered by start then end. */
  scan(u: Utterance): Occurrence[] {
    const out: Occurrence[] = [];
    const s = u.s;
    const n = s.length;
    for (let i = 0; i < n; i++) {
      let at = this.root.next.get(s.charCodeAt(i));
      let j = i;
      while (at) {
        j++;
        if (at.out) {
          for (const e of at.out) {
            if (e.asciiStart && !wordStartsAt(u, u.starts[i]!)) continue;
            if (e.asciiEnd && !wordEndsAt(u, u.ends[j - 1]!)) continue;
            out.push({ e, from: i, to: j });
          }
        }
        if (j >= n) break;
        at = at.next.get(s.charCodeAt(j));
      }
    }
    return out;
  }
}
