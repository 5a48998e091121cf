import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { loadPersuasionForGood, splitByOutcome } from '../../datasets/persuasionforgood.js';
import { CallSimulator } from '../../datasets/simulator.js';
import { createKeywordModels } from '../../models/keyword/index.js';
import { loadPropensityModel, type PropensityModel } from '../../models/propensity-model.js';
import type { ModelKind } from '../model-kind.js';
import { pfgRow, rowsHash, simulatorRows, type PropensityRow } from './propensity-data.js';
import {
  DEFAULT_PROPENSITY_OPTIONS,
  evaluatePropensity,
  trainPropensity,
} from './train-propensity.js';

/** The file a propensity version holds in its registry folder. */
export const PROPENSITY_FILE = 'propensity.json';

const propensitySettings = z.strictObject({
  /** Simulated calls to learn from beside persuasionforgood. */
  simulatedCalls: z.number().int().min(100).max(1_000_000),
  seed: z.number().int(),
});
export type PropensitySettings = z.infer<typeof propensitySettings>;

/** Fit, calibration and frozen test rows of one source. */
interface SourceSplit {
  fit: PropensityRow[];
  cal: PropensityRow[];
  test: PropensityRow[];
}

/** Both sources' rows, each split by outcome with a fixed seed (as bench/propensity.ts does). */
async function sourceSplits(s: PropensitySettings): Promise<Map<string, SourceSplit>> {
  const nlu = createKeywordModels();
  const pfg = (await loadPersuasionForGood()).map((d) => pfgRow(d, nlu));
  const sim = new CallSimulator(s.seed, Math.max(100, Math.round(s.simulatedCalls / 10)));
  // Fixed simulated time: the same settings give the same rows on every run.
  const start = Date.UTC(2025, 0, 6, 9);
  const calls = Array.from({ length: s.simulatedCalls }, (_, i) =>
    sim.nextCall(new Date(start + i * 30_000)),
  );
  const sources = new Map([
    ['persuasionforgood', pfg],
    ['simulator', simulatorRows(calls, nlu)],
  ]);
  return new Map(
    [...sources].map(([name, rows]) => {
      const [fit, cal, test] = splitByOutcome(rows, (r) => r.y, [0.6, 0.2, 0.2], s.seed);
      return [name, { fit: fit!, cal: cal!, test: test! }];
    }),
  );
}

/** Per-source AUC on the frozen test rows; the headline is their mean, and no source may drop. */
function score(model: PropensityModel, tests: Map<string, PropensityRow[]>) {
  const parts = Object.fromEntries(
    [...tests].map(([source, rows]) => [source, evaluatePropensity(model, rows, source).auc]),
  );
  const values = Object.values(parts);
  return { value: values.reduce((a, b) => a + b, 0) / values.length, parts };
}

/** Conversion propensity from persuasionforgood and simulated calls, one intercept per source. */
export const propensityKind: ModelKind<'propensity', PropensityModel, PropensitySettings> = {
  name: 'propensity',
  settings: propensitySettings,
  gate: { metric: 'meanAuc', partKind: 'source' },
  load: (dir) => loadPropensityModel(join(dir, PROPENSITY_FILE)),
  dispose: () => undefined,
  async train(s, ctx) {
    ctx.progress.step('propensity: building features', 0, 1);
    const parts = await sourceSplits(s);
    ctx.progress.step('propensity: training', 0, 1);
    const { model } = trainPropensity(
      [...parts].map(([name, p]) => ({ name, rows: p.fit })),
      [...parts].map(([name, p]) => ({ name, rows: p.cal })),
      { ...DEFAULT_PROPENSITY_OPTIONS, seed: s.seed },
      ctx.clock,
    );
    const tests = new Map([...parts].map(([name, p]) => [name, p.test]));
    await mkdir(ctx.dir, { recursive: true });
    await writeFile(join(ctx.dir, PROPENSITY_FILE), JSON.stringify(model, null, 2) + '\n');
    const train = [...parts.values()].flatMap((p) => [...p.fit, ...p.cal]);
    const frozen = [...tests.values()].flat();
    return {
      model,
      evaluate: (m) => score(m, tests),
      data: { records: train.length, sha256: rowsHash(train), corrections: 0 },
      frozen: { records: frozen.length, sha256: rowsHash(frozen) },
      params: {
        sources: [...parts.keys()].join(','),
        simulated_calls: s.simulatedCalls,
        seed: s.seed,
        l2: String(model.params.l2),
        calibration: DEFAULT_PROPENSITY_OPTIONS.calibration,
      },
      metrics: Object.fromEntries(
        [...tests].flatMap(([source, rows]) => {
          const m = evaluatePropensity(model, rows, source);
          return [
            [`auc_${source}`, m.auc],
            [`brier_${source}`, m.brier],
            [`ece_${source}`, m.ece],
          ];
        }),
      ),
    };
  },
};
