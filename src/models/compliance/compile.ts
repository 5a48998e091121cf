import { DialwiseError } from '../../core/errors.js';
import { parseComplianceConfig, type ComplianceConfig } from './compliance-config.js';
import { withVariants, type FoldTables } from './fold.js';
import {
  ABSOLUTE,
  ALLOW,
  CONTRAST,
  CUE,
  ECHO,
  EXCLUDE,
  Lexicon,
  NEG,
  NEG_AFTER,
  NOT_NEG,
  REPLY,
  RHETORICAL,
  TERM,
} from './lexicon.js';
import type { Pattern } from './patterns.js';
import { sounds, syllablesOf, type Sounds } from './pinyin-syllables.js';

/** A term matched by sound: its syllables and what to report. */
export interface SoundTerm extends Sounds {
  readonly rule: string;
  readonly term: string;
  /** The folded term; a window reading exactly this is the lexicon's match, not a homophone. */
  readonly norm: string;
}

/** Everything a check needs, built once from the config. */
export interface Compiled {
  readonly tables: FoldTables;
  readonly lexicon: Lexicon;
  readonly patterns: readonly Pattern[];
  /** Sound terms by the id of their first syllable (a Chinese character starts the window)… */
  readonly soundsBySyllable: ReadonlyMap<number, readonly SoundTerm[]>;
  /** …and by their first letter (typed pinyin starts it). */
  readonly soundsByLetter: ReadonlyMap<number, readonly SoundTerm[]>;
  /** Negation cues by sound, for "bu bao ben". */
  readonly negationSounds: readonly Sounds[];
}

function group<T>(items: readonly T[], key: (t: T) => number): Map<number, T[]> {
  const m = new Map<number, T[]>();
  for (const t of items) {
    const k = key(t);
    m.set(k, [...(m.get(k) ?? []), t]);
  }
  return m;
}

/** Negation cues and the other plain phrase lists; the sounds of the cues before a term. */
function addNegation(c: ComplianceConfig, lex: Lexicon): Sounds[] {
  const negationSounds: Sounds[] = [];
  c.negation.before.forEach((b, i) =>
    b.cues.forEach((cue, j) => {
      const norm = lex.add(cue, { kind: NEG, scope: b.scope }, `negation.before.${i}.cues.${j}`);
      const syllables = norm === undefined ? undefined : syllablesOf(norm);
      if (syllables) negationSounds.push(sounds(syllables));
    }),
  );
  const after = c.negation.after;
  after.cues.forEach((p, j) =>
    lex.add(p, { kind: NEG_AFTER, scope: after.scope }, `negation.after.cues.${j}`),
  );
  const plain: [readonly string[], number, string][] = [
    [c.negation.reply, REPLY, 'negation.reply'],
    [c.negation.notNegation, NOT_NEG, 'negation.notNegation'],
    [c.negation.contrast, CONTRAST, 'negation.contrast'],
    [c.negation.rhetorical, RHETORICAL, 'negation.rhetorical'],
    [c.allow, ALLOW, 'allow'],
    [c.homophones.exclude, EXCLUDE, 'homophones.exclude'],
    [c.echo, ECHO, 'echo'],
  ];
  for (const [phrases, kind, path] of plain)
    phrases.forEach((p, j) => lex.add(p, { kind }, `${path}.${j}`));

  return negationSounds;
}

export function compile(config: ComplianceConfig): Compiled {
  const c = parseComplianceConfig(config);
  const tables = withVariants(c.homophones.variants);
  const lex = new Lexicon(tables);
  const patterns: Pattern[] = [];
  const soundTerms: SoundTerm[] = [];
  const skip = new Set(
    c.homophones.skipTerms.map((t, i) => lex.fold(t, `homophones.skipTerms.${i}`)),
  );

  c.rules.forEach((r, i) => {
    r.terms.forEach((term, j) => {
      const norm = lex.add(term, { kind: TERM, rule: r.name }, `rules.${i}.terms.${j}`);
      if (norm === undefined || r.homophones === false || skip.has(norm)) return;
      const syllables = syllablesOf(norm);
      if (syllables && syllables.length >= 2)
        soundTerms.push({ rule: r.name, term, norm, ...sounds(syllables) });
    });
    r.patterns?.forEach((p, j) => {
      const pattern = patterns.length;
      patterns.push({
        rule: r.name,
        name: p.name,
        groups: p.cues.length,
        window: p.window,
        clauses: p.clauses ?? 1,
      });
      p.cues.forEach((cues, g) =>
        cues.forEach((cue, k) =>
          lex.add(
            cue,
            { kind: CUE, rule: r.name, pattern, group: g },
            `rules.${i}.patterns.${j}.cues.${g}.${k}`,
          ),
        ),
      );
    });
  });
  c.absolute.terms.forEach((t, j) =>
    lex.add(t, { kind: ABSOLUTE, rule: c.absolute.rule }, `absolute.terms.${j}`),
  );

  const negationSounds = addNegation(c, lex);

  if (lex.problems.length) {
    throw new DialwiseError(
      'CONFIG_INVALID',
      `invalid compliance config:\n  - ${lex.problems.join('\n  - ')}`,
    );
  }
  return {
    tables,
    lexicon: lex,
    patterns,
    soundsBySyllable: group(soundTerms, (t) => t.ids[0]!),
    soundsByLetter: group(soundTerms, (t) => t.syllables[0]!.charCodeAt(0)),
    negationSounds,
  };
}
