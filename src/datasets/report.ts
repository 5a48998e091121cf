import { dataSha256, type TextRecord } from './text-record.js';

/**
 * A data report of a labelled text dataset: label balance, duplicate and
 * conflicting texts within the training split, and train/test leakage.
 * Texts are compared after `normalizeText`, so copies that differ only in
 * case, spacing, Unicode form or surrounding punctuation count as the same.
 */

export interface LabelCount {
  label: string;
  count: number;
}

export interface DataReport {
  /** Training records. */
  records: number;
  /** Records per label, a multi-label record once per label; largest first. */
  labels: LabelCount[];
  /** Largest / smallest label count; null without records. */
  imbalance: number | null;
  /** sha256 of the training records as JSONL (same as the training code's data hash). */
  sha256: string;
  duplicates: {
    /** Normalised texts that occur more than once. */
    texts: number;
    /** Copies beyond the first of each such text. */
    extra: number;
    examples: { text: string; count: number }[];
  };
  /** Normalised texts that occur with different labels. */
  conflicting: {
    count: number;
    examples: { text: string; labels: string[] }[];
  };
  /** Present when a test split is given. */
  leakage?: {
    trainRecords: number;
    testRecords: number;
    /** Test records whose normalised text also occurs in train. */
    count: number;
    /** count / testRecords. */
    share: number;
    examples: { text: string; label: string; trainLabels: string[] }[];
    /** Labels of the test split that no training record has. */
    unseenLabels: string[];
  };
}

/** NFKC, lower-case, surrounding punctuation and whitespace stripped, inner whitespace collapsed. */
export const normalizeText = (text: string): string =>
  text
    .normalize('NFKC')
    .toLowerCase()
    .replace(/^[\p{P}\s]+|[\p{P}\s]+$/gu, '')
    .replace(/\s+/gu, ' ');

const labelsOf = (r: TextRecord): string[] => r.labels ?? [r.label];

const byCountThenName = <T extends { count: number }>(key: (x: T) => string) => {
  return (a: T, b: T): number =>
    b.count - a.count || (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0);
};

/** Label set of a record as one comparable key. */
const labelKey = (r: TextRecord): string => [...new Set(labelsOf(r))].sort().join('\u0000');

interface Group {
  text: string;
  count: number;
  labelKeys: Set<string>;
  labels: Set<string>;
}

function groupByText(records: readonly TextRecord[]): Map<string, Group> {
  const groups = new Map<string, Group>();
  for (const r of records) {
    const key = normalizeText(r.text);
    let g = groups.get(key);
    if (!g) {
      g = { text: r.text, count: 0, labelKeys: new Set(), labels: new Set() };
      groups.set(key, g);
    }
    g.count++;
    g.labelKeys.add(labelKey(r));
    for (const l of labelsOf(r)) g.labels.add(l);
  }
  return groups;
}

export function dataReport(
  train: readonly TextRecord[],
  test?: readonly TextRecord[],
  opts: { examples?: number } = {},
): DataReport {
  const maxExamples = opts.examples ?? 5;

  const counts = new Map<string, number>();
  for (const r of train) for (const l of labelsOf(r)) counts.set(l, (counts.get(l) ?? 0) + 1);
  const labels = [...counts]
    .map(([label, count]) => ({ label, count }))
    .sort(byCountThenName((x) => x.label));
  const first = labels[0];
  const last = labels[labels.length - 1];

  const groups = groupByText(train);
  const dupes = [...groups.values()]
    .filter((g) => g.count > 1)
    .sort(byCountThenName((g) => g.text));
  const conflicts = [...groups.values()]
    .filter((g) => g.labelKeys.size > 1)
    .sort(byCountThenName((g) => g.text));

  const report: DataReport = {
    records: train.length,
    labels,
    imbalance: first && last ? first.count / last.count : null,
    sha256: dataSha256(train),
    duplicates: {
      texts: dupes.length,
      extra: dupes.reduce((n, g) => n + g.count - 1, 0),
      examples: dupes.slice(0, maxExamples).map((g) => ({ text: g.text, count: g.count })),
    },
    conflicting: {
      count: conflicts.length,
      examples: conflicts
        .slice(0, maxExamples)
        .map((g) => ({ text: g.text, labels: [...g.labels].sort() })),
    },
  };

  if (test) {
    const leaked = test.filter((r) => groups.has(normalizeText(r.text)));
    const unseen = new Set<string>();
    for (const r of test) for (const l of labelsOf(r)) if (!counts.has(l)) unseen.add(l);
    report.leakage = {
      trainRecords: train.length,
      testRecords: test.length,
      count: leaked.length,
      share: test.length ? leaked.length / test.length : 0,
      examples: leaked.slice(0, maxExamples).map((r) => ({
        text: r.text,
        label: r.label,
        trainLabels: [...(groups.get(normalizeText(r.text))?.labels ?? [])].sort(),
      })),
      unseenLabels: [...unseen].sort(),
    };
  }
  return report;
}

const pct = (x: number): string => `${(100 * x).toFixed(1)}%`;
const quote = (s: string): string => JSON.stringify(s.length > 80 ? s.slice(0, 77) + '...' : s);

/** A short plain-text rendering of a report, for the CLI. */
export function formatDataReport(r: DataReport): string {
  const lines: string[] = [];
  lines.push(`records: ${r.records}   sha256: ${r.sha256}`);
  const top = r.labels
    .slice(0, 5)
    .map((l) => `${l.label} ${l.count}`)
    .join(', ');
  const bottom = r.labels[r.labels.length - 1];
  lines.push(
    `labels: ${r.labels.length}` +
      (r.imbalance === null ? '' : `   imbalance: ${r.imbalance.toFixed(2)}`) +
      (top ? `   largest: ${top}` : '') +
      (bottom && r.labels.length > 5 ? `   smallest: ${bottom.label} ${bottom.count}` : ''),
  );
  lines.push(`duplicates: ${r.duplicates.texts} texts, ${r.duplicates.extra} extra copies`);
  for (const e of r.duplicates.examples) lines.push(`  ${e.count}x ${quote(e.text)}`);
  lines.push(`conflicting labels: ${r.conflicting.count} texts`);
  for (const e of r.conflicting.examples) lines.push(`  ${quote(e.text)}: ${e.labels.join(', ')}`);
  const k = r.leakage;
  if (k) {
    lines.push(
      `test: ${k.testRecords} records; leaked from train: ${k.count} (${pct(k.share)})` +
        `; labels unseen in train: ${k.unseenLabels.length ? k.unseenLabels.join(', ') : 'none'}`,
    );
    for (const e of k.examples)
      lines.push(`  ${quote(e.text)}: test ${e.label}, train ${e.trainLabels.join(', ')}`);
  }
  return lines.join('\n');
}
