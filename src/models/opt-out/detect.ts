import { normalizeTurn, type OptOutText } from './normalize.js';
import { AGENT_CUES, AGENT_QUESTION, AGENT_QUESTION_EN, QUESTION_MARK } from './agent-cues.js';
import type { Cue, OptOutKind, Pattern } from './cue.js';
import { CUSTOMER_CUES } from './customer-cues.js';
import { DEFERRAL, ELSEWHERE, LASTING, NEGATED, SWITCH } from './vetoes.js';

/**
 * The opt-out signal of one turn: does the speaker withdraw consent to be
 * contacted? It fires whatever the turn's intent is (a complaint can carry
 * one), and a customer turn is read in this order:
 *
 * 1. a denial ("我没说不让你们打", "i didn't say stop calling") is no opt-out;
 * 2. a refusal limited in time ("这周别打", "not now", "在开车") or one with a
 *    time to resume ("下周一再联系") is a deferral, not an opt-out, unless
 *    the turn also says the refusal lasts (以后都别, 删号码, 投诉, 天天打,
 *    "never", "stop calling");
 * 3. otherwise the first customer cue found (threat, channel, direct,
 *    indirect, English) is the opt-out, unless the turn offers another way
 *    to talk ("别打电话了 微信上说吧") and says nothing lasting, or the
 *    cue is indirect and the calls complained of are another company's
 *    ("别的公司天天打 烦死了").
 *
 * An agent turn is read only for a record of the opt-out ("已经把您的号码
 * 移出名单"), and not when it asks or offers; the customer cues are not
 * applied to what an agent says ("别着急", "不打扰您了" are courtesy).
 */

export type Speaker = 'customer' | 'agent';

export interface OptOut {
  optOut: boolean;
  /** The matched phrase in the normalised turn, kept as evidence. */
  cue?: string;
  kind?: OptOutKind;
  /** A refusal for now with a time to resume: not an opt-out. */
  deferral?: boolean;
  /** The turn denies withdrawing ("我没说不让你们打"): not an opt-out, whoever else hears one. */
  denied?: boolean;
}

const none = (): OptOut => ({ optOut: false });

function firstMatch(
  cues: readonly Cue[],
  turn: OptOutText,
): { cue: string; kind: OptOutKind } | null {
  for (const c of cues) {
    const text = turn[c.form];
    if (!text) continue;
    const m = c.re.exec(text);
    // A pattern that looks around the whole turn names its phrase `cue`.
    if (m) return { cue: m.groups?.['cue'] ?? m[0], kind: c.kind };
  }
  return null;
}

const matches = (patterns: readonly Pattern[], turn: OptOutText): boolean =>
  patterns.some((p) => p.re.test(turn[p.form]));

function agentRecord(text: string, turn: OptOutText): OptOut {
  if (QUESTION_MARK.test(text) || AGENT_QUESTION.test(turn.zh) || AGENT_QUESTION_EN.test(turn.en))
    return none();
  const hit = firstMatch(AGENT_CUES, turn);
  return hit ? { optOut: true, ...hit } : none();
}

/** Reads one turn; pure, and a few µs for a spoken-length turn. */
export function detectOptOut(text: string, speaker: Speaker = 'customer'): OptOut {
  const turn = normalizeTurn(text);
  if (!turn.zh && !turn.en) return none();
  if (speaker === 'agent') return agentRecord(text, turn);
  if (matches(NEGATED, turn)) return { optOut: false, denied: true };
  if (matches(DEFERRAL, turn) && !matches(LASTING, turn)) return { optOut: false, deferral: true };
  const hit = firstMatch(CUSTOMER_CUES, turn);
  if (!hit) return none();
  // A threat is never an offer of another way to talk ("再打我就去你们公司闹").
  if (hit.kind !== 'threat' && matches(SWITCH, turn) && !matches(LASTING, turn)) return none();
  if (hit.kind === 'indirect' && matches(ELSEWHERE, turn)) return none();
  return { optOut: true, ...hit };
}
