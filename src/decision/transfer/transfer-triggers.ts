/**
 * When a call goes to a human: the highest-priority enabled trigger that
 * holds on this turn decides the skill queue.
 */
import { INTENT_TAXONOMY } from '../../models/intent-taxonomy.js';
import type { CustomerView } from '../customer-view.js';
import type { StateName } from '../flow/index.js';
import type { TurnSignals } from '../turn-signals.js';
import type { CallCounters, CounterName } from './call-counters.js';
import { crmHolds, hasAnyTag, own } from './customer-match.js';
import type { Condition, TransferConfig, Trigger } from './transfer-config.js';

/** What the triggers see on one turn; `counters` already include this turn. */
export interface TransferInput {
  signals: TurnSignals;
  counters: CallCounters;
  state: StateName;
  customer: CustomerView;
}

const fold = (s: string): string => s.normalize('NFKC').toLowerCase();
const isWordChar = (c: string | undefined): boolean => c !== undefined && /[a-z0-9]/.test(c);

/** Config words are few and fixed: each is folded once. */
const foldedWords = new Map<string, string>();

/** Whether folded `text` contains `word`, with Latin/digit edges on word boundaries. */
function mentions(text: string, word: string): boolean {
  let w = foldedWords.get(word);
  if (w === undefined) foldedWords.set(word, (w = fold(word)));
  const edgeOk = (inner: string | undefined, outer: string | undefined) =>
    !isWordChar(inner) || !isWordChar(outer);
  for (let i = text.indexOf(w); i >= 0; i = text.indexOf(w, i + 1)) {
    if (edgeOk(w[0], text[i - 1]) && edgeOk(w.at(-1), text[i + w.length])) return true;
  }
  return false;
}
/** `text` is the turn's text, folded once per decision. */
function holds(c: Condition, x: TransferInput, text: string): boolean {
  const s = x.signals;
  const atLeastAll = (
    need: Readonly<Record<string, number | undefined>>,
    have: (k: string) => number,
  ) => Object.entries(need).every(([k, n]) => have(k) >= (n ?? 0));
  if (c.intent && !c.intent.some((n) => INTENT_TAXONOMY.matches(s.intent, n))) return false;
  if (c.textAny && !c.textAny.some((w) => mentions(text, w))) return false;
  if (c.counterAtLeast && !atLeastAll(c.counterAtLeast, (k) => x.counters[k as CounterName]))
    return false;
  if (
    c.intentCountAtLeast &&
    !atLeastAll(c.intentCountAtLeast, (k) => own(x.counters.intentCounts, k) ?? 0)
  )
    return false;
  if (c.valenceBelow !== undefined && !(s.valence < c.valenceBelow)) return false;
  if (c.impatienceAtLeast !== undefined && !(s.impatience >= c.impatienceAtLeast)) return false;
  if (c.emotion && !c.emotion.includes(s.emotion)) return false;
  if (c.asrBelow !== undefined && !(s.asrConfidence < c.asrBelow)) return false;
  if (c.state && !c.state.includes(x.state)) return false;
  if (c.tagAny && !hasAnyTag(x.customer, c.tagAny)) return false;
  if (c.crmIn && !Object.entries(c.crmIn).every(([f, vs]) => crmHolds(x.customer, f, vs)))
    return false;
  if (c.intentScoreAtLeast !== undefined && !(x.customer.intentScore >= c.intentScoreAtLeast))
    return false;
  if (c.all && !c.all.every((sub) => holds(sub, x, text))) return false;
  if (c.any && !c.any.some((sub) => holds(sub, x, text))) return false;
  return true;
}

/** The highest-priority enabled trigger that holds, if any. */
export function firstTrigger(config: TransferConfig, input: TransferInput): Trigger | undefined {
  let best: Trigger | undefined;
  const text = fold(input.signals.text);
  for (const t of config.triggers) {
    if (t.enabled && (!best || t.priority > best.priority) && holds(t.when, input, text)) best = t;
  }
  return best;
}
