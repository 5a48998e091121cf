/**
 * The weekly job's wall time: `dialwise retrain` for intent, emotion and
 * propensity on the configured data (config/retrain.json), into a fresh
 * registry, through MLflow when MLFLOW_TRACKING_URI is set.
 *
 *   npx tsx bench/retrain.ts [--models intent,emotion,propensity] [--twice]
 *
 * --twice runs the job again on the same registry: the second run scores the
 * new challengers against the champions the first one promoted (the gate).
 * Writes bench/results/retrain.json. Needs the dataset folder.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import os, { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { formatSummary, runRetrainCommand } from '../src/cli/retrain-command.js';
import { loadConfig } from '../src/core/config.js';
import { createLogger } from '../src/core/log.js';

const { values } = parseArgs({
  options: { models: { type: 'string' }, twice: { type: 'boolean' } },
});
const config = loadConfig({
  env: {
    ...process.env,
    DIALWISE_DATA_DIR: mkdtempSync(join(tmpdir(), 'dialwise-retrain-bench-')),
    DIALWISE_LOG_LEVEL: 'warn',
  },
});
const logger = createLogger('warn');
const runs = [];
for (let i = 0; i < (values.twice ? 2 : 1); i++) {
  const summary = await runRetrainCommand(config, logger, { models: values.models });
  console.log(formatSummary(summary));
  runs.push({
    seconds: summary.seconds,
    perModel: Object.fromEntries(
      summary.models.map((m) => [
        m.name,
        {
          seconds: m.seconds,
          version: m.version,
          promoted: m.promoted,
          reasons: m.decision.reasons,
          frozen: { [m.challenger.metric]: m.challenger.value, records: m.frozenEval.records },
          metrics: m.metrics,
          records: m.data.records,
          leakage: m.data.report?.leakage?.count,
          mlflow: m.mlflow?.runUrl,
        },
      ]),
    ),
  });
}
const result = {
  runs,
  mlflow: Boolean(config.mlflowTrackingUri),
  node: process.version,
  cores: os.cpus().length,
  loadAverage1m: Math.round(os.loadavg()[0]! * 100) / 100,
  at: new Date().toISOString(),
};
const out = join(dirname(fileURLToPath(import.meta.url)), 'results', 'retrain.json');
writeFileSync(out, JSON.stringify(result, null, 2) + '\n');
console.log(JSON.stringify(result, null, 2));
