import { parseConfig, readConfigJson } from '../../core/config-file.js';
import { z } from 'zod';

/**
 * What counts as a forbidden promise, as data (config/compliance.json):
 * compliance staff change terms, paraphrase patterns and negations without
 * touching code. Every phrase is matched after folding (see fold.ts), so
 * "保 本", "穩賺", "ＢＡＯ ＢＥＮ" and "bǎo běn" need no entries of their own.
 */

const phrase = z.string().min(1, 'must not be empty');
const snakeCase = z.string().regex(/^[a-z][a-z0-9_]*$/, 'rule names are snake_case');

const patternSchema = z.strictObject({
  /** Reported as the hit's term, e.g. "承诺…收益". */
  name: phrase,
  /** Cue groups in order: one cue of each group, in this order, in one clause. */
  cues: z
    .array(z.array(phrase).min(1, 'a cue group needs a cue'))
    .min(2, 'a pattern needs two cue groups or more'),
  /** Longest span from the first cue's start to the last cue's end, in folded characters. */
  window: z.number().int().min(2).max(60),
  /**
   * Clauses the cues may spread over (default 1): a topic and its comment
   * are often split by a comma, as in "您的钱放我们这里，永远不会少".
   */
  clauses: z.number().int().min(1).max(3).optional(),
});

/** A compliant wording offered to an agent who tripped a rule (live agent assist). */
const sayInstead = z.strictObject({ zh: phrase, en: phrase });
export type SayInstead = z.infer<typeof sayInstead>;

const ruleSchema = z
  .strictObject({
    name: snakeCase,
    terms: z.array(phrase),
    patterns: z.array(patternSchema).optional(),
    /** Also match the terms by toneless pinyin: ASR homophones and typed pinyin. Default true. */
    homophones: z.boolean().optional(),
    /** A compliant wording offered to an agent who tripped the rule (live agent assist). */
    say_instead: sayInstead.optional(),
  })
  .refine((r) => r.terms.length > 0 || (r.patterns?.length ?? 0) > 0, {
    message: 'a rule needs terms or patterns',
  });

const scopedCues = z.strictObject({
  /** Folded characters allowed between the cue and what it negates. */
  scope: z.number().int().min(0).max(20),
  cues: z.array(phrase).min(1),
});

const oneChar = z.string().refine((s) => [...s].length === 1 && s.length === 1, {
  message: 'must be one BMP character',
});

export const complianceConfigSchema = z
  .strictObject({
    /** Promises of principal or returns and denials of risk: flagged in transcripts and bot lines. */
    rules: z.array(ruleSchema).min(1),
    /** Absolute wording (绝对, 保证, 100%): kept out of generated bot lines only. */
    absolute: z.strictObject({ rule: snakeCase, terms: z.array(phrase).min(1) }),
    negation: z.strictObject({
      /** Cues before a match that deny it: 不保本, 无法保证收益, 不可能零风险. */
      before: z.array(scopedCues).min(1),
      /** Cues after a match that close its clause and deny it: 零风险是不可能的. */
      after: scopedCues,
      /** Cues opening the clause after a bare term: "保本？不是的". */
      reply: z.array(phrase),
      /** Phrases that contain a negation cue but deny nothing: 不仅, 不少于, 无论, 没问题. */
      notNegation: z.array(phrase),
      /** A negation does not reach past these: 不是A，但是B. */
      contrast: z.array(phrase),
      /** In a yes-no question these make a negation rhetorical: 这不是稳赚吗？难道还不保本吗？ */
      rhetorical: z.array(phrase),
    }),
    /** Harmless phrases overlapping a term or cue: 确保本次, 风险测评, 保证金, 一定的. */
    allow: z.array(phrase),
    homophones: z.strictObject({
      /** Words that make a same-sounding window harmless: 汇报本月 is not 保本. */
      exclude: z.array(phrase),
      /** Terms too short or common to match by sound (兜底 ~ 都低). */
      skipTerms: z.array(phrase),
      /** Variant characters folded before matching: 夲 → 本. */
      variants: z.record(oneChar, oneChar),
    }),
    /**
     * A bot or agent checking what the customer asked is not promising:
     * these frames, in a sentence that is a question, exempt its hits
     * ("您是问是否保本吗？"). A bare question ("这款产品保本吗？") is still
     * flagged: from a seller it is a rhetorical promise.
     */
    echo: z.array(phrase),
  })
  .superRefine((c, ctx) => {
    const seen = new Set<string>();
    c.rules.forEach((r, i) => {
      if (seen.has(r.name) || r.name === c.absolute.rule)
        ctx.addIssue({
          code: 'custom',
          path: ['rules', i, 'name'],
          message: `duplicate rule "${r.name}"`,
        });
      seen.add(r.name);
    });
  });

/** The config as written (optional fields may be left out). */
export type ComplianceConfig = z.input<typeof complianceConfigSchema>;
export type ParsedComplianceConfig = z.output<typeof complianceConfigSchema>;

/** Validates a config, reporting every problem at once with its path. */
export function parseComplianceConfig(
  raw: unknown,
  source = 'compliance config',
): ParsedComplianceConfig {
  return parseConfig(complianceConfigSchema, raw, source);
}

/** Reads and validates a JSON config file. */
export function loadComplianceConfig(path: string): ParsedComplianceConfig {
  return parseComplianceConfig(readConfigJson(path, 'compliance config'), path);
}
