import type { ComplianceHit } from '../types.js';
import { complianceConfigSchema, type ComplianceConfig } from './compliance-config.js';
import {
  BARRIER,
  normalizeForMatch,
  wordEndsAt,
  wordStartsAt,
  type Normalized,
} from './normalize.js';

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
