import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Config } from '../core/config.js';
import { DialwiseError } from '../core/errors.js';
import type { Logger } from '../core/log.js';
import type { Store } from '../core/store/store.js';
import { readJsonl } from '../datasets/text-record.js';
import { createMlflowClient } from '../models/mlflow-client.js';
import type { ModelName } from '../models/registry.js';
import {
  MODEL_NAMES,
  correctionRecordSchema,
  readCorrections,
  retrain,
  type CorrectionRecord,
  type Progress,
  type RetrainSummary,
} from '../training/index.js';
import { openStore, registryOf, retrainPlanOf, writeHotWords } from '../app/index.js';

/** A one-line bar redrawn in place on a terminal; plain lines when piped (CI logs, cron mail). */
export function terminalProgress(out: NodeJS.WriteStream = process.stderr): Progress {
  let last = '';
  return {
    step(label, done, total) {
      const share = total > 0 ? Math.min(1, done / total) : 0;
      const width = 24;
      const filled = Math.round(share * width);
      const line = `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${String(Math.round(share * 100)).padStart(3)}% ${label}`;
      if (out.isTTY) out.write(`\r\x1b[2K${line}${done >= total ? '\n' : ''}`);
      else if (label !== last) out.write(`${line}\n`);
      last = label;
    },
  };
}

export function parseModelList(list: string | undefined): ModelName[] {
  if (!list) return [...MODEL_NAMES];
  const names = list.split(',').map((s) => s.trim());
  const bad = names.filter((n) => !(MODEL_NAMES as readonly string[]).includes(n));
  if (bad.length)
    throw new DialwiseError(
      'BAD_REQUEST',
      `unknown model ${bad.join(', ')}; choose from ${MODEL_NAMES.join(', ')}`,
    );
  return names as ModelName[];
}

async function readCorrectionsFile(file: string): Promise<CorrectionRecord[]> {
  try {
    return await readJsonl(file, correctionRecordSchema);
  } catch (err) {
    throw new DialwiseError('BAD_REQUEST', (err as Error).message, { cause: err });
  }
}

/**
 * The corrections to learn from: a file the running platform exported, else
 * read from the store (which needs the platform stopped: DuckDB lets one
 * process open the file).
 */
export async function loadCorrections(
  config: Config,
  logger: Logger,
  file: string | undefined,
): Promise<CorrectionRecord[]> {
  if (file) return readCorrectionsFile(file);
  let store: Store;
  try {
    store = await openStore(config, logger);
  } catch (err) {
    throw new DialwiseError(
      'STORE_FAILED',
      `cannot open the store for corrections (${(err as Error).message}). While the platform ` +
        'runs, it retrains on its schedule (config/retrain.json) with its own export; ' +
        'otherwise pass --corrections FILE.jsonl',
    );
  }
  try {
    const { records, skipped } = await readCorrections(store, 'dialwise retrain');
    logger.log('info', 'corrections', { used: records.length, withoutIntent: skipped });
    return records;
  } finally {
    await store.close();
  }
}

/** `dialwise retrain`: the weekly job by hand (or from the schedule), summary as text and JSON. */
export async function runRetrainCommand(
  config: Config,
  logger: Logger,
  opts: { models?: string | undefined; corrections?: string | undefined },
): Promise<RetrainSummary> {
  const plan = retrainPlanOf(config);
  const names = parseModelList(opts.models);
  const fixes = await loadCorrections(config, logger, opts.corrections);
  const summary = await retrain(plan, names, {
    registry: registryOf(config),
    mlflow: config.mlflowTrackingUri ? createMlflowClient(config.mlflowTrackingUri) : undefined,
    corrections: fixes,
    workDir: join(config.dataDir, 'retrain', `work-${process.pid}`),
    progress: terminalProgress(),
  });
  const dir = join(config.dataDir, 'retrain');
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    join(dir, `${summary.started.replace(/[:.]/g, '-')}.json`),
    JSON.stringify(summary, null, 2),
  );
  // The recogniser's hot words follow the corrections: refreshed with every retrain.
  logger.log('info', 'hot words for the speech recogniser', writeHotWords(config, fixes));
  return summary;
}

export function formatSummary(s: RetrainSummary): string {
  const lines = [`Retrained ${s.models.length} model(s) in ${s.seconds} s`];
  for (const m of s.models) {
    const head = `${m.name} v${m.version}: ${m.promoted ? 'PROMOTED to champion' : `kept as challenger (champion stays v${m.parent})`}`;
    lines.push(
      '',
      head,
      `  data: ${m.data.records} records (sha256 ${m.data.sha256.slice(0, 12)}), ${m.data.corrections} corrections; frozen eval ${m.frozenEval.records} records; ${m.seconds} s`,
      ...m.decision.reasons.map((r) => `  - ${r}`),
    );
    const leak = m.data.report?.leakage;
    if (leak)
      lines.push(`  leakage train→eval: ${leak.count} texts (${(leak.share * 100).toFixed(2)}%)`);
    if (m.mlflow)
      lines.push(`  MLflow: ${m.mlflow.runUrl} (registered version ${m.mlflow.version})`);
    if (m.mlflowPending) lines.push(`  MLflow: NOT MIRRORED YET — ${m.mlflowPending}`);
  }
  if (s.mlflowCaughtUp)
    lines.push(
      '',
      `MLflow caught up: ${s.mlflowCaughtUp.mirrored} earlier version(s) mirrored, ${s.mlflowCaughtUp.pending} still pending`,
    );
  return lines.join('\n');
}
