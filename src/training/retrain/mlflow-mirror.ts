import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { MlflowClient } from '../../models/mlflow-client.js';
import type { ModelName, ModelRegistry, VersionMeta } from '../../models/registry.js';

/** Per-step histories (loss per epoch) kept in a version's folder for a later mirror. */
export const SERIES_FILE = 'training-series.json';

/**
 * Mirrors one locally registered version to MLflow: a run with its params,
 * metrics and per-epoch series, the model folder as artifacts, a registered
 * version, and the aliases the local registry gives it. The local registry
 * is the record the platform serves from; MLflow follows it.
 */
export async function mirrorVersion(
  client: MlflowClient,
  registry: ModelRegistry,
  meta: VersionMeta,
): Promise<NonNullable<VersionMeta['mlflow']>> {
  const name: ModelName = meta.name;
  const dir = registry.dir(name, meta.version);
  const experimentId = await client.getOrCreateExperiment(`dialwise-${name}`);
  const runId = await client.createRun(experimentId, `retrain-${name}-v${meta.version}`, {
    'dialwise.model': name,
    'dialwise.version': String(meta.version),
  });
  try {
    const seriesFile = join(dir, SERIES_FILE);
    const series = existsSync(seriesFile)
      ? (JSON.parse(await readFile(seriesFile, 'utf8')) as Record<string, number[]>)
      : {};
    await client.logBatch(runId, {
      params: meta.params as Record<string, string | number>,
      metrics: meta.metrics,
      series,
    });
    await client.uploadArtifacts(runId, dir, 'model');
    const { info } = await client.getRun(runId);
    const registered = `dialwise-${name}`;
    await client.ensureRegisteredModel(registered, `Dialwise ${name} model`);
    const { version } = await client.createModelVersion(
      registered,
      `${info.artifact_uri}/model`,
      runId,
    );
    const aliases = await registry.aliases(name);
    for (const alias of ['challenger', 'champion'] as const)
      if (aliases[alias] === meta.version) await client.setAlias(registered, alias, version);
    await client.endRun(runId);
    const mirrored = { runId, runUrl: client.runUrl(experimentId, runId), version };
    await registry.setMlflow(name, meta.version, { mlflow: mirrored });
    return mirrored;
  } catch (err) {
    await client.endRun(runId, 'FAILED').catch(() => undefined);
    throw err;
  }
}

/**
 * Versions registered while MLflow was unreachable, mirrored now (oldest
 * first); those that still fail stay pending for the next run.
 */
export async function mirrorPending(
  client: MlflowClient,
  registry: ModelRegistry,
  names: readonly ModelName[],
): Promise<{ mirrored: number; pending: number }> {
  let mirrored = 0;
  let pending = 0;
  for (const name of names)
    for (const meta of await registry.versions(name)) {
      if (meta.mlflowPending === undefined) continue;
      try {
        await mirrorVersion(client, registry, meta);
        mirrored++;
      } catch {
        pending++;
      }
    }
  return { mirrored, pending };
}
