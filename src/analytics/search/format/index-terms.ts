/**
 * Pseudo-terms: the speaker and the UTC hour of every turn are indexed like
 * words, so the speaker and time filters are postings lookups too. The
 * leading \u0001 keeps them apart from anything the tokeniser emits.
 */

const HOUR_MS = 3_600_000;

// A block lists its terms joined by \n (search-blocks): a speaker holding one, never a valid
// one, would break it.
export const speakerTerm = (speaker: string): string => `\u0001s:${speaker.replace(/\n/g, ' ')}`;

const HOUR_PREFIX = '\u0001h:';
// Hours since the epoch, shifted positive and written with a fixed number
// of digits (DuckDB's timestamps span under ±3e9 hours): the terms sort as
// the hours do, so a time range is a range of terms.
const HOUR_SHIFT = 2e10;

export const hourTerm = (hour: number): string => HOUR_PREFIX + String(hour + HOUR_SHIFT);

/** Sorts after every day key (';' follows ':'). */
const AFTER_DAYS = '\u0001d;';
/** The block key of a UTC day's hours (ten digits, sorting as the days do). */
const dayKey = (hour: number): string => '\u0001d:' + String(Math.floor(hour / 24) + 1e9);

/**
 * The block a pseudo-term belongs to: a speaker's own, or its day's for an
 * hour, so that a speaker filter reads one speaker and a time filter the
 * days it spans. Undefined for other terms.
 */
export function pseudoBucket(term: string): string | undefined {
  if (term.charCodeAt(0) !== 1) return undefined;
  if (!term.startsWith(HOUR_PREFIX)) return term;
  return dayKey(Number(term.slice(HOUR_PREFIX.length)) - HOUR_SHIFT);
}

/**
 * What a [from, to) filter needs: the hour terms in [lo, hi) lie wholly
 * inside it; `edges` are the hours it cuts, whose turns must be checked
 * against their timestamps; the blocks keyed [firstDay, lastDay] hold them all.
 */
export interface HourWindow {
  lo: string;
  hi: string;
  edges: string[];
  firstDay: string;
  lastDay: string;
}

export function hourWindow(fromMs: number | undefined, toMs: number | undefined): HourWindow {
  const edges = new Set<string>();
  if (fromMs !== undefined && fromMs % HOUR_MS !== 0)
    edges.add(hourTerm(Math.floor(fromMs / HOUR_MS)));
  if (toMs !== undefined && toMs % HOUR_MS !== 0) edges.add(hourTerm(Math.floor(toMs / HOUR_MS)));
  return {
    lo: fromMs === undefined ? HOUR_PREFIX : hourTerm(Math.ceil(fromMs / HOUR_MS)),
    // ';' follows ':', so this bound sorts after every hour term.
    hi: toMs === undefined ? '\u0001h;' : hourTerm(Math.floor(toMs / HOUR_MS)),
    edges: [...edges],
    firstDay: fromMs === undefined ? '\u0001d:' : dayKey(Math.floor(fromMs / HOUR_MS)),
    lastDay: toMs === undefined ? AFTER_DAYS : dayKey(Math.floor(toMs / HOUR_MS)),
  };
}
