import { readFileSync, readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadTextDataset } from '../../src/datasets/text/index.js';
import { INTENT_TAXONOMY } from '../../src/models/intent-taxonomy.js';

const DIR = 'datasets/telesales';
const lines = (file: string) =>
  readFileSync(`${DIR}/${file}`, 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as { text: string; label: string | boolean });
/** What two writers' "same line" is: case, spaces and punctuation aside. */
const norm = (t: string) => t.toLowerCase().replace(/[\p{P}\p{S}\s]+/gu, '');

describe('the telesales corpus (datasets/telesales)', () => {
  const intentFiles = readdirSync(DIR).filter((f) => /^train-.*\.jsonl$/.test(f));
  const trainFiles = readdirSync(DIR).filter((f) => /^(optout-)?train-.*\.jsonl$/.test(f));
  const testFiles = ['test.jsonl', 'optout-test.jsonl', 'optout-test2.jsonl'];

  it('labels every training and test line with a label of the taxonomy', () => {
    for (const f of [...intentFiles, 'test.jsonl'])
      for (const r of lines(f)) expect(INTENT_TAXONOMY.labels).toContain(r.label);
  });

  it('holds no training line that is (nearly) a test line', () => {
    expect(trainFiles.filter((f) => f.startsWith('optout-'))).toHaveLength(3);
    // Near: character bigrams overlap by 80% or more (Jaccard), as "who is this" / "Who's this?".
    const grams = (t: string) => {
      const s = norm(t);
      return new Set(
        s.length < 2 ? [s] : Array.from({ length: s.length - 1 }, (_, i) => s.slice(i, i + 2)),
      );
    };
    const tests = testFiles.flatMap((f) => lines(f).map((r) => grams(r.text)));
    const byGram = new Map<string, number[]>();
    tests.forEach((g, i) => g.forEach((x) => byGram.set(x, [...(byGram.get(x) ?? []), i])));
    const near = trainFiles.flatMap((f) =>
      lines(f).filter((r) => {
        const g = grams(r.text);
        const shared = new Map<number, number>();
        for (const x of g)
          for (const i of byGram.get(x) ?? []) shared.set(i, (shared.get(i) ?? 0) + 1);
        return [...shared].some(([i, n]) => n / (g.size + tests[i]!.size - n) >= 0.8);
      }),
    );
    expect(near).toEqual([]);
  });

  it('has every label in the test split, and a noisy copy of it', async () => {
    const test = await loadTextDataset('telesales:test');
    const noisy = await loadTextDataset('telesales:noisy');
    expect(new Set(test.map((r) => r.label))).toEqual(new Set(INTENT_TAXONOMY.labels));
    expect(noisy.map((r) => r.label)).toEqual(test.map((r) => r.label));
    const changed = noisy.filter((r, i) => r.text !== test[i]!.text).length;
    expect(changed / test.length).toBeGreaterThan(0.8);
  });
});
