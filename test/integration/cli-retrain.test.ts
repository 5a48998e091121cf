import { execFile } from 'node:child_process';
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { toJsonl } from '../../src/datasets/text-record.js';
import { tmpDir } from '../helpers/tmp.js';
import { tinyIntentRecords } from '../unit/text-fixtures.js';

const dir = tmpDir('dialwise-cli-retrain-');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const train = join(dir, 'train.jsonl');
const evalFile = join(dir, 'eval.jsonl');
const records = tinyIntentRecords();
writeFileSync(train, toJsonl(records));
// A few exact copies in the evaluation set: the data report must call them leakage.
writeFileSync(evalFile, toJsonl(records.filter((_, i) => i % 8 === 0)));
const planFile = join(dir, 'retrain.json');
const tiny = { epochs: 20, members: 1, hidden: 16, learningRate: 0.02, batchSize: 16, minDf: 1 };
writeFileSync(
  planFile,
  JSON.stringify({
    schedule: '0 3 * * 1',
    gate: { minGain: 0.01, maxPartDrop: 0.05 },
    correctionWeight: 3,
    intent: { train, eval: evalFile, ...tiny },
    emotion: { train, eval: evalFile, ...tiny },
    propensity: { simulatedCalls: 200, seed: 1 },
    optout: { train, eval: evalFile, ...tiny },
  }),
);

const run = (args: string[], env: Record<string, string> = {}) =>
  promisify(execFile)(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], {
    env: {
      ...process.env,
      MLFLOW_TRACKING_URI: '',
      DIALWISE_LOG_LEVEL: 'warn',
      DIALWISE_DATA_DIR: join(dir, 'data'),
      DIALWISE_RETRAIN_CONFIG: planFile,
      ...env,
    },
  });

describe('dialwise retrain / models / data report', () => {
  it('runs the job, shows progress, prints a summary and writes it as JSON', async () => {
    const { stdout, stderr } = await run(['retrain', '--models', 'intent']);
    expect(stdout).toMatch(/^Retrained 1 model\(s\) in [\d.]+ s/);
    expect(stdout).toMatch(/intent v1: PROMOTED to champion/);
    expect(stdout).toMatch(/- no champion yet/);
    expect(stdout).toMatch(/leakage train→eval: 12 texts \(100\.00%\)/);
    // Piped, the bar prints a line per step: 20 epochs twice (calibration fit and refit).
    expect(stderr.match(/\] +\d+% intent: member 1 epoch \d+ loss/g)).toHaveLength(40);
    expect(stderr).toMatch(/\[#{24}\] 100% intent: promoted/);
    const saved = readdirSync(join(dir, 'data', 'retrain')).filter((f) => f.endsWith('.json'));
    expect(saved).toHaveLength(1);
    const summary = JSON.parse(readFileSync(join(dir, 'data', 'retrain', saved[0]!), 'utf8'));
    expect(summary.models[0]).toMatchObject({ name: 'intent', version: 1, promoted: true });
  });

  it('runs again with the champion in place: the same data gains nothing, so it is not promoted', async () => {
    const { stdout } = await run(['retrain', '--models', 'intent']);
    expect(stdout).toMatch(/intent v2: kept as challenger \(champion stays v1\)/);
    expect(stdout).toMatch(/needs ≥ \+0\.0100\): not enough/);
    const { stdout: listed } = await run(['models']);
    const intent = JSON.parse(listed).models.find((m: { name: string }) => m.name === 'intent');
    expect(intent.aliases).toEqual({ champion: 1, challenger: 2 });
    expect(intent.versions.map((v: { parent: number | null }) => v.parent)).toEqual([null, 1]);
  });

  it('rejects an unknown model name and a broken plan with a clear message', async () => {
    const bad = await run(['retrain', '--models', 'intent,bogus']).catch((e: unknown) => e);
    expect((bad as { stderr: string }).stderr).toMatch(
      /unknown model bogus; choose from intent, emotion, propensity/,
    );
    const broken = join(dir, 'broken.json');
    writeFileSync(broken, JSON.stringify({ schedule: '61 * * * *' }));
    const err = await run(['retrain'], { DIALWISE_RETRAIN_CONFIG: broken }).catch(
      (e: unknown) => e,
    );
    expect((err as { stderr: string }).stderr).toMatch(/schedule: .*minute: 61/);
    expect((err as { stderr: string }).stderr).toMatch(/gate: /);
  });

  it('reports a dataset: label counts, duplicates and leakage', async () => {
    const { stdout } = await run(['data', 'report', train, '--test', evalFile]);
    expect(stdout).toMatch(/^records: 96 /);
    expect(stdout).toMatch(/labels: 4 +imbalance: 1\.00 +largest: balance 24/);
    expect(stdout).toMatch(/duplicates: 0 texts/);
    expect(stdout).toMatch(/test: 12 records; leaked from train: 12 \(/);
  });
});
