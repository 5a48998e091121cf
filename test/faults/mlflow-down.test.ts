// Fault: MLflow is unreachable while the weekly job runs.
// Promised: the job still trains, gates and registers (the local registry is
// what the platform serves from), the summary says MLflow is behind, and the
// next run mirrors what was missed, once.
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { formatSummary } from '../../src/cli/retrain-command.js';
import { createMlflowClient } from '../../src/models/mlflow-client.js';
import { openRegistry } from '../../src/training/kinds.js';
import { loadRetrainPlan, retrain } from '../../src/training/retrain/index.js';
import { reportFault } from '../helpers/faults.js';
import { requireService } from '../helpers/services.js';
import { tcpProxy, type TcpProxy } from '../helpers/tcp-proxy.js';
import { tmpDir } from '../helpers/tmp.js';

const uri = requireService('MLflow', 'MLFLOW_TRACKING_URI');

describe.skipIf(!uri)('fault: MLflow is down during a retrain', () => {
  let proxy: TcpProxy | undefined;
  afterAll(() => proxy?.close());

  it(
    'registers locally, says MLflow is behind, and catches up once it is back',
    { timeout: 180_000 },
    async () => {
      proxy = await tcpProxy(new URL(uri!));
      const dir = tmpDir('dialwise-mlflow-down-');
      const registry = openRegistry(join(dir, 'registry'));
      const plan = {
        ...loadRetrainPlan('config/retrain.json'),
        propensity: { simulatedCalls: 200, seed: 7 },
      };
      const client = createMlflowClient(proxy.url);
      const job = () =>
        retrain(plan, ['propensity'], {
          registry,
          mlflow: client,
          corrections: [],
          workDir: join(dir, `work-${randomUUID()}`),
          progress: { step: () => undefined },
        });

      await proxy.cut();
      const down = await job();
      const model = down.models[0]!;
      expect(model.version).toBe(1);
      expect(model.mlflow).toBeUndefined();
      expect(model.mlflowPending).toMatch(/MLflow unreachable/);
      expect(formatSummary(down)).toMatch(/NOT MIRRORED YET/);
      expect(await registry.aliases('propensity')).toMatchObject({ champion: 1, challenger: 1 });
      expect((await registry.meta('propensity', 1))!.mlflowPending).toBeDefined();

      await proxy.restore();
      const back = await job();
      expect(back.mlflowCaughtUp).toEqual({ mirrored: 1, pending: 0 });
      const [v1, v2] = await registry.versions('propensity');
      for (const v of [v1!, v2!]) {
        expect(v.mlflowPending).toBeUndefined();
        const run = await client.getRun(v.mlflow!.runId);
        expect(run.info.status).toBe('FINISHED');
        const registered = await client.getModelVersion('dialwise-propensity', v.mlflow!.version!);
        expect(registered.run_id).toBe(v.mlflow!.runId);
      }
      expect(v1!.mlflow!.version).not.toBe(v2!.mlflow!.version);
      // A third run has nothing left to catch up: nothing mirrored twice.
      const third = await job();
      expect(third.mlflowCaughtUp).toBeUndefined();
      reportFault('mlflow-down', {
        versionsTrainedWhileDown: 1,
        lost: 0,
        duplicated: 0,
        mirroredOnNextRun: back.mlflowCaughtUp!.mirrored,
      });
    },
  );
});
