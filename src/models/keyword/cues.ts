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

export function compileCues<L extends string>(
  table: Readonly<Record<L, readonly string[]>>,
  blockers: readonly string[] = [],
): Cue<L>[] {
  const cue = (label: L | null, raw: string): Cue<L> => {
    const text = fold(raw);
    if (!text) throw new Error(`empty cue for ${label ?? 'blocker'}`);
    const probe = text.split(/[\s']+/).reduce((a, b) => (b.length > a.length ? b : a), '');
    return { label, text, weight: cueWeight(text), re: pattern(text), probe };
  };
  const labelled = (Object.entries(table) as [L, readonly string[]][]).flatMap(([label, cues]) =>
    cues.map((c) => cue(label, c)),
  );
  const all = [...labelled, ...blockers.map((b) => cue(null, b))];
  return all.sort((a, b) => b.text.length - a.text.length);
}

/** Matches of `cues` in already folded `text`, by position. */
export function matchCues<L extends string>(text: string, cues: readonly Cue<L>[]): CueHit<L>[] {
  const taken = new Array<boolean>(text.length).fill(false);
  const hits: CueHit<L>[] = [];
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
