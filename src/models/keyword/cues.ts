import { fold } from './normalize.js';

/**
 * Keyword cues for the intent, emotion and objection baselines. Cues match
 * longest first and a matched span is consumed, so "不感兴趣" is not also read
 * as "感兴趣" and "not too expensive" not as "too expensive". A cue whose
 * label is null (a blocker) only consumes: it exists to shadow a shorter cue.
 */
export interface Cue<L extends string> {
  readonly label: L | null;
  readonly text: string;
  readonly weight: number;
  readonly re: RegExp;
  /** A piece every match contains: a cheap `includes` test skips most regexes. */
  readonly probe: string;
}

export interface CueHit<L extends string> {
  label: L;
  start: number;
  end: number;
  weight: number;
}

const escape = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const ASCII_WORD = /[a-z0-9]/;

/** English cues match whole words, tolerate missing apostrophes and any spacing. */
function pattern(text: string): RegExp {
  const body = escape(text).replace(/\s+/g, '\\s*').replace(/'/g, "'?");
  const head = ASCII_WORD.test(text.charAt(0)) ? '(?<![a-z0-9])' : '';
  const tail = ASCII_WORD.test(text.charAt(text.length - 1)) ? '(?![a-z0-9])' : '';
  return new RegExp(head + body + tail, 'g');
}

/** Longer cues are stronger evidence; an English letter counts as a third of a CJK character. */
export function cueWeight(text: string): number {
  let units = 0;
  for (const c of text.replace(/\s+/g, '')) units += c.charCodeAt(0) < 128 ? 1 / 3 : 1;
  return Math.min(1, 0.3 + 0.2 * units);
}

/** Cues longest first, bucketed by a hash of the first one or two characters of their probe. */
export interface CueSet<L extends string> {
  readonly cues: readonly Cue<L>[];
  readonly buckets: readonly (readonly number[] | null)[];
}

// Buckets are an array indexed by a small hash: no string or map key per
// character. A collision only adds a candidate, which the match then rejects.
const BUCKETS = 1 << 16;
const hash1 = (c0: number): number => c0 & (BUCKETS - 1);
const hash2 = (c0: number, c1: number): number => (Math.imul(c0, 40_503) ^ c1) & (BUCKETS - 1);

export function compileCues<L extends string>(
  table: Readonly<Record<L, readonly string[]>>,
  blockers: readonly string[] = [],
): CueSet<L> {
  const cue = (label: L | null, raw: string): Cue<L> => {
    const text = fold(raw);
    if (!text) throw new Error(`empty cue for ${label ?? 'blocker'}`);
    const probe = text.split(/[\s']+/).reduce((a, b) => (b.length > a.length ? b : a), '');
    return { label, text, weight: cueWeight(text), re: pattern(text), probe };
  };
  const labelled = (Object.entries(table) as [L, readonly string[]][]).flatMap(([label, cues]) =>
    cues.map((c) => cue(label, c)),
  );
  const cues = [...labelled, ...blockers.map((b) => cue(null, b))].sort(
    (a, b) => b.text.length - a.text.length,
  );
  // Allocated whole: an array written sparsely falls back to slow dictionary storage.
  const buckets = new Array<number[] | null>(BUCKETS).fill(null);
  cues.forEach((c, i) => {
    const p = c.probe;
    const h = p.length > 1 ? hash2(p.charCodeAt(0), p.charCodeAt(1)) : hash1(p.charCodeAt(0));
    (buckets[h] ??= []).push(i);
  });
  return { cues, buckets };
}

/**
 * The cues worth trying on `text`, in match order: those whose probe starts
 * at some position of the text. A turn is checked against a handful of cues
 * instead of hundreds.
 */
function candidates<L extends string>(text: string, set: CueSet<L>): Cue<L>[] {
  const found: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const c0 = text.charCodeAt(i);
    const one = set.buckets[hash1(c0)];
    if (one) for (const k of one) found.push(k);
    if (i + 1 === text.length) break;
    const two = set.buckets[hash2(c0, text.charCodeAt(i + 1))];
    if (two) for (const k of two) found.push(k);
  }
  if (found.length > 1) found.sort((a, b) => a - b);
  const out: Cue<L>[] = [];
  for (let k = 0; k < found.length; k++) {
    if (found[k] !== found[k - 1]) out.push(set.cues[found[k]!]!);
  }
  return out;
}

/** Matches of `cues` in already folded `text`, by position. */
export function matchCues<L extends string>(text: string, set: CueSet<L>): CueHit<L>[] {
  const hits: CueHit<L>[] = [];
  const cues = candidates(text, set);
  if (cues.length === 0) return hits;
  const taken = new Array<boolean>(text.length).fill(false);
  for (const cue of cues) {
    if (!text.includes(cue.probe)) continue;
    for (const m of text.matchAll(cue.re)) {
      const start = m.index;
      const end = start + m[0].length;
      if (end === start || taken.slice(start, end).some(Boolean)) continue;
      taken.fill(true, start, end);
      if (cue.label !== null) hits.push({ label: cue.label, start, end, weight: cue.weight });
    }
  }
  return hits.sort((a, b) => a.start - b.start);
}

export interface Tally<L extends string> {
  label: L;
  score: number;
  /** Where its last cue ends: the tie-break. */
  last: number;
}

/**
 * Scores per label, best first. Ties go to the label heard last: callers
 * usually open with pleasantries and end with what they want.
 */
export function tally<L extends string>(hits: readonly CueHit<L>[]): Tally<L>[] {
  const by = new Map<L, Tally<L>>();
  for (const h of hits) {
    const t = by.get(h.label) ?? { label: h.label, score: 0, last: 0 };
    t.score += h.weight;
    t.last = Math.max(t.last, h.end);
    by.set(h.label, t);
  }
  // Scores are sums of fractions: compare with a tolerance so equal evidence ties.
  return [...by.values()].sort((a, b) =>
    Math.abs(b.score - a.score) > 1e-9 ? b.score - a.score : b.last - a.last,
  );
}
