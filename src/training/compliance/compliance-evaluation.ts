import {
  keptRecords,
  readLabelledWith,
  toStderr,
  type LabelledFields,
} from '../../datasets/labelled-file.js';
import { z } from 'zod';
import {
  createComplianceGuard,
  DEFAULT_COMPLIANCE_CONFIG,
  loadComplianceConfig,
} from '../../models/compliance/index.js';
import type { ComplianceHit } from '../../models/types.js';

/**
 * Scoring a compliance checker on a labelled set of utterances. A record is
 * predicted positive when the checker returns at least one hit in the
 * record's mode; precision and recall are over records, not hits, because
 * a reviewer looks at a flagged turn, not at a span.
 */

export const COMPLIANCE_KINDS = [
  'plain',
  'spaces',
  'fullwidth',
  'traditional',
  'pinyin',
  'homophone',
  'paraphrase',
  'negation',
  'disclosure',
  'question',
  'benign',
  'absolute',
] as const;

const recordSchema = z.strictObject({
  text: z.string(),
  speaker: z.enum(['bot', 'agent', 'customer']),
  /** transcript: `compliance(text, speaker)`; bot_line: the pre-speech guard `checkBotLine(text)`. */
  mode: z.enum(['transcript', 'bot_line']).optional(),
  label: z.boolean(),
  rule: z.string().optional(),
  kind: z.enum(COMPLIANCE_KINDS).optional(),
});

export type ComplianceRecord = z.infer<typeof recordSchema>;

/** What is scored: the transcript check, and the bot-line guard where the model has one. */
export interface ComplianceModel {
  compliance(text: string, speaker: ComplianceRecord['speaker']): ComplianceHit[];
  checkBotLine?(text: string): ComplianceHit[];
}

/** A compliance label: a boolean, 1/0 or "true"/"false". */
const flag = z.union([
  z.boolean(),
  z.union([z.literal(0), z.literal(1)]).transform((n) => n === 1),
  z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1'),
]);
const extra = recordSchema.pick({ speaker: true, mode: true, rule: true, kind: true });

/**
 * Reads a labelled set as `dialwise eval compliance` takes it: JSONL, CSV,
 * TSV or a folder's test file (datasets/labelled-file; text and label
 * fields of the user's choice), with `speaker` and optionally `mode`,
 * `rule` and `kind`. Lines left out are summarised through `warn`.
 */
export function readComplianceSet(
  path: string,
  fields: LabelledFields = {},
  warn: (message: string) => void = toStderr,
): ComplianceRecord[] {
  const read = readLabelledWith<ComplianceRecord>(path, 'test', fields, (text, raw, row) => {
    const label = flag.safeParse(raw);
    if (!label.success) return { problem: '{label} is not true or false (or 1/0)' };
    // An empty CSV cell is an absent field.
    const given = Object.fromEntries(
      ['speaker', 'mode', 'rule', 'kind']
        .map((k) => [k, row[k]])
        .filter(([, v]) => v !== undefined && v !== ''),
    );
    const r = extra.safeParse(given);
    if (!r.success)
      return { problem: r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ') };
    return { text, ...r.data, label: label.data };
  });
  return keptRecords(read, warn);
}

export interface BinaryScores {
  records: number;
  positives: number;
  tp: number;
  fp: number;
  fn: number;
  tn: number;
  /** null where undefined (nothing predicted, or nothing to find). */
  precision: number | null;
  recall: number | null;
  f1: number | null;
  accuracy: number | null;
}

export interface RuleCounts {
  /** Positive records labelled with this rule. */
  support: number;
  /** Of those, flagged by any rule. */
  detected: number;
  /** Of those, flagged by this very rule. */
  sameRule: number;
  /** Records where this rule fired. */
  fired: number;
  /** Negative records where this rule fired. */
  falsePositives: number;
}

export interface Miss {
  text: string;
  speaker: ComplianceRecord['speaker'];
  mode: 'transcript' | 'bot_line';
  kind?: string;
  rule?: string;
  hits: { rule: string; term: string; span: string }[];
}

export interface ComplianceReport extends BinaryScores {
  perKind: Record<string, BinaryScores>;
  perRule: Record<string, RuleCounts>;
  falsePositives: Miss[];
  falseNegatives: Miss[];
}

const round = (x: number): number => Math.round(x * 10_000) / 10_000;
const ratio = (a: number, b: number): number | null => (b === 0 ? null : round(a / b));

function scores(c: { tp: number; fp: number; fn: number; tn: number }): BinaryScores {
  const precision = ratio(c.tp, c.tp + c.fp);
  const recall = ratio(c.tp, c.tp + c.fn);
  const f1 =
    precision === null || recall === null || precision + recall === 0
      ? null
      : round((2 * precision * recall) / (precision + recall));
  const records = c.tp + c.fp + c.fn + c.tn;
  return {
    records,
    positives: c.tp + c.fn,
    ...c,
    precision,
    recall,
    f1,
    accuracy: ratio(c.tp + c.tn, records),
  };
}

type Tally = { tp: number; fp: number; fn: number; tn: number };
const emptyTally = (): Tally => ({ tp: 0, fp: 0, fn: 0, tn: 0 });
const emptyRule = (): RuleCounts => ({
  support: 0,
  detected: 0,
  sameRule: 0,
  fired: 0,
  falsePositives: 0,
});

/** Runs `model` over `records`; `maxListed` caps each list of misses. */
export function evaluateCompliance(
  model: ComplianceModel,
  records: readonly ComplianceRecord[],
  opts: { maxListed?: number } = {},
): ComplianceReport {
  const maxListed = opts.maxListed ?? 20;
  const total = emptyTally();
  const byKind = new Map<string, Tally>();
  const perRule: Record<string, RuleCounts> = {};
  const rule = (name: string): RuleCounts => (perRule[name] ??= emptyRule());
  const falsePositives: Miss[] = [];
  const falseNegatives: Miss[] = [];

  for (const r of records) {
    const mode = r.mode ?? 'transcript';
    const hits =
      mode === 'bot_line' && model.checkBotLine
        ? model.checkBotLine(r.text)
        : model.compliance(r.text, mode === 'bot_line' ? 'bot' : r.speaker);
    const flagged = hits.length > 0;
    const outcome = r.label ? (flagged ? 'tp' : 'fn') : flagged ? 'fp' : 'tn';
    total[outcome]++;
    const kind = r.kind ?? 'unlabelled';
    const k = byKind.get(kind) ?? emptyTally();
    k[outcome]++;
    byKind.set(kind, k);

    const fired = new Set(hits.map((h) => h.rule));
    for (const f of fired) {
      rule(f).fired++;
      if (!r.label) rule(f).falsePositives++;
    }
    if (r.label && r.rule) {
      const c = rule(r.rule);
      c.support++;
      if (flagged) c.detected++;
      if (fired.has(r.rule)) c.sameRule++;
    }

    const list = outcome === 'fp' ? falsePositives : outcome === 'fn' ? falseNegatives : null;
    if (list && list.length < maxListed) {
      list.push({
        text: r.text,
        speaker: r.speaker,
        mode,
        ...(r.kind ? { kind: r.kind } : {}),
        ...(r.rule ? { rule: r.rule } : {}),
        hits: hits.map((h) => ({ rule: h.rule, term: h.term, span: r.text.slice(h.start, h.end) })),
      });
    }
  }

  const perKind: Record<string, BinaryScores> = {};
  for (const [kind, t] of [...byKind].sort(([a], [b]) => a.localeCompare(b)))
    perKind[kind] = scores(t);
  return { ...scores(total), perKind, perRule, falsePositives, falseNegatives };
}

/**
 * `dialwise eval compliance --model M --data F.jsonl`: M is "rules" (the
 * built-in config/compliance.json) or the path of another compliance config.
 */
export function runComplianceEval(cmd: {
  model: string;
  data: string;
  maxListed?: number;
  fields?: LabelledFields;
}): ComplianceReport {
  const config =
    cmd.model === 'rules' ? DEFAULT_COMPLIANCE_CONFIG : loadComplianceConfig(cmd.model);
  return evaluateCompliance(
    createComplianceGuard(config),
    readComplianceSet(cmd.data, cmd.fields),
    {
      maxListed: cmd.maxListed,
    },
  );
}
