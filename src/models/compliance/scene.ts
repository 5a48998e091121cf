import {
  ABSOLUTE,
  ALLOW,
  CONTRAST,
  CUE,
  ECHO,
  EXCLUDE,
  NEG,
  NEG_AFTER,
  NOT_NEG,
  REPLY,
  RHETORICAL,
  TERM,
  type Occurrence,
} from './lexicon.js';
import { BARRIER, BARRIER_CODE, sameClause, type Utterance } from './normalized.js';
import { rhetorical } from './sentence.js';

/**
 * One utterance's occurrences sorted by role, and the questions the checker
 * asks about a candidate span: is it allowed, excluded, denied?
 */

const overlaps = (a: { from: number; to: number }, from: number, to: number): boolean =>
  a.from < to && from < a.to;

/** Particles that may follow a clause-closing denial: 是不可能的啊. */
const PARTICLES = '的了啊呢吧哈呀嘛';

export class Scene {
  readonly terms: Occurrence[] = [];
  readonly cues: Occurrence[] = [];
  readonly absolutes: Occurrence[] = [];
  readonly echoes: Occurrence[] = [];
  private readonly allows: Occurrence[] = [];
  private readonly excludes: Occurrence[] = [];
  private readonly negs: Occurrence[] = [];
  private readonly negsAfter: Occurrence[] = [];
  private readonly replies: Occurrence[] = [];
  private readonly contrasts: Occurrence[] = [];
  private readonly rhetoricals: Occurrence[] = [];

  constructor(
    readonly u: Utterance,
    occurrences: readonly Occurrence[],
  ) {
    const notNeg: Occurrence[] = [];
    const negLike: Occurrence[] = [];
    for (const o of occurrences) {
      switch (o.e.kind) {
        case TERM:
          this.terms.push(o);
          break;
        case CUE:
          this.cues.push(o);
          break;
        case ABSOLUTE:
          this.absolutes.push(o);
          break;
        case ECHO:
          this.echoes.push(o);
          break;
        case ALLOW:
          this.allows.push(o);
          break;
        case EXCLUDE:
          this.excludes.push(o);
          break;
        case NOT_NEG:
          notNeg.push(o);
          break;
        case CONTRAST:
          this.contrasts.push(o);
          break;
        case RHETORICAL:
          this.rhetoricals.push(o);
          break;
        default:
          negLike.push(o);
      }
    }
    for (const o of negLike) {
      // 不仅, 不少于, 没问题: a negation cue inside them denies nothing.
      if (notNeg.some((n) => overlaps(n, o.from, o.to))) continue;
      if (o.e.kind === NEG) this.negs.push(o);
      else if (o.e.kind === NEG_AFTER) this.negsAfter.push(o);
      else if (o.e.kind === REPLY) this.replies.push(o);
    }
  }

  /** Overlaps a harmless phrase such as 确保本次 or 风险测评. */
  allowed(from: number, to: number): boolean {
    return this.allows.some((a) => overlaps(a, from, to));
  }

  /** A same-sounding window that is part of a known harmless word (汇报本月). */
  excluded(from: number, to: number): boolean {
    return this.excludes.some((a) => overlaps(a, from, to));
  }

  denied(from: number, to: number): boolean {
    return this.deniedBefore(from) || this.deniedAfter(to) || this.deniedByReply(from, to);
  }

  /**
   * 不保本, 无法保证收益, 不可能百分之百保本: a negation shortly before, in
   * the same clause, unless the sentence is a rhetorical question.
   */
  deniedBefore(from: number): boolean {
    for (const o of this.negs) {
      if (o.to > from || from - o.to > o.e.scope) continue;
      if (!sameClause(this.u, o.to, from)) continue;
      if (this.contrasts.some((c) => c.from >= o.to && c.to <= from)) continue;
      const at = this.u.starts[from]!;
      return !rhetorical(this.u, this.rhetoricals, at, at + 1);
    }
    return false;
  }

  /** 零风险是不可能的: a denial after the match that closes its clause. */
  deniedAfter(to: number): boolean {
    for (const o of this.negsAfter) {
      if (o.from < to || o.from - to > o.e.scope) continue;
      if (!sameClause(this.u, to, o.from)) continue;
      if (this.closesClause(o.to)) return true;
    }
    return false;
  }

  /** "保本？不是的": a bare term repeated, then denied at the start of the next clause. */
  deniedByReply(from: number, to: number): boolean {
    if (this.replies.length === 0) return false;
    const s = this.u.s;
    const clauseStart = s.lastIndexOf(BARRIER, from - 1) + 1;
    const clauseEnd = s.indexOf(BARRIER, to);
    if (clauseEnd === -1 || from - clauseStart > 2 || clauseEnd - to > 2) return false;
    return this.replies.some((r) => r.from === clauseEnd + 1);
  }

  /** A negation between a pattern's cues, other than inside the cues themselves (收益不固定). */
  negatedInside(cues: readonly Occurrence[]): boolean {
    const first = cues[0]!;
    const last = cues[cues.length - 1]!;
    return this.negs.some(
      (o) =>
        o.from >= first.to && o.to <= last.from && !cues.some((c) => overlaps(c, o.from, o.to)),
    );
  }

  private closesClause(at: number): boolean {
    const s = this.u.s;
    if (at >= s.length || s.charCodeAt(at) === BARRIER_CODE) return true;
    return (
      PARTICLES.includes(s[at]!) && (at + 1 >= s.length || s.charCodeAt(at + 1) === BARRIER_CODE)
    );
  }
}
