/**
 * Compliance checker benchmark: precision / recall / F1 on the labelled
 * tuning set and on the held-out set (written after the rules were frozen,
 * never used for tuning), per kind, and µs per call in transcript mode and
 * bot-line mode. The old keyword checker is scored on the same sets as the
 * baseline.
 *
 *   npx tsx bench/compliance.ts [--only rules|baseline] [--rounds 200] [--out FILE]
 *
 * Prints a JSON result and writes it to bench/results/compliance.json.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { dirname } from 'node:path';
import { parseArgs } from 'node:util';
import {
  createComplianceGuard,
  DEFAULT_COMPLIANCE_CONFIG,
} from '../src/models/compliance/index.js';
import {
  evaluateCompliance,
  readComplianceSet,
  type ComplianceModel,
  type ComplianceRecord,
  type ComplianceReport,
} from '../src/training/compliance/index.js';
import {
  createComplianceChecker as createKeywordV1,
  DEFAULT_COMPLIANCE_CONFIG as KEYWORD_V1_CONFIG,
} from './compliance-baseline/keyword-v1.js';

const { values } = parseArgs({
  options: {
    only: { type: 'string' },
    rounds: { type: 'string', default: '200' },
    out: { type: 'string', default: 'bench/results/compliance.json' },
  },
});

const SETS = {
  tuning: 'test/fixtures/compliance/labelled.jsonl',
  heldOut: 'test/fixtures/compliance/held-out.jsonl',
};

const CHECKERS: Record<string, () => ComplianceModel> = {
  rules: () => createComplianceGuard(DEFAULT_COMPLIANCE_CONFIG),
  baseline: () => {
    const check = createKeywordV1(KEYWORD_V1_CONFIG);
    return { compliance: check };
  },
};

const summary = (r: ComplianceReport) => ({
  precision: r.precision,
  recall: r.recall,
  f1: r.f1,
  accuracy: r.accuracy,
  counts: { records: r.records, positives: r.positives, tp: r.tp, fp: r.fp, fn: r.fn, tn: r.tn },
  perKind: Object.fromEntries(
    Object.entries(r.perKind).map(([k, s]) => [
      k,
      {
        records: s.records,
        positives: s.positives,
        precision: s.precision,
        recall: s.recall,
        f1: s.f1,
        accuracy: s.accuracy,
      },
    ]),
  ),
  perRule: r.perRule,
  falseNegatives: r.falseNegatives,
  falsePositives: r.falsePositives,
});

/** Per-call latency: each call timed alone (p50/p99), plus the batch mean without timer overhead. */
function timeCalls(call: (text: string) => unknown, texts: readonly string[], rounds: number) {
  for (let i = 0; i < 50; i++) for (const t of texts) call(t);
  const samples: number[] = [];
  for (let r = 0; r < rounds; r++) {
    for (const t of texts) {
      const t0 = process.hrtime.bigint();
      call(t);
      samples.push(Number(process.hrtime.bigint() - t0) / 1000);
    }
  }
  const t0 = process.hrtime.bigint();
  for (let r = 0; r < rounds; r++) for (const t of texts) call(t);
  const mean = Number(process.hrtime.bigint() - t0) / 1000 / (rounds * texts.length);
  samples.sort((a, b) => a - b);
  const at = (q: number): number =>
    Math.round((samples[Math.floor(q * (samples.length - 1))] ?? NaN) * 100) / 100;
  return {
    calls: samples.length,
    meanUs: Math.round(mean * 100) / 100,
    p50Us: at(0.5),
    p99Us: at(0.99),
  };
}

const sets: Record<string, ComplianceRecord[]> = {};
for (const [name, path] of Object.entries(SETS)) {
  try {
    sets[name] = readComplianceSet(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
}
const spoken = Object.values(sets)
  .flat()
  .filter((r) => r.speaker !== 'customer')
  .map((r) => r.text);
const rounds = Number(values.rounds);

const result: Record<string, unknown> = {
  generatedAt: new Date().toISOString(),
  node: process.version,
  cpu: cpus()[0]?.model,
  sets: Object.fromEntries(
    Object.entries(sets).map(([k, v]) => [
      k,
      {
        path: SETS[k as keyof typeof SETS],
        records: v.length,
        positives: v.filter((r) => r.label).length,
      },
    ]),
  ),
  timedTexts: {
    count: spoken.length,
    meanChars: Math.round(spoken.join('').length / spoken.length),
  },
};
for (const [name, make] of Object.entries(CHECKERS)) {
  if (values.only && values.only !== name) continue;
  const t0 = process.hrtime.bigint();
  const model = make();
  const constructMs = Number(process.hrtime.bigint() - t0) / 1e6;
  const botLine = model.checkBotLine?.bind(model) ?? ((t: string) => model.compliance(t, 'bot'));
  result[name] = {
    constructMs: Math.round(constructMs * 10) / 10,
    ...Object.fromEntries(
      Object.entries(sets).map(([k, v]) => [k, summary(evaluateCompliance(model, v))]),
    ),
    timing: {
      transcript: timeCalls((t) => model.compliance(t, 'bot'), spoken, rounds),
      botLine: timeCalls(botLine, spoken, rounds),
    },
  };
}

mkdirSync(dirname(values.out), { recursive: true });
writeFileSync(values.out, JSON.stringify(result, null, 2) + '\n');
console.log(JSON.stringify(result, null, 2));
