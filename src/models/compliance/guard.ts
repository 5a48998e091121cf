import type { ComplianceHit } from '../types.js';
import type { ComplianceConfig, SayInstead } from './compliance-config.js';
import { compile, type Compiled } from './compile.js';
import { isLatinLetter } from './fold.js';
import type { Occurrence } from './lexicon.js';
import { normalize } from './normalized.js';
import { findPatterns, type Span } from './patterns.js';
import { Scene } from './scene.js';
import { echoed } from './sentence.js';
import { endsWith, matchAt, syllableId } from './pinyin-syllables.js';

export type Speaker = 'customer' | 'bot' | 'agent';

export interface ComplianceGuard {
  /** Promises of principal or returns and denials of risk in a transcript turn; customers are never flagged. */
  compliance(text: string, speaker: Speaker): ComplianceHit[];
  /** The pre-speech check of a generated bot line: promises plus absolute wording (绝对, 保证, 100%). */
  checkBotLine(text: string): ComplianceHit[];
  /** The rule's compliant wording for an agent (config `say_instead`), if it has one. */
  sayInstead(rule: string): SayInstead | undefined;
}

/** Lower wins where candidates overlap: a configured term is the most specific evidence. */
const BY_TERM = 0;
const BY_SOUND = 1;
const BY_PATTERN = 2;
const BY_ABSOLUTE = 3;

interface Candidate extends Span {
  readonly rank: number;
}

/** Terms read by sound: ASR homophones (宝本), variants, typed pinyin (bao ben). */
function soundMatches(k: Compiled, scene: Scene, out: Candidate[]): void {
  const u = scene.u;
  const s = u.s;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    const terms = isLatinLetter(c)
      ? k.soundsByLetter.get(c)
      : k.soundsBySyllable.get(syllableId(c));
    if (!terms) continue;
    for (const t of terms) {
      const to = matchAt(u, i, t);
      if (to < 0) continue;
      const window = s.slice(i, to);
      if (window === t.norm) continue;
      const typed = /[a-z]/.test(window);
      // Exclusions guard same-sounding words (汇报本月); typed pinyin is deliberate.
      if (!typed && scene.excluded(i, to)) continue;
      if (scene.allowed(i, to) || scene.denied(i, to)) continue;
      if (k.negationSounds.some((n) => endsWith(u, i, n))) continue;
      out.push({ rule: t.rule, term: t.term, from: i, to, rank: BY_SOUND });
    }
  }
}

/**
 * The rule-based compliance checker. Of overlapping candidates the
 * best-ranked stays, then the earliest and longest, so 稳赚不赔 is one hit
 * and a term inside a paraphrase is reported as the term.
 */
/** Guards hold no per-call state: one compiled per config serves the pipeline and the API. */
const guards = new WeakMap<ComplianceConfig, ComplianceGuard>();

export function createComplianceGuard(config: ComplianceConfig): ComplianceGuard {
  let guard = guards.get(config);
  if (!guard) guards.set(config, (guard = compileGuard(config)));
  return guard;
}

function compileGuard(config: ComplianceConfig): ComplianceGuard {
  const k = compile(config);

  const check = (text: string, botLine: boolean): ComplianceHit[] => {
    const u = normalize(text, k.tables);
    if (u.s.length === 0) return [];
    const scene = new Scene(u, k.lexicon.scan(u));
    const found: Candidate[] = [];
    const deniedTerms: Occurrence[] = [];
    for (const o of scene.terms) {
      if (scene.allowed(o.from, o.to)) continue;
      if (scene.denied(o.from, o.to)) deniedTerms.push(o);
      else found.push({ rule: o.e.rule, term: o.e.term, from: o.from, to: o.to, rank: BY_TERM });
    }
    soundMatches(k, scene, found);
    for (const p of findPatterns(k.patterns, scene)) found.push({ ...p, rank: BY_PATTERN });
    if (botLine) {
      for (const o of scene.absolutes) {
        if (scene.allowed(o.from, o.to) || scene.deniedBefore(o.from)) continue;
        found.push({ rule: o.e.rule, term: o.e.term, from: o.from, to: o.to, rank: BY_ABSOLUTE });
      }
    }
    if (found.length === 0) return [];

    found.sort((a, b) => a.rank - b.rank || a.from - b.from || b.to - a.to);
    const kept: Candidate[] = [];
    for (const f of found) if (!kept.some((x) => f.from < x.to && x.from < f.to)) kept.push(f);
    kept.sort((a, b) => a.from - b.from);
    const hits: ComplianceHit[] = [];
    for (const f of kept) {
      const hit = { rule: f.rule, term: f.term, start: u.starts[f.from]!, end: u.ends[f.to - 1]! };
      const deniedLater = (sentenceEnd: number): boolean =>
        deniedTerms.some((d) => {
          const at = u.starts[d.from]!;
          return d.e.term === f.term && at >= hit.end && at < sentenceEnd;
        });
      if (scene.echoes.length && echoed(u, scene.echoes, { ...hit, from: f.from }, deniedLater))
        continue;
      hits.push(hit);
    }
    return hits;
  };

  return {
    compliance: (text, speaker) => (speaker === 'customer' ? [] : check(text, false)),
    checkBotLine: (text) => check(text, true),
    sayInstead: (rule) => config.rules.find((r) => r.name === rule)?.say_instead,
  };
}

/** The transcript check alone, as the TurnModels interface takes it. */
export function createComplianceChecker(
  config: ComplianceConfig,
): (text: string, speaker: Speaker) => ComplianceHit[] {
  return createComplianceGuard(config).compliance;
}
