import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readTextRecords, toJsonl, writeTextRecords } from '../../src/datasets/text-record.js';
import { csvObjects, parseCsv } from '../../src/datasets/text/csv.js';
import { datasetsDir, loadTextDataset } from '../../src/datasets/text/index.js';

const dir = mkdtempSync(join(tmpdir(), 'dialwise-jsonl-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('parseCsv', () => {
  it('handles quotes, doubled quotes, commas and newlines in fields, CRLF and a BOM', () => {
    const csv = '\ufefftext,category\r\n"Hi, ""you""",greet\n"two\nlines",x\nlast,y';
    expect(parseCsv(csv)).toEqual([
      ['text', 'category'],
      ['Hi, "you"', 'greet'],
      ['two\nlines', 'x'],
      ['last', 'y'],
    ]);
    expect(csvObjects('a,b\n1,2\n')).toEqual([{ a: '1', b: '2' }]);
  });
});

describe('JSONL text records', () => {
  it('round-trips and skips blank lines', async () => {
    const records = [
      { text: 'hello', label: 'greet' },
      { text: '多标签', label: 'joy', labels: ['joy', 'surprise'] },
    ];
    const file = join(dir, 'ok.jsonl');
    await writeTextRecords(file, records);
    expect(await readTextRecords(file)).toEqual(records);
    writeFileSync(file, '\n' + toJsonl(records) + '\n\n');
    expect(await readTextRecords(file)).toEqual(records);
  });

  it('names the bad line', async () => {
    const file = join(dir, 'bad.jsonl');
    writeFileSync(file, '{"text":"a","label":"x"}\n{"text":"b"}\n');
    await expect(readTextRecords(file)).rejects.toThrow(/bad\.jsonl:2/);
    writeFileSync(file, 'not json\n');
    await expect(readTextRecords(file)).rejects.toThrow(/bad\.jsonl:1: not JSON/);
  });
});

describe('named datasets', () => {
  it('rejects unknown names and splits with the known ones', async () => {
    await expect(loadTextDataset('nope:train')).rejects.toThrow(/banking77/);
    await expect(loadTextDataset('banking77:dev')).rejects.toThrow(/train,test/);
  });

  // The public datasets live beside the repo (../shared/datasets), never in it.
  const present = existsSync(join(datasetsDir(), 'banking77'));
  it.skipIf(!present)('loads every split as {text, label} records', async () => {
    const counts: Record<string, number> = {};
    for (const spec of [
      'banking77:test',
      'clinc150:val',
      'crosswoz:test',
      'goemotions:test',
      'cped:valid',
      'casino:train',
    ]) {
      const records = await loadTextDataset(spec);
      counts[spec] = records.length;
      for (const r of records.slice(0, 50)) {
        expect(r.text.length).toBeGreaterThan(0);
        expect(r.label.length).toBeGreaterThan(0);
      }
    }
    expect(counts['banking77:test']).toBe(3080);
    expect(counts['clinc150:val']).toBe(3100); // 3000 in scope + 100 oos
    const clinc = await loadTextDataset('clinc150:val');
    expect(clinc.filter((r) => r.label === 'oos')).toHaveLength(100);
    const go = await loadTextDataset('goemotions:test');
    const multi = go.filter((r) => (r.labels?.length ?? 0) > 1);
    expect(multi.length).toBeGreaterThan(0);
    for (const r of multi) expect(r.label).toBe(r.labels![0]);
    // CaSiNo: the annotated utterances of the train split, 10 strategies, several per utterance.
    expect(counts['casino:train']).toBe(4047);
    const casino = await loadTextDataset('casino:train');
    expect(new Set(casino.flatMap((r) => r.labels!)).size).toBe(10);
    expect(casino.some((r) => r.labels!.length > 1)).toBe(true);
    const woz = await loadTextDataset('crosswoz:test');
    expect(woz.some((r) => r.label.includes('+'))).toBe(true);
    for (const r of woz.filter((x) => x.label.includes('+')))
      expect(r.label.split('+')).toEqual([...r.label.split('+')].sort());
  });
});
