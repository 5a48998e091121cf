import type { ComplianceHit } from '../types.js';
import { numbersIn, type NumberMention } from './numbers.js';
import { evasion } from './evasion.js';
import { roleConfusion } from './role.js';

/**
 * The checks a generated line passes before it is spoken, in the order they
 * run: a line that breaks several is reported under the first, so the
 * counts per rule are stable — the worst fault first (nothing to say, a
 * compliance breach, a dodged question, a made-up figure, the wrong
 * voice), length last.
 */
export const GATE_RULES = [
  'empty',
  'compliance',
  'evasion',
  'invented_number',
  'role_confusion',
  'too_long',
] as const;
export type GateRule = (typeof GATE_RULES)[number];

export interface GateContext {
  /** The retrieved facts the prompt carried: every number the line states must be in them. */
  facts: readonly string[];
  /** The longest line spoken, in characters. */
  maxChars: number;
  /** The pre-speech compliance guard templates pass too (models/compliance). */
  checkBotLine(text: string): ComplianceHit[];
}

export type GateVerdict = { ok: true } | { ok: false; rule: GateRule; detail: string };

type Check = (text: string, ctx: GateContext) => string | undefined;

const CHECKS: { readonly [R in GateRule]: Check } = {
  empty: (text) => (/[\p{L}\p{N}]/u.test(text) ? undefined : 'no words'),
  compliance: (text, ctx) => {
    const hit = ctx.checkBotLine(text)[0];
    return hit && `${hit.rule}: ${hit.term}`;
  },
  evasion: (text) => evasion(text),
  invented_number: (text, ctx) => {
    // A number with a unit must be in the facts with that unit (15个工作日 does not ground 十五天,
    // R2 not 两个百分点: a rate's unit is %); a bare number, as any number of the facts.
    const stated = ctx.facts.flatMap((f) => numbersIn(f));
    const numbers = new Set(stated.map((n) => n.value));
    const counted = new Set(stated.map((n) => `${n.value} ${n.unit}`));
    const grounded = (n: NumberMention) =>
      n.unit ? counted.has(`${n.value} ${n.unit}`) : numbers.has(n.value);
    const invented = numbersIn(text).filter((n) => !grounded(n));
    const first = invented[0];
    if (!first) return undefined;
    const more = invented.length > 1 ? ` and ${invented.length - 1} more` : '';
    return `${first.text} (${first.value}) is not in the retrieved facts${more}`;
  },
  role_confusion: (text) => roleConfusion(text),
  too_long: (text, ctx) => {
    const chars = [...text.trim()].length;
    return chars > ctx.maxChars ? `${chars} characters, over ${ctx.maxChars}` : undefined;
  },
};

/** Whether a generated line may be spoken, and if not the first rule it breaks. Pure. */
export function gateLine(text: string, ctx: GateContext): GateVerdict {
  for (const rule of GATE_RULES) {
    const detail = CHECKS[rule](text, ctx);
    if (detail !== undefined) return { ok: false, rule, detail };
  }
  return { ok: true };
}
