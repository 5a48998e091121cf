import { defineConfig } from 'vitest/config';

/**
 * Three projects. `unit` needs nothing and runs its files in parallel.
 * `integration` and `faults` share one Kafka broker and one MLflow server and
 * are timing-sensitive on a 2-core machine: they run one file at a time.
 * Vitest 3.2 sets file parallelism for a whole run, not per project, so a run
 * is parallel only when it selects `--project unit` alone (`npm run
 * test:unit`); any other run, a plain `vitest run` included, takes one file
 * at a time, the groups in order: unit, integration, faults. Unit test files
 * share their worker's module cache (no isolation): they hold no global state,
 * and importing TensorFlow.js, DuckDB and zod once per worker instead of once
 * per file takes the unit run from about 45 s to 17 s on 2 cores.
 */
const args = process.argv.slice(2);
const selected = args.flatMap((a, i) =>
  a.startsWith('--project=')
    ? [a.slice('--project='.length)]
    : args[i - 1] === '--project'
      ? [a]
      : [],
);
const unitOnly = selected.length > 0 && selected.every((p) => p === 'unit');

const project = (name: string, groupOrder: number) => ({
  extends: true as const,
  test: { name, include: [`test/${name}/**/*.test.ts`], sequence: { groupOrder } },
});

export default defineConfig({
  test: {
    testTimeout: 60_000,
    // Processes a test spawns serve the keyword NLU unless it says otherwise (helpers/config.ts).
    env: { DIALWISE_DEFAULT_MODELS: 'keyword' },
    hookTimeout: 120_000,
    fileParallelism: unitOnly,
    isolate: !unitOnly,
    projects: [project('unit', 0), project('integration', 1), project('faults', 2)],
  },
});
