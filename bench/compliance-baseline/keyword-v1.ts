/**
 * The keyword compliance checker as it was before the rule-based checker in
 * src/models/compliance/ replaced it (commit 47cb91a), kept verbatim so
 * bench/compliance.ts can score the old baseline on the same sets, held-out
 * set included. Not used by the platform.
 */
import { z } from 'zod';
import type { ComplianceHit } from '../../src/models/types.js';
import { foldChar } from '../../src/models/keyword/normalize.js';

/**
 * What counts as a risky promise, as data: compliance staff change terms and
 * negations without touching code. Terms are matched after normalisation
 * (normalizeForMatch below), so "保 本", "穩賺" and "ＧＵＡＲＡＮＴＥＥＤ" need no entries of their own.
 */
export const complianceConfigSchema = z.strictObject({
  rules: z
    .array(
      z.strictObject({
        name: z.string().regex(/^[a-z][a-z0-9_]*$/, 'rule names are snake_case'),
        terms: z.array(z.string().min(1)).min(1),
      }),
    )
    .min(1),
  /**
   * A term right after one of these (same sentence) is being denied, as in
   * 不保本 or "not risk-free". Only the words right before count: "不仅保本"
   * still promises.
   */
  negatedAfter: z.array(z.string().min(1)),
  /** A term right before one of these is being denied, as in "零风险是不可能的". */
  negatedBefore: z.array(z.string().min(1)),
  /** Harmless phrases that happen to contain a term, as 确保本次 contains 保本. */
  allow: z.array(z.string().min(1)),
});

export type ComplianceConfig = z.infer<typeof complianceConfigSchema>;

// prettier-ignore
export const DEFAULT_COMPLIANCE_CONFIG: ComplianceConfig = {
  rules: [
    {
      name: 'principal_guarantee',
      terms: ['保本', '保底', '刚性兑付', '本金无忧', 'principal guaranteed', 'guaranteed principal'],
    },
    {
      name: 'guaranteed_return',
      terms: ['保证收益', '保收益', '承诺收益', '稳赚', '稳赚不赔', 'guaranteed return', 'guaranteed returns', 'guaranteed profit', 'guaranteed profits'],
    },
    {
      name: 'no_risk',
      terms: ['零风险', '无风险', '没有风险', '不会亏', 'risk-free', 'zero risk', 'riskless', "can't lose", 'cannot lose'],
    },
  ],
  negatedAfter: ['不', '非', '不是', '没有', '不存在', '不能', '不可能', '无法', '未必', '不一定', '不承诺', '不保证', '不能保证', '无法保证', '不敢保证', '没人能保证', '谁也不能保证', 'not', 'no', 'never', 'isnt', 'arent', 'cannot be', "can't be", 'cannot promise', 'no such thing as a', 'no such thing as'],
  negatedBefore: ['是不可能的', '不可能', '是不存在的', '不存在', "isn't possible", 'is not possible', "doesn't exist", 'is a myth'],
  allow: ['确保本次', '确保本人', '无风险利率', 'risk-free rate'],
};

type Speaker = 'customer' | 'bot' | 'agent';
export type ComplianceChecker = (text: string, speaker: Speaker) => ComplianceHit[];

interface Term {
  rule: string;
  term: string;
  norm: string;
}

/** Normalises a configured phrase once; one that normalises to nothing is a config error. */
function norm(phrase: string): string {
  const n = normalizeForMatch(phrase).text;
  if (!n || n.includes(BARRIER)) throw new Error(`compliance phrase "${phrase}" cannot be matched`);
  return n;
}

const ASCII_START = /^[a-z0-9]/;
const ASCII_END = /[a-z0-9]$/;

function occurrences(haystack: string, needle: string): number[] {
  const at: number[] = [];
  for (let i = haystack.indexOf(needle); i !== -1; i = haystack.indexOf(needle, i + 1)) at.push(i);
  return at;
}

/** An English phrase must not start or end inside a word of the original text. */
function onWordEdges(original: string, n: Normalized, from: number, to: number): boolean {
  const s = n.text[from] ?? '';
  const e = n.text[to - 1] ?? '';
  return (
    (!ASCII_START.test(s) || wordStartsAt(original, n.starts[from]!)) &&
    (!ASCII_END.test(e) || wordEndsAt(original, n.ends[to - 1]!))
  );
}

/**
 * The baseline compliance check: configured terms in bot or agent speech,
 * found through disguises, skipped where the sentence denies them, with
 * offsets into the original text. Of overlapping hits the earliest (then
 * longest) stays, so 稳赚不赔 is one hit, not two.
 */
export function createComplianceChecker(config: ComplianceConfig): ComplianceChecker {
  const c = complianceConfigSchema.parse(config);
  const terms: Term[] = c.rules.flatMap((r) =>
    r.terms.map((t) => ({ rule: r.name, term: t, norm: norm(t) })),
  );
  const after = c.negatedAfter.map(norm);
  const before = c.negatedBefore.map(norm);
  const allow = c.allow.map(norm);

  return (text, speaker) => {
    if (speaker === 'customer') return [];
    const n = normalizeForMatch(text);
    const denied = (from: number, to: number): boolean => {
      const head = n.text.slice(0, from);
      const tail = n.text.slice(to);
      return (
        after.some((p) => head.endsWith(p) && onWordEdges(text, n, from - p.length, from)) ||
        before.some((p) => tail.startsWith(p) && onWordEdges(text, n, to, to + p.length))
      );
    };
    const allowed = (from: number, to: number): boolean =>
      allow.some((a) => occurrences(n.text, a).some((at) => at <= from && to <= at + a.length));

    const found = terms.flatMap((t) =>
      occurrences(n.text, t.norm)
        .map((from) => ({ ...t, from, to: from + t.norm.length }))
        .filter(
          ({ from, to }) =>
            onWordEdges(text, n, from, to) && !denied(from, to) && !allowed(from, to),
        ),
    );
    found.sort((a, b) => a.from - b.from || b.to - a.to);
    const hits: ComplianceHit[] = [];
    let reached = 0;
    for (const f of found) {
      if (f.from < reached) continue;
      reached = f.to;
      hits.push({ rule: f.rule, term: f.term, start: n.starts[f.from]!, end: n.ends[f.to - 1]! });
    }
    return hits;
  };
}

// The old checker's normalisation, moved here from src/models/keyword/normalize.ts
// with it: nothing in the platform uses it any more.

/** Text prepared for disguise-proof matching, with each character's span in the original. */
interface Normalized {
  text: string;
  starts: number[];
  ends: number[];
}

/** Stands for a sentence boundary in normalised text; no term can match across it. */
const BARRIER = '\n';

const SEPARATOR = /^[\s\p{P}\p{S}]+$/u;
/** Sentence punctuation as typed in Chinese: always a boundary, never a disguise. */
const HARD_STOPS = new Set(['。', '！', '？', '；', '，', '、', '\n', '\r']);
/** ASCII sentence punctuation is a boundary only before white space: "g.u.a.r" is a disguise. */
const SOFT_STOPS = new Set(['.', '!', '?', ';', ',']);

/**
 * Folds `text` and drops the spaces and punctuation a speaker (or a bot
 * author dodging a filter) can put between characters — "保 本", "保-本",
 * "g u a r a n t e e d" — while sentence ends become a BARRIER, so
 * "确保。本公司" does not read as 保本. `starts[i]`/`ends[i]` give the span of
 * normalised character i in the original text.
 */
function normalizeForMatch(text: string): Normalized {
  const chars = Array.from(text);
  const out: Normalized = { text: '', starts: [], ends: [] };
  const push = (c: string, start: number, end: number): void => {
    out.text += c;
    out.starts.push(start);
    out.ends.push(end);
  };
  let offset = 0;
  chars.forEach((ch, k) => {
    const start = offset;
    offset += ch.length;
    const f = foldChar(ch);
    if (!SEPARATOR.test(f)) {
      for (const c of f) push(c, start, offset);
      return;
    }
    const next = chars[k + 1];
    const stop =
      HARD_STOPS.has(ch) || (SOFT_STOPS.has(f) && (next === undefined || /\s/.test(next)));
    if (stop && out.text.length > 0 && !out.text.endsWith(BARRIER)) push(BARRIER, start, offset);
  });
  return out;
}

/** True when the original text has no letter or digit right before `offset`. */
function wordStartsAt(text: string, offset: number): boolean {
  const before = Array.from(text.slice(Math.max(0, offset - 2), offset)).at(-1);
  return before === undefined || !/[a-z0-9]/.test(foldChar(before));
}

/** True when the original text has no letter or digit right at `offset`. */
function wordEndsAt(text: string, offset: number): boolean {
  const after = Array.from(text.slice(offset, offset + 2))[0];
  return after === undefined || !/[a-z0-9]/.test(foldChar(after));
}
