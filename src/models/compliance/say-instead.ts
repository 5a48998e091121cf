import type { ComplianceHit } from '../types.js';
import type { SayInstead } from './compliance-config.js';

/** Said when a rule has no wording of its own in config/compliance.json. */
const REPHRASE: SayInstead = {
  zh: '请换一种说法：不承诺本金或收益，不说没有风险。',
  en: 'Please rephrase: promise neither principal nor returns, and do not deny the risk.',
};

/** Each hit with a compliant wording to use instead: its rule's `say_instead`, or a general one. */
export const withSayInstead = (
  hits: readonly ComplianceHit[],
  sayInstead: (rule: string) => SayInstead | undefined,
): (ComplianceHit & { say_instead: SayInstead })[] =>
  hits.map((h) => ({ ...h, say_instead: sayInstead(h.rule) ?? REPHRASE }));
