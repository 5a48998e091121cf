/**
 * The operators' files against a started platform: every metric the
 * Prometheus rules (ops/prometheus/alerts.yml) and the Grafana dashboard
 * (ops/grafana/dialwise.json) read is one /metrics exports, each rule is
 * well formed (expression, duration, severity, summary), each panel has a
 * Prometheus target; the SLO document names every SLO rule. Then
 * Prometheus's own promtool (scripts/services/gotools.sh) checks the rules,
 * runs their unit tests (alerts.test.yml: series in, alerts out) and parses
 * every panel's query as a recording rule of its own.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { Platform } from '../../src/app/index.js';
import { startTestPlatform } from '../helpers/platform.js';
import { rest } from '../helpers/rest.js';
import { tmpDir } from '../helpers/tmp.js';

const OPS = join(import.meta.dirname, '..', '..', 'ops');
const PROMTOOL = process.env.PROMTOOL_BIN ?? resolve('.services/gotools/bin/promtool');
const HAS_PROMTOOL = existsSync(PROMTOOL);
const NO_PROMTOOL = `promtool is not built at ${PROMTOOL}: scripts/services/gotools.sh start (or set PROMTOOL_BIN)`;
if (!HAS_PROMTOOL && process.env.DIALWISE_REQUIRE_SERVICES === '1')
  throw new Error(`${NO_PROMTOOL} (DIALWISE_REQUIRE_SERVICES=1)`);
if (!HAS_PROMTOOL) console.warn(`[ops-files.test] promtool checks skipped: ${NO_PROMTOOL}`);

interface Rule {
  alert: string;
  expr: string;
  for: string;
  labels: { severity: string };
  annotations: { summary: string };
}
const rules = (
  parse(readFileSync(join(OPS, 'prometheus', 'alerts.yml'), 'utf8')) as {
    groups: { name: string; rules: Rule[] }[];
  }
).groups.flatMap((g) => g.rules);
const dashboard = JSON.parse(readFileSync(join(OPS, 'grafana', 'dialwise.json'), 'utf8')) as {
  uid: string;
  panels: {
    id: number;
    title: string;
    datasource: { type: string };
    gridPos: { w: number; h: number };
    targets: { expr: string }[];
  }[];
};

/** The metric families an expression reads (a histogram's by its name). */
const metricsOf = (expr: string): string[] =>
  [...expr.matchAll(/\b(dialwise_[a-z_]+)/g)].map((m) => m[1]!.replace(/_(bucket|sum|count)$/, ''));

const balanced = (expr: string): boolean => {
  let depth = 0;
  for (const c of expr.replace(/"[^"]*"/g, '')) {
    if ('({['.includes(c)) depth++;
    if (')}]'.includes(c) && --depth < 0) return false;
  }
  return depth === 0;
};

describe('ops: Prometheus rules and the Grafana dashboard', () => {
  let p: Platform;
  let exported: Set<string>;

  beforeAll(async () => {
    p = await startTestPlatform({ DIALWISE_SIM_RATE: '0' });
    // A decision and an event, so that the labelled series exist.
    const turn = { call_id: 'ops-1', customer_id: 'ops-c', text: '你好', asr_confidence: 0.9 };
    expect((await rest(p.url, p.adminKey!, '/dialog/turn', turn)).status).toBe(200);
    const text = await (await rest(p.url, p.adminKey!, '/metrics')).text();
    exported = new Set([...text.matchAll(/^# TYPE (\S+) /gm)].map((m) => m[1]!));
  });
  afterAll(() => p?.stop());

  it('has well-formed rules, each with a duration, a severity and a summary', () => {
    expect(rules.length).toBeGreaterThanOrEqual(8);
    expect(new Set(rules.map((r) => r.alert)).size).toBe(rules.length);
    for (const r of rules) {
      expect(r.alert, r.alert).toMatch(/^Dialwise[A-Za-z]+$/);
      expect(balanced(r.expr), r.expr).toBe(true);
      expect(r.expr, r.alert).toMatch(/[<>=]=?\s*[\d.]+$/);
      expect(r.for, r.alert).toMatch(/^\d+[smh]$/);
      expect(['page', 'warn'], r.alert).toContain(r.labels.severity);
      expect(r.annotations.summary.length, r.alert).toBeGreaterThan(5);
    }
  });

  it('reads only metrics the platform exports, in the rules and on every panel', () => {
    const read = [
      ...rules.flatMap((r) => metricsOf(r.expr)),
      ...dashboard.panels.flatMap((q) => q.targets.flatMap((t) => metricsOf(t.expr))),
    ];
    expect(read.length).toBeGreaterThan(15);
    expect([...new Set(read)].filter((m) => !exported.has(m))).toEqual([]);
    // The decision route is labelled as its path, as the rule selects it.
    expect(exported.has('dialwise_decision_seconds')).toBe(true);
  });

  it('lays out panels with unique ids, each on Prometheus with a query', () => {
    const ids = dashboard.panels.map((q) => q.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(dashboard.uid).toBe('dialwise-ops');
    for (const q of dashboard.panels) {
      expect(q.datasource.type, q.title).toBe('prometheus');
      expect(q.targets.length, q.title).toBeGreaterThan(0);
      expect(q.gridPos.w * q.gridPos.h, q.title).toBeGreaterThan(0);
      for (const t of q.targets) expect(balanced(t.expr), t.expr).toBe(true);
    }
  });

  it('names every SLO rule in the SLO document', () => {
    const slo = readFileSync(join(OPS, 'slo.md'), 'utf8');
    for (const r of rules) expect(slo, r.alert).toContain(r.alert);
  });
});

describe.runIf(HAS_PROMTOOL)('ops: promtool', () => {
  const promtool = (...args: string[]) =>
    execFileSync(PROMTOOL, args, { cwd: join(OPS, 'prometheus'), encoding: 'utf8' });

  it('checks the rules and passes their unit tests', () => {
    expect(promtool('check', 'rules', 'alerts.yml')).toMatch(/SUCCESS: 8 rules found/);
    expect(promtool('test', 'rules', 'alerts.test.yml')).toMatch(/SUCCESS/);
  });

  it('parses every panel query of the Grafana dashboard', () => {
    const file = join(tmpDir('dialwise-promql-'), 'panels.yml');
    const record = dashboard.panels.flatMap((q, i) =>
      q.targets.map((t, j) => ({ record: `dialwise:panel_${i}_${j}`, expr: t.expr })),
    );
    writeFileSync(file, JSON.stringify({ groups: [{ name: 'panels', rules: record }] }));
    expect(promtool('check', 'rules', file)).toMatch(
      new RegExp(`SUCCESS: ${record.length} rules found`),
    );
  });
});
