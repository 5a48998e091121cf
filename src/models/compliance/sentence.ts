import type { Occurrence } from './lexicon.js';
import type { Utterance } from './normalized.js';

/**
 * Sentence-level readings that override clause-level matching: a seller
 * restating the customer's question is not promising, and a rhetorical
 * question (这不是稳赚吗？) promises despite its negation.
 */

const SENTENCE_END = '。！？!?；;\n\uff01\uff1f\uff1b';
const QUESTION_MARK = '?\uff1f';
const TRAILING = /[\s，,、…~～.。?？]+$/u;
/** 是不是 and friends make a question without a question mark (ASR drops punctuation). */
const A_NOT_A = /是不是|是否|能不能|会不会|有没有|保不保/;

export interface Sentence {
  /** Offsets in the original text. */
  readonly start: number;
  readonly end: number;
  readonly question: boolean;
  /** A yes-no question (…吗？), the form a rhetorical question takes. */
  readonly yesNo: boolean;
}

export function sentenceAround(u: Utterance, start: number, end: number): Sentence {
  const t = u.text;
  let a = start;
  while (a > 0 && !SENTENCE_END.includes(t[a - 1]!)) a--;
  let b = end;
  while (b < t.length && !SENTENCE_END.includes(t[b]!)) b++;
  const body = t.slice(a, b).replace(TRAILING, '');
  const last = body.at(-1) ?? '';
  const yesNo = '吗么嘛'.includes(last) && last !== '';
  const question =
    yesNo ||
    (b < t.length && QUESTION_MARK.includes(t[b]!)) ||
    '呢吧'.includes(last || '\u0000') ||
    A_NOT_A.test(body);
  return { start: a, end: b, question, yesNo };
}

const within = (u: Utterance, o: Occurrence, s: Sentence, before: number): boolean => {
  const at = u.starts[o.from]!;
  return at >= s.start && at < before;
};

/**
 * True when an echo frame (您是问, 您的意思是…) opens the hit's sentence
 * before it and the sentence is a question, or the seller goes on to deny
 * the same term in it ("您问的保本，我们这款是不保本的").
 */
export function echoed(
  u: Utterance,
  echoes: readonly Occurrence[],
  hit: { from: number; start: number; end: number },
  deniedLater: (sentenceEnd: number) => boolean,
): boolean {
  const s = sentenceAround(u, hit.start, hit.end);
  if (!echoes.some((o) => within(u, o, s, hit.start))) return false;
  if (s.question) return true;
  // Only a topic restated right after the frame: in "您说的没错，这个保本" the frame is agreement.
  const topic = echoes.some((o) => o.to <= hit.from && hit.from - o.to <= 1);
  return topic && deniedLater(s.end);
}

/** True when a rhetorical marker (难道, 不就是…) precedes `start` in a yes-no question. */
export function rhetorical(
  u: Utterance,
  markers: readonly Occurrence[],
  start: number,
  end: number,
): boolean {
  if (markers.length === 0) return false;
  const s = sentenceAround(u, start, end);
  return s.yesNo && markers.some((o) => within(u, o, s, start));
}
