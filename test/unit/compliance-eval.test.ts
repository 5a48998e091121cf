import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ComplianceHit } from '../../src/models/types.js';
import {
  evaluateCompliance,
  readComplianceSet,
  runComplianceEval,
  type ComplianceModel,
  type ComplianceRecord,
} from '../../src/training/compliance/index.js';

/** Flags "X" as rule x and "Y" as rule y; bot lines also flag "!" as rule bang. */
const hit = (rule: string, at: number): ComplianceHit => ({
  rule,
  term: rule,
  start: at,
  end: at + 1,
});
const find = (text: string, ch: string, rule: string): ComplianceHit[] =>
  text.includes(ch) ? [hit(rule, text.indexOf(ch))] : [];
const stub: ComplianceModel = {
  compliance: (text, speaker) =>
    speaker === 'customer' ? [] : [...find(text, 'X', 'x'), ...find(text, 'Y', 'y')],
  checkBotLine: (text) => [...find(text, 'X', 'x'), ...find(text, '!', 'bang')],
};

const set: ComplianceRecord[] = [
  { text: 'aX', speaker: 'bot', label: true, rule: 'x', kind: 'plain' }, // tp
  { text: 'aY', speaker: 'agent', label: true, rule: 'x', kind: 'plain' }, // tp, other rule
  { text: 'a', speaker: 'bot', label: true, rule: 'x', kind: 'paraphrase' }, // fn
  { text: 'X', speaker: 'bot', label: false, kind: 'negation' }, // fp
  { text: 'b', speaker: 'bot', label: false, kind: 'negation' }, // tn
  { text: 'X?', speaker: 'customer', label: false, kind: 'question' }, // tn
  { text: 'go!', speaker: 'bot', mode: 'bot_line', label: true, rule: 'bang', kind: 'absolute' }, // tp
  { text: 'Y', speaker: 'bot', mode: 'bot_line', label: false, kind: 'benign' }, // tn: y is transcript-only
];

describe('evaluateCompliance', () => {
  const r = evaluateCompliance(stub, set);

  it('counts records, not hits, in the mode each record names', () => {
    expect(r).toMatchObject({ records: 8, positives: 4, tp: 3, fp: 1, fn: 1, tn: 3 });
    expect(r.precision).toBe(0.75);
    expect(r.recall).toBe(0.75);
    expect(r.f1).toBe(0.75);
    expect(r.accuracy).toBe(0.75);
  });

  it('scores each kind, with null where a figure is undefined', () => {
    expect(r.perKind.plain).toMatchObject({ records: 2, tp: 2, precision: 1, recall: 1 });
    expect(r.perKind.paraphrase).toMatchObject({ fn: 1, precision: null, recall: 0, f1: null });
    expect(r.perKind.negation).toMatchObject({ fp: 1, tn: 1, recall: null, accuracy: 0.5 });
    expect(r.perKind.question).toMatchObject({ tn: 1, precision: null, accuracy: 1 });
  });

  it('counts per rule: support, detected, detected by that rule, false positives', () => {
    expect(r.perRule.x).toEqual({
      support: 3,
      detected: 2,
      sameRule: 1,
      fired: 2,
      falsePositives: 1,
    });
    expect(r.perRule.y).toEqual({
      support: 0,
      detected: 0,
      sameRule: 0,
      fired: 1,
      falsePositives: 0,
    });
    expect(r.perRule.bang).toMatchObject({ support: 1, sameRule: 1 });
  });

  it('lists the misses with what matched, capped', () => {
    expect(r.falseNegatives).toEqual([
      { text: 'a', speaker: 'bot', mode: 'transcript', kind: 'paraphrase', rule: 'x', hits: [] },
    ]);
    expect(r.falsePositives).toEqual([
      {
        text: 'X',
        speaker: 'bot',
        mode: 'transcript',
        kind: 'negation',
        hits: [{ rule: 'x', term: 'x', span: 'X' }],
      },
    ]);
    expect(evaluateCompliance(stub, set, { maxListed: 0 }).falsePositives).toEqual([]);
  });

  it('scores a bot line with the transcript check when the model has no guard', () => {
    const plain = evaluateCompliance({ compliance: stub.compliance }, set);
    // go! is missed, Y becomes a false positive.
    expect(plain).toMatchObject({ tp: 2, fn: 2, fp: 2 });
  });
});

describe('readComplianceSet', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dialwise-compliance-set-'));

  it('reads JSONL records, skipping blank lines', () => {
    const file = join(dir, 'ok.jsonl');
    writeFileSync(
      file,
      '{"text":"a","speaker":"bot","label":true}\n\n{"text":"b","speaker":"customer","label":false,"kind":"question"}\n',
    );
    expect(readComplianceSet(file)).toEqual([
      { text: 'a', speaker: 'bot', label: true },
      { text: 'b', speaker: 'customer', label: false, kind: 'question' },
    ]);
  });

  it('leaves bad lines out, each problem summarised with its line numbers', () => {
    const file = join(dir, 'bad.jsonl');
    writeFileSync(
      file,
      '{"text":"a","speaker":"bot","label":true}\nnot json\n{"text":"c","speaker":"robot","label":1}\n{"text":"d","speaker":"bot","label":"yes"}\n',
    );
    const said: string[] = [];
    expect(readComplianceSet(file, {}, (m) => said.push(m))).toEqual([
      { text: 'a', speaker: 'bot', label: true },
    ]);
    expect(said.join()).toMatch(/1 line: not JSON \(line 2\)/);
    expect(said.join()).toMatch(/1 line: speaker: .* \(line 3\)/);
    expect(said.join()).toMatch(/1 line: "label" is not true or false \(or 1\/0\) \(line 4\)/);
  });

  it('reads a TSV with a renamed text field, empty optional cells absent', () => {
    const file = join(dir, 'set.tsv');
    writeFileSync(
      file,
      'utterance\tspeaker\tlabel\tkind\n保证收益\tagent\t1\t\n你好\tcustomer\tfalse\tbenign\n',
    );
    expect(readComplianceSet(file, { textField: 'utterance' })).toEqual([
      { text: '保证收益', speaker: 'agent', label: true },
      { text: '你好', speaker: 'customer', label: false, kind: 'benign' },
    ]);
  });

  it.each(['labelled', 'held-out'])('reads the %s set, which has both labels', (name) => {
    const records = readComplianceSet(`test/fixtures/compliance/${name}.jsonl`);
    expect(records.length).toBeGreaterThanOrEqual(name === 'labelled' ? 400 : 150);
    const positives = records.filter((r) => r.label).length;
    expect(positives / records.length).toBeGreaterThan(0.35);
    expect(positives / records.length).toBeLessThan(0.65);
    expect(records.every((r) => r.kind !== undefined)).toBe(true);
  });
});

describe('runComplianceEval', () => {
  // Floors a little under the figures in bench/results/compliance.json: a rule
  // change that costs precision or recall on either set fails here first.
  it.each<[string, number, number]>([
    ['labelled', 0.98, 0.97],
    ['held-out', 0.95, 0.85],
  ])('scores the rules on the %s set', (name, precision, recall) => {
    const r = runComplianceEval({ model: 'rules', data: `test/fixtures/compliance/${name}.jsonl` });
    expect(r.precision).toBeGreaterThanOrEqual(precision);
    expect(r.recall).toBeGreaterThanOrEqual(recall);
    for (const kind of ['question', 'disclosure', 'benign'])
      expect(r.perKind[kind]?.accuracy).toBeGreaterThanOrEqual(0.99);
  });

  it('takes a config file as the model, and names a file it cannot read', () => {
    const data = 'test/fixtures/compliance/held-out.jsonl';
    expect(runComplianceEval({ model: 'config/compliance.json', data })).toEqual(
      runComplianceEval({ model: 'rules', data }),
    );
    expect(() => runComplianceEval({ model: 'no/such.json', data })).toThrow(/no\/such\.json/);
  });
});
