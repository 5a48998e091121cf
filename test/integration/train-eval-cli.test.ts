import { execFile } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeTextRecords, type TextRecord } from '../../src/datasets/text-record.js';
import { datasetsDir, loadTextDataset } from '../../src/datasets/text/index.js';

const run = (args: string[]) =>
  promisify(execFile)(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], {
    env: { ...process.env, DIALWISE_LOG_LEVEL: 'warn' },
  });

/** The first `perClass` examples of each of the first `classes` labels (file order). */
function subset(records: TextRecord[], labels: string[], perClass: number): TextRecord[] {
  const keep = new Set(labels);
  const seen = new Map<string, number>();
  return records.filter((r) => {
    const n = seen.get(r.label) ?? 0;
    if (!keep.has(r.label) || n >= perClass) return false;
    seen.set(r.label, n + 1);
    return true;
  });
}

const present = existsSync(join(datasetsDir(), 'banking77', 'train.csv'));
if (!present) console.warn(`skipping train/eval CLI test: no banking77 under ${datasetsDir()}`);

describe.skipIf(!present)('dialwise train / eval on a banking77 subset', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dialwise-train-'));
  const trainFile = join(dir, 'train.jsonl');
  const testFile = join(dir, 'test.jsonl');
  const modelDir = join(dir, 'model');
  let labels: string[] = [];

  beforeAll(async () => {
    const train = await loadTextDataset('banking77:train');
    labels = [...new Set(train.map((r) => r.label))].sort().slice(0, 10);
    await writeTextRecords(trainFile, subset(train, labels, 30));
    await writeTextRecords(testFile, subset(await loadTextDataset('banking77:test'), labels, 20));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('trains a model folder and reports held-out metrics', async () => {
    const { stdout } = await run([
      'train',
      'intent',
      '--data',
      trainFile,
      '--out',
      modelDir,
      '--epochs',
      '10',
    ]);
    const out = JSON.parse(stdout);
    expect(out).toMatchObject({ task: 'intent', labels: 10, records: 300 });
    expect(out.heldOut.accuracy).toBeGreaterThan(0.5);
    expect(out.threshold).toBeGreaterThan(0);
    expect(readdirSync(modelDir).sort()).toEqual(['model.json', 'vocab.json', 'weights.bin']);
  });

  it('evaluates it on unseen test utterances and prints the metrics as JSON', async () => {
    const { stdout } = await run(['eval', 'intent', '--model', modelDir, '--data', testFile]);
    const m = JSON.parse(stdout);
    expect(m.n).toBe(200);
    // Ten classes, 30 examples each: chance is 10%; the floor leaves room for seeds and machines.
    expect(m.accuracy).toBeGreaterThan(0.7);
    expect(m.macroF1).toBeGreaterThan(0.65);
    expect(Object.keys(m.perClass).sort()).toEqual(labels);
    for (const s of Object.values<any>(m.perClass)) {
      expect(s.f1).toBeGreaterThanOrEqual(0);
      expect(s.f1).toBeLessThanOrEqual(1);
      expect(s.support).toBe(20);
    }
    expect(Array.isArray(m.confusionTopPairs)).toBe(true);
    for (const p of m.confusionTopPairs) expect(p.gold).not.toBe(p.predicted);
    expect(m.flaggedRate).toBeGreaterThanOrEqual(0);
    expect(m.latency.p50Ms).toBeGreaterThan(0);
    expect(m.latency.p99Ms).toBeGreaterThanOrEqual(m.latency.p50Ms);
    expect(m.latency.batchThroughput).toBeGreaterThan(0);
  });

  it('accepts a named dataset split and reports OOS metrics where the data has oos', async () => {
    const { stdout } = await run(['eval', 'intent', '--model', modelDir, '--data', 'clinc150:val']);
    const m = JSON.parse(stdout);
    expect(m.n).toBe(3100);
    expect(m.oos.support).toBe(100);
    expect(m.oos.recall).toBeGreaterThanOrEqual(0);
  });

  it('trains and evaluates any label set from a folder of CSV and TSV: fields renamed, numeric labels, bad lines summarised, progress, predictions', async () => {
    const folder = join(dir, 'byod');
    mkdirSync(folder);
    const cell = (t: string) => `"${t.replaceAll('"', '""')}"`;
    const rows = (records: TextRecord[], sep: string) =>
      records.map((r) => [cell(r.text), labels.indexOf(r.label)].join(sep));
    const train = subset(await loadTextDataset('banking77:train'), labels, 30);
    // Two broken lines: a missing column and an empty text.
    writeFileSync(
      join(folder, 'train.csv'),
      ['content,topic', ...rows(train, ','), 'only one column', '"",3'].join('\n'),
    );
    const test = subset(await loadTextDataset('banking77:test'), labels, 20);
    // One test label the model never saw (99).
    const tsv = ['content\ttopic', ...rows(test, '\t'), 'a brand new topic\t99'];
    writeFileSync(join(folder, 'test.tsv'), tsv.join('\n'));
    const fields = ['--text-field', 'content', '--label-field', 'topic'];
    const byod = join(dir, 'byod-model');
    const trained = await run(['train', 'classify', '--data', folder, '--out', byod, ...fields]);
    const out = JSON.parse(trained.stdout);
    expect(out).toMatchObject({ task: 'classify', labels: 10, records: 300 });
    expect(out.modelBytes).toBeGreaterThan(1000);
    expect(trained.stderr).toMatch(/300 lines read, these left out:/);
    expect(trained.stderr).toMatch(/1 line: 1 columns where the header has 2 \(line 302\)/);
    expect(trained.stderr).toMatch(/1 line: "content" is empty or not a string \(line 303\)/);
    expect(trained.stderr).toMatch(
      /fit 1\/2 member 1\/3 epoch 1\/5: loss \d\.\d{4}, \d+ s, ~\d+ s left/,
    );
    expect(trained.stderr).toMatch(/model: .*byod-model, \d+\.\d MiB/);
    const predictions = join(dir, 'predictions.jsonl');
    const evaluated = await run([
      ...['eval', 'classify', '--model', byod, '--data', folder],
      ...['--predictions', predictions, ...fields],
    ]);
    const m = JSON.parse(evaluated.stdout);
    expect(m.n).toBe(201);
    expect(m.accuracy).toBeGreaterThan(0.5);
    expect(m.majorityBaseline.accuracy).toBeLessThan(0.2);
    expect(m.unseenLabels).toEqual(['99']);
    expect(evaluated.stderr).toMatch(/1 test label\(s\) the model never saw: 99/);
    const lines = readFileSync(predictions, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines).toHaveLength(201);
    expect(lines.at(-1)).toMatchObject({ text: 'a brand new topic', label: '99' });
    expect(Object.keys(lines[0])).toEqual([
      'text',
      'label',
      'predicted',
      'confidence',
      'outOfScope',
    ]);
  });

  it('answers --help per command and an unknown flag without a stack trace', async () => {
    const help = await run(['train', '--help']);
    expect(help.stdout).toMatch(/^train intent\|emotion\|optout\|classify --data F/);
    expect(help.stdout).not.toMatch(/simulate/);
    const err = await run(['train', 'intent', '--colour', 'red']).catch(
      (e: { stderr: string }) => e,
    );
    expect(err.stderr).toMatch(/^dialwise: Unknown option '--colour'/);
    expect(err.stderr).not.toMatch(/ at /);
    const missing = await run(['eval', 'intent', '--data', join(dir, 'nope.csv')]).catch(
      (e: { stderr: string }) => e,
    );
    expect(missing.stderr).toMatch(/^dialwise: .*nope\.csv: no such file or folder/);
  });

  it('refuses a model of the other task and bad arguments', async () => {
    await expect(
      run(['eval', 'emotion', '--model', modelDir, '--data', testFile]),
    ).rejects.toMatchObject({ stderr: expect.stringContaining('intent model') });
    await expect(run(['train', 'mood', '--data', trainFile, '--out', dir])).rejects.toMatchObject({
      stderr: expect.stringContaining('usage: dialwise train intent|emotion'),
    });
  });
});
