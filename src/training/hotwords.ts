import { tagWords } from '../models/text/jieba.js';

/**
 * Terms for the dialer's speech recogniser. The recogniser is the dialer's,
 * but how well it hears product, competitor and industry words is ours to
 * help: most ASR vendors take a hot-word list of (word, weight) and bias
 * decoding toward it. Built from the campaign's products, the competitors
 * config, nouns of the script library and the words agents had to correct
 * most often; refreshed with each retrain.
 */
export interface HotWordSources {
  products: readonly string[];
  competitors: readonly { name: string; aliases: readonly string[] }[];
  scriptLines: readonly string[];
  /** What the recogniser heard and what an agent corrected it to. */
  corrections: readonly { heard: string | null; corrected: string }[];
}

export interface HotWord {
  word: string;
  /** 1 (a slight bias) .. 5 (strong), the range ASR vendors accept. */
  weight: number;
  source: 'product' | 'competitor' | 'correction' | 'script';
}

/**
 * Nouns, proper nouns, verbal nouns, Latin words, and words jieba's
 * dictionary does not know (tag x: 排产, 风控): the terms a recogniser misses.
 */
const TERM_TAGS = new Set(['n', 'nz', 'nt', 'nr', 'vn', 'eng', 'x']);
const USABLE = /^[\p{Script=Han}A-Za-z0-9][\p{Script=Han}A-Za-z0-9 .+-]{1,19}$/u;

const terms = (text: string): string[] =>
  tagWords(text.replace(/\{[a-z_]+\}/g, ' '))
    .filter((w) => TERM_TAGS.has(w.tag) && w.word.length >= 2 && USABLE.test(w.word))
    .map((w) => w.word);

function count(words: Iterable<string>): Map<string, number> {
  const out = new Map<string, number>();
  for (const w of words) out.set(w, (out.get(w) ?? 0) + 1);
  return out;
}

/** Words of the correction that the recogniser did not produce: what it misheard. */
function corrected(c: HotWordSources['corrections'][number]): string[] {
  const heard = new Set(c.heard ? terms(c.heard) : []);
  return [...new Set(terms(c.corrected))].filter((w) => !heard.has(w) && !c.heard?.includes(w));
}

/** The hot-word list, strongest first; each word once, at its strongest weight. */
export function hotWords(src: HotWordSources): HotWord[] {
  const out = new Map<string, HotWord>();
  const add = (word: string, weight: number, source: HotWord['source']) => {
    const w = word.trim();
    if (!USABLE.test(w)) return;
    const prev = out.get(w);
    if (!prev || prev.weight < weight) out.set(w, { word: w, weight, source });
  };
  for (const p of src.products) add(p, 5, 'product');
  for (const c of src.competitors) for (const a of [c.name, ...c.aliases]) add(a, 4, 'competitor');
  for (const [w, n] of count(src.corrections.flatMap(corrected)))
    add(w, Math.min(5, 2 + Math.ceil(Math.log2(n + 1))), 'correction');
  // A script noun used in two lines or more is part of the campaign's vocabulary.
  for (const [w, n] of count(src.scriptLines.flatMap((l) => [...new Set(terms(l))])))
    if (n >= 2) add(w, 2, 'script');
  return [...out.values()].sort((a, b) => b.weight - a.weight || a.word.localeCompare(b.word));
}

/** One `word<TAB>weight` per line: the plain list Aliyun, Tencent and iFlytek hot-word uploads read. */
export const formatHotWords = (words: readonly HotWord[]): string =>
  words.map((w) => `${w.word}\t${w.weight}`).join('\n') + (words.length ? '\n' : '');
