import type { Occurrence } from './lexicon.js';
import { BARRIER, type Utterance } from './normalized.js';
import type { Scene } from './scene.js';

/**
 * Paraphrases as ordered cue groups within a window: 保证/承诺/肯定 … 收益/
 * 回报, 本金 … 不会/不可能 … 亏/损失. One cue of each group, in order, in
 * one clause, with no negation between them that is not part of a cue
 * (收益不固定 is a disclosure, 本金不会亏 a promise).
 */

export interface Pattern {
  readonly rule: string;
  readonly name: string;
  readonly groups: number;
  readonly window: number;
  readonly clauses: number;
}

export interface Span {
  readonly rule: string;
  readonly term: string;
  readonly from: number;
  readonly to: number;
}

/** Clauses touched by [from, to). */
function clausesIn(u: Utterance, from: number, to: number): number {
  let n = 1;
  for (let k = u.s.indexOf(BARRIER, from); k !== -1 && k < to; k = u.s.indexOf(BARRIER, k + 1)) n++;
  return n;
}

function extend(
  scene: Scene,
  p: Pattern,
  groups: readonly Occurrence[][],
  g: number,
  chosen: Occurrence[],
): boolean {
  if (g === groups.length) return !scene.negatedInside(chosen);
  const start = chosen[0]!.from;
  const prevTo = chosen[chosen.length - 1]!.to;
  for (const o of groups[g]!) {
    if (o.from < prevTo || o.to - start > p.window) continue;
    if (clausesIn(scene.u, start, o.to) > p.clauses) continue;
    chosen.push(o);
    if (extend(scene, p, groups, g + 1, chosen)) return true;
    chosen.pop();
  }
  return false;
}

/** Pattern matches in the scene that are neither allowed away nor denied. */
export function findPatterns(patterns: readonly Pattern[], scene: Scene): Span[] {
  if (scene.cues.length === 0) return [];
  const byPattern = new Map<number, Occurrence[][]>();
  for (const o of scene.cues) {
    if (scene.allowed(o.from, o.to)) continue;
    let groups = byPattern.get(o.e.pattern);
    if (!groups) byPattern.set(o.e.pattern, (groups = []));
    (groups[o.e.group] ??= []).push(o);
  }
  const spans: Span[] = [];
  for (const [index, groups] of byPattern) {
    // At one start the longest cue wins: 都没有, not 都没.
    for (const g of groups) g?.sort((a, b) => a.from - b.from || b.to - a.to);
    const p = patterns[index]!;
    let complete = true;
    for (let g = 0; g < p.groups; g++) complete &&= groups[g] !== undefined;
    if (!complete) continue;
    let reached = 0;
    for (const first of groups[0]!) {
      if (first.from < reached) continue;
      const chosen = [first];
      if (!extend(scene, p, groups, 1, chosen)) continue;
      const to = chosen[chosen.length - 1]!.to;
      reached = to;
      if (scene.denied(first.from, to)) continue;
      spans.push({ rule: p.rule, term: p.name, from: first.from, to });
    }
  }
  return spans;
}
