import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { dataReport, formatDataReport, normalizeText } from '../../src/datasets/report.js';
import { toJsonl, type TextRecord } from '../../src/datasets/text-record.js';
import { datasetsDir, loadTextDataset } from '../../src/datasets/text/index.js';

const train: TextRecord[] = [
  { text: 'Where is my card?', label: 'card_arrival' },
  { text: 'where is my card', label: 'card_arrival' }, // duplicate of the first
  { text: '  WHERE  is my card!! ', label: 'card_arrival' }, // and another
  { text: 'I lost my card', label: 'lost_card' },
  { text: 'i lost my card.', label: 'card_arrival' }, // duplicate with a conflicting label
  { text: 'top up failed', label: 'top_up_failed' },
  { text: 'ｔｏｐ up   failed', label: 'top_up_failed' }, // full-width: NFKC duplicate
  { text: 'refund please', label: 'refund' },
  { text: 'so happy and surprised', label: 'joy', labels: ['joy', 'surprise'] },
];

const test: TextRecord[] = [
  { text: 'WHERE IS MY CARD', label: 'card_arrival' }, // leaked
  { text: 'Top up\tfailed?', label: 'top_up_failed' }, // leaked
  { text: 'change my pin', label: 'change_pin' }, // unseen label
  { text: 'exchange rate?', label: 'exchange_rate' }, // unseen label
  { text: 'refund please now', label: 'refund' },
];

describe('normalizeText', () => {
  it('folds case, Unicode form, whitespace and surrounding punctuation', () => {
    expect(normalizeText('  WHERE\t is  my card?! ')).toBe('where is my card');
    expect(normalizeText('ｔｏｐ up')).toBe('top up');
    expect(normalizeText('"what\'s up?"')).toBe("what's up");
  });
});

describe('dataReport', () => {
  it('counts labels, duplicates and conflicts in train', () => {
    const r = dataReport(train);
    expect(r.records).toBe(9);
    expect(r.labels).toEqual([
      { label: 'card_arrival', count: 4 },
      { label: 'top_up_failed', count: 2 },
      { label: 'joy', count: 1 },
      { label: 'lost_card', count: 1 },
      { label: 'refund', count: 1 },
      { label: 'surprise', count: 1 },
    ]);
    expect(r.imbalance).toBe(4);
    expect(r.sha256).toBe(createHash('sha256').update(toJsonl(train)).digest('hex'));
    expect(r.duplicates).toEqual({
      texts: 3,
      extra: 4,
      examples: [
        { text: 'Where is my card?', count: 3 },
        { text: 'I lost my card', count: 2 },
        { text: 'top up failed', count: 2 },
      ],
    });
    expect(r.conflicting).toEqual({
      count: 1,
      examples: [{ text: 'I lost my card', labels: ['card_arrival', 'lost_card'] }],
    });
    expect(r.leakage).toBeUndefined();
    expect(JSON.parse(JSON.stringify(r))).toEqual(r);
  });

  it('finds leakage and unseen labels in test', () => {
    const r = dataReport(train, test, { examples: 1 });
    expect(r.leakage).toEqual({
      trainRecords: 9,
      testRecords: 5,
      count: 2,
      share: 0.4,
      examples: [
        { text: 'WHERE IS MY CARD', label: 'card_arrival', trainLabels: ['card_arrival'] },
      ],
      unseenLabels: ['change_pin', 'exchange_rate'],
    });
    expect(r.duplicates.examples).toHaveLength(1);
    expect(r.duplicates.extra).toBe(4);
  });

  it('treats different multi-label sets as a conflict, the same set in another order not', () => {
    const r = dataReport([
      { text: 'wow', label: 'joy', labels: ['joy', 'surprise'] },
      { text: 'Wow!', label: 'surprise', labels: ['surprise', 'joy'] },
      { text: 'ugh', label: 'anger', labels: ['anger'] },
      { text: 'UGH', label: 'anger', labels: ['anger', 'disgust'] },
    ]);
    expect(r.duplicates.extra).toBe(2);
    expect(r.conflicting).toEqual({
      count: 1,
      examples: [{ text: 'ugh', labels: ['anger', 'disgust'] }],
    });
  });

  it('handles empty input', () => {
    const r = dataReport([], []);
    expect(r).toMatchObject({ records: 0, labels: [], imbalance: null });
    expect(r.leakage).toMatchObject({ count: 0, share: 0, unseenLabels: [] });
    expect(formatDataReport(r)).toContain('records: 0');
  });

  it('formats a short plain-text summary', () => {
    const text = formatDataReport(dataReport(train, test));
    expect(text).toContain('records: 9');
    expect(text).toContain('labels: 6   imbalance: 4.00');
    expect(text).toContain('duplicates: 3 texts, 4 extra copies');
    expect(text).toContain('conflicting labels: 1 texts');
    expect(text).toContain('leaked from train: 2 (40.0%)');
    expect(text).toContain('labels unseen in train: change_pin, exchange_rate');
    expect(text.split('\n').length).toBeLessThan(20);
  });

  const present = existsSync(join(datasetsDir(), 'banking77'));
  it.skipIf(!present)('reports on banking77', async () => {
    const [tr, te] = await Promise.all([
      loadTextDataset('banking77:train'),
      loadTextDataset('banking77:test'),
    ]);
    const r = dataReport(tr, te);
    expect(r.labels).toHaveLength(77);
    expect(r.records).toBe(tr.length);
    expect(r.leakage?.trainRecords).toBe(tr.length);
    expect(r.leakage?.testRecords).toBe(te.length);
    expect(r.leakage?.unseenLabels).toEqual([]);
    expect(r.imbalance).toBeGreaterThanOrEqual(1);
  });
});
