import { z } from 'zod';
import {
  keptRecords,
  readLabelledWith,
  toStderr,
  type LabelledFields,
} from '../../datasets/labelled-file.js';
import { detectOptOut, type Speaker } from '../../models/opt-out/index.js';

/**
 * Scoring an opt-out detector on labelled turns (`dialwise eval opt-out
 * --data F.jsonl`). Each JSONL line is `{"text","label"}` (label: see
 * optOutLabel); a line may
 * also name the `speaker` (an agent's turn is read for a recorded opt-out)
 * and carry other fields, such as a `kind`, which are ignored here.
 */

export interface OptOutRecord {
  text: string;
  label: boolean;
  speaker?: Speaker;
}

export interface OptOutMiss {
  text: string;
  label: boolean;
  predicted: boolean;
}

export interface OptOutEvaluation {
  records: number;
  /** 0 where undefined (nothing predicted, or nothing to find). */
  precision: number;
  recall: number;
  f1: number;
  tp: number;
  fp: number;
  fn: number;
  tn: number;
  /** Every record the detector got wrong, in file order. */
  misses: OptOutMiss[];
}

export type OptOutDetector = (text: string, speaker?: Speaker) => boolean;

const defaultDetector: OptOutDetector = (text, speaker) => detectOptOut(text, speaker).optOut;

const round = (x: number): number => Math.round(x * 10_000) / 10_000;
const ratio = (a: number, b: number): number => (b === 0 ? 0 : a / b);

/** Precision, recall and F1 of `detect` over `records`, with the records it got wrong. */
export function evaluateOptOut(
  records: readonly OptOutRecord[],
  detect: OptOutDetector = defaultDetector,
): OptOutEvaluation {
  const counts = { tp: 0, fp: 0, fn: 0, tn: 0 };
  const misses: OptOutMiss[] = [];
  for (const r of records) {
    const predicted = detect(r.text, r.speaker);
    counts[r.label ? (predicted ? 'tp' : 'fn') : predicted ? 'fp' : 'tn']++;
    if (predicted !== r.label) misses.push({ text: r.text, label: r.label, predicted });
  }
  const precision = ratio(counts.tp, counts.tp + counts.fp);
  const recall = ratio(counts.tp, counts.tp + counts.fn);
  const f1 = ratio(2 * precision * recall, precision + recall);
  return {
    records: records.length,
    precision: round(precision),
    recall: round(recall),
    f1: round(f1),
    ...counts,
    misses,
  };
}

const TRUE_WORDS = new Set(['true', 'yes', '1', 'opt_out', 'opt-out']);

/**
 * An opt-out label: a boolean, 0/1, "true"/"false", "yes"/"no", or an
 * intent label (`opt_out` is true, any other intent false), so an intent
 * test file can be scored as opt-outs too.
 */
const optOutLabel = z.union([
  z.boolean(),
  z.union([z.literal(0), z.literal(1)]).transform((n) => n === 1),
  z
    .string()
    .min(1)
    .transform((s) => TRUE_WORDS.has(s.trim().toLowerCase())),
]);

const speakerSchema = z.enum(['customer', 'agent']);

/**
 * Reads a set of labelled turns as `dialwise eval opt-out` takes it (JSONL,
 * CSV, TSV or a folder's test file; fields of the user's choice, datasets/
 * labelled-file); a `speaker` field is kept. Lines left out are summarised
 * through `warn`.
 */
export async function loadOptOutRecords(
  path: string,
  fields: LabelledFields = {},
  warn: (message: string) => void = toStderr,
): Promise<OptOutRecord[]> {
  const read = readLabelledWith<OptOutRecord>(path, 'test', fields, (text, raw, row) => {
    const label = optOutLabel.safeParse(raw);
    if (!label.success)
      return { problem: '{label} is not a boolean, 0/1, yes/no or an intent label' };
    if (row.speaker === undefined) return { text, label: label.data };
    const speaker = speakerSchema.safeParse(row.speaker);
    return speaker.success
      ? { text, label: label.data, speaker: speaker.data }
      : { problem: '"speaker" is neither customer nor agent' };
  });
  return keptRecords(read, warn);
}
