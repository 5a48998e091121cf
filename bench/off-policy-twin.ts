/**
 * The off-policy estimate of a held-back script policy against the value it
 * really gets (issue 17): the twin's week is run twice on the same scenario
 * and seed against the built platform in its own process (as bench/loop.ts
 * does). First under the logging policy, the live experiment (Thompson
 * sampling per script node and segment); the policy file is then evaluated
 * on that run's decision log by the library function behind `dialwise
 * evaluate-policy` (IPS, SNIPS and DR with 95% bootstrap intervals). Then
 * with the policy deployed live (DIALWISE_SCRIPT_POLICY): its true value is
 * the same quantity read the same way from the second run's log, the
 * conversion per decision at the policy's node (docs/off-policy.md).
 *
 *   npm run build && npx tsx bench/off-policy-twin.ts
 *     [--scenario config/scenarios/pitch-split.json] [--policy config/policies/pitch-by-tier.json]
 *     [--calls 3000] [--seed 1]
 *
 * Writes bench/results/off-policy-twin.json.
 */
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { loggedDecisions } from '../src/analytics/records/index.js';
import { evaluatePolicyText } from '../src/api/index.js';
import { platformTarget, twinCosts, twinRules } from '../src/app/twin.js';
import { crmMappingOf, dialingRulesOf } from '../src/app/setup.js';
import { startSlackReceiver } from '../src/app/slack-receiver.js';
import { loadConfig } from '../src/core/config.js';
import { Store } from '../src/core/store/store.js';
import { createWorld, loadScenario, runTwin, type TwinReport } from '../src/twin/index.js';
import { startPlatformProcess } from './lib/platform-process.js';

const { values } = parseArgs({
  options: {
    scenario: { type: 'string', default: 'config/scenarios/pitch-split.json' },
    policy: { type: 'string', default: 'config/policies/pitch-by-tier.json' },
    calls: { type: 'string', default: '3000' },
    seed: { type: 'string', default: '1' },
  },
});
const scenario = loadScenario(values.scenario!);
const calls = Number(values.calls);
const seed = Number(values.seed);
const policyText = readFileSync(values.policy!, 'utf8');
const node = (JSON.parse(policyText) as { node: string }).node;
const config = loadConfig({});
const rules = twinRules(dialingRulesOf(config), scenario.campaign_id, crmMappingOf(config));
const costs = twinCosts(config, scenario);
const ROOT = join(import.meta.dirname, '..');
const startMs = Date.parse(scenario.start);
// Every decision of the run: the virtual clock starts 2 hours before the week.
const range = {
  from: new Date(startMs - 86_400_000).toISOString(),
  to: new Date(startMs + (scenario.days + 2) * 86_400_000).toISOString(),
  nowMs: startMs + (scenario.days + 2) * 86_400_000,
};

/** The retrain plan without its schedule: the weekly retrain would cross the simulated week. */
function unscheduledRetrain(): string {
  const plan = JSON.parse(readFileSync(join(ROOT, 'config', 'retrain.json'), 'utf8')) as Record<
    string,
    unknown
  >;
  plan.schedule = null;
  const file = join(mkdtempSync(join(os.tmpdir(), 'dialwise-opt-')), 'retrain.json');
  writeFileSync(file, JSON.stringify(plan));
  return file;
}

/** The twin's week against a platform process; its data folder stays for the log to be read. */
async function runWeek(label: string, env: Record<string, string>) {
  const dataDir = mkdtempSync(join(os.tmpdir(), `dialwise-opt-${label}-`));
  const slack = await startSlackReceiver();
  const p = await startPlatformProcess({
    name: `opt-${label}`,
    env: {
      DIALWISE_DATA_DIR: dataDir,
      DIALWISE_VIRTUAL_CLOCK: new Date(startMs - 2 * 3_600_000).toISOString(),
      SLACK_WEBHOOK_URL: slack.url,
      DIALWISE_RETRAIN_CONFIG: unscheduledRetrain(),
      DIALWISE_REGISTRY_DIR: join(ROOT, 'data', 'bench-registry'),
      ...env,
    },
  });
  try {
    const target = platformTarget({
      url: `http://127.0.0.1:${p.port}`,
      apiKey: p.adminKey,
      campaignId: scenario.campaign_id,
      remote: true,
    });
    const report = await runTwin({
      world: createWorld(scenario, seed),
      policy: 'dialwise',
      calls,
      seed,
      rules,
      costs,
      target,
    });
    console.error(`${label}: ${report.dials} dials, ${report.wallSeconds} s`);
    return { dataDir, report };
  } finally {
    // Stopping flushes the decision log's batches and closes the DuckDB file.
    await p.stop();
    await slack.stop();
  }
}

async function withStore<T>(dataDir: string, read: (store: Store) => Promise<T>): Promise<T> {
  const store = await Store.open(join(dataDir, 'dialwise.duckdb'));
  try {
    return await read(store);
  } finally {
    await store.close();
  }
}

/** How the node's decisions share calls: per-decision rewards are a call's, counted once per decision. */
async function perCall(store: Store) {
  const [r] = await store.query<{ calls: number; multi: number; decisions: number }>(
    `SELECT count(*)::INTEGER AS calls, count(*) FILTER (WHERE n > 1)::INTEGER AS multi,
       sum(n)::INTEGER AS decisions
     FROM (SELECT call_id, count(*) AS n FROM decisions
           WHERE kind = 'turn' AND node = $node AND variant <> 'safe' GROUP BY call_id)`,
    { node },
  );
  return r!;
}

const summary = (r: TwinReport) => ({
  dials: r.dials,
  answered: r.answered,
  conversions: r.conversions,
  wallSeconds: r.wallSeconds,
});

const meanWithInterval = (xs: readonly number[]) => {
  const n = xs.length;
  const mean = xs.reduce((s, x) => s + x, 0) / n;
  const sd = Math.sqrt(xs.reduce((s, x) => s + (x - mean) ** 2, 0) / Math.max(1, n - 1));
  const half = (1.96 * sd) / Math.sqrt(n);
  return { n, value: mean, interval: { lo: mean - half, hi: mean + half } };
};

// (a) The logging policy's week, and the policy file evaluated on its log.
const logging = await runWeek('logging', {});
const { report, loggedMix, logShape } = await withStore(logging.dataDir, async (store) => ({
  report: await evaluatePolicyText(store, { text: policyText, source: values.policy! }, range),
  loggedMix: await store.query<{ variant: string; n: number; mean_propensity: number }>(
    `SELECT variant, count(*)::INTEGER AS n, avg(propensity) AS mean_propensity FROM decisions
     WHERE kind = 'turn' AND node = $node GROUP BY variant ORDER BY variant`,
    { node },
  ),
  logShape: await perCall(store),
}));
console.error(JSON.stringify(report));

// (b) The same week with the policy deployed live: its value, read as the estimate is.
const live = await runWeek('live', { DIALWISE_SCRIPT_POLICY: values.policy! });
const { liveLogs, liveShape } = await withStore(live.dataDir, async (store) => ({
  liveLogs: await loggedDecisions(store, { ...range, kind: 'turn', node }),
  liveShape: await perCall(store),
}));
const truth = meanWithInterval(liveLogs.map((d) => d.reward));
const byPolicy = Object.fromEntries(
  [...new Set(liveLogs.map((d) => d.policy_version))].map((v) => [
    v,
    liveLogs.filter((d) => d.policy_version === v).length,
  ]),
);

// (c) Is the true value inside each estimate's interval?
const checks = report.estimates.map((e) => ({
  estimator: e.estimator,
  estimate: e.value,
  interval: e.interval,
  inside: e.interval.lo <= truth.value && truth.value <= e.interval.hi,
}));
const result = {
  scenario: scenario.name,
  policy: report.policy,
  node,
  seed,
  calls,
  machine: `${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}`,
  level: report.level,
  logging: {
    run: summary(logging.report),
    decisions: report.n,
    policies: report.loggedPolicies,
    value: report.logged,
    variants: loggedMix,
    calls: logShape,
    ess: report.ess,
    support: report.support,
  },
  estimates: checks,
  trueValue: {
    ...truth,
    decisionsByPolicy: byPolicy,
    calls: liveShape,
    run: summary(live.report),
  },
  /** The report's headline: DR, the estimator the evaluator leans on. */
  inside: checks.find((c) => c.estimator === 'dr')?.inside ?? false,
};
mkdirSync(join(import.meta.dirname, 'results'), { recursive: true });
const out = join(import.meta.dirname, 'results', 'off-policy-twin.json');
writeFileSync(out, JSON.stringify(result, null, 2) + '\n');
console.log(JSON.stringify({ out, ...result }, null, 2));
