/**
 * Labelled texts as people bring them: JSONL with field names of their
 * choice, CSV or TSV with a header row, or a folder of train/valid/test
 * files; labels as strings, numbers or booleans. A line that cannot be
 * used is skipped and counted under its problem (one line per distinct
 * problem, with the first line numbers), never a stack trace.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { extname, join } from 'node:path';
import { DialwiseError } from '../core/errors.js';
import type { TextRecord } from './text-record.js';

export interface LabelledFields {
  /** The field (JSONL key or CSV column) holding the text; default `text`. */
  textField?: string | undefined;
  /** The field holding the label; default `label`. */
  labelField?: string | undefined;
}

export type Split = 'train' | 'valid' | 'test';
const EXTENSIONS = ['.jsonl', '.json', '.csv', '.tsv'];

/** One distinct problem: how many lines had it and the first few of them. */
export interface Problem {
  problem: string;
  count: number;
  lines: number[];
}

/** The file of `split` in a folder (train.jsonl, valid.csv, test.tsv …); null when there is none. */
export function splitFile(folder: string, split: Split): string | null {
  const found = EXTENSIONS.map((ext) => join(folder, `${split}${ext}`)).find((f) => existsSync(f));
  return found ?? null;
}

/** `path` itself, or its folder's file of `split`; a clear error when neither is there. */
export function labelledFile(path: string, split: Split): string {
  if (!existsSync(path)) throw new DialwiseError('BAD_REQUEST', `${path}: no such file or folder`);
  if (!statSync(path).isDirectory()) return path;
  const file = splitFile(path, split);
  if (file) return file;
  const has = readdirSync(path).slice(0, 10).join(', ') || 'nothing';
  throw new DialwiseError(
    'BAD_REQUEST',
    `${path}: a folder needs ${split}${EXTENSIONS.join('|')} (it holds ${has})`,
  );
}

/** Fields of delimited text (RFC 4180 quoting: "" inside quotes, delimiters and newlines quoted). */
export function parseDelimited(
  text: string,
  delimiter: string,
): { fields: string[]; line: number }[] {
  const rows: { fields: string[]; line: number }[] = [];
  let fields: string[] = [];
  let field = '';
  let quoted = false;
  let line = 1;
  let rowLine = 1;
  const endRow = () => {
    fields.push(field);
    if (fields.length > 1 || fields[0] !== '') rows.push({ fields, line: rowLine });
    fields = [];
    field = '';
  };
  for (let i = text.charCodeAt(0) === 0xfeff ? 1 : 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else {
        if (c === '\n') line++;
        field += c;
      }
    } else if (c === '"' && field === '') quoted = true;
    else if (c === delimiter) {
      fields.push(field);
      field = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      endRow();
      rowLine = ++line;
    } else field += c;
  }
  if (field !== '' || fields.length) endRow();
  return rows;
}

/** A label as the models take it: a non-empty string, numbers and booleans written out. */
function labelOf(v: unknown): string | undefined {
  if (typeof v === 'string') return v.trim() || undefined;
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  if (typeof v === 'boolean') return String(v);
  return undefined;
}

/** Objects by line number from a JSONL, CSV or TSV file; a line that is not one is a problem. */
function rowsOf(file: string, problem: (what: string, line: number) => void) {
  const text = readFileSync(file, 'utf8');
  const ext = extname(file).toLowerCase();
  if (ext === '.csv' || ext === '.tsv') {
    const [header, ...rows] = parseDelimited(text, ext === '.csv' ? ',' : '\t');
    const names = header?.fields.map((h) => h.trim()) ?? [];
    return rows.flatMap((r) => {
      if (r.fields.length === names.length)
        return [{ line: r.line, row: Object.fromEntries(names.map((n, i) => [n, r.fields[i]])) }];
      problem(`${r.fields.length} columns where the header has ${names.length}`, r.line);
      return [];
    });
  }
  const out: { line: number; row: Record<string, unknown> }[] = [];
  text.split(/\r?\n/).forEach((l, i) => {
    if (!l.trim()) return;
    try {
      const v: unknown = JSON.parse(l);
      if (v && typeof v === 'object' && !Array.isArray(v))
        out.push({ line: i + 1, row: v as Record<string, unknown> });
      else problem('not a JSON object', i + 1);
    } catch {
      problem('not JSON', i + 1);
    }
  });
  return out;
}

export interface LabelledWith<T> {
  file: string;
  records: T[];
  problems: Problem[];
}

/**
 * Reads `path` (a file, or a folder's `split` file): each line with a text
 * becomes what `make` builds of its text, raw label and row, or the problem
 * `make` names. Lines left out are listed in `problems`; none usable at all
 * is an error naming the problems.
 */
export function readLabelledWith<T>(
  path: string,
  split: Split,
  fields: LabelledFields,
  make: (text: string, label: unknown, row: Record<string, unknown>) => T | { problem: string },
): LabelledWith<T> {
  const file = labelledFile(path, split);
  const textField = fields.textField ?? 'text';
  const labelField = fields.labelField ?? 'label';
  const seen = new Map<string, Problem>();
  const problem = (what: string, line: number) => {
    const p = seen.get(what) ?? { problem: what, count: 0, lines: [] };
    p.count++;
    if (p.lines.length < 5) p.lines.push(line);
    seen.set(what, p);
  };
  const records: T[] = [];
  for (const { line, row } of rowsOf(file, problem)) {
    const text = row[textField];
    if (!(textField in row)) problem(missing(textField, row), line);
    else if (typeof text !== 'string' || !text.trim())
      problem(`"${textField}" is empty or not a string`, line);
    else if (!(labelField in row)) problem(missing(labelField, row), line);
    else {
      const made = make(text, row[labelField], row);
      if (made && typeof made === 'object' && 'problem' in made)
        problem(made.problem.replace('{label}', `"${labelField}"`), line);
      else records.push(made as T);
    }
  }
  const problems = [...seen.values()].sort((a, b) => b.count - a.count);
  if (records.length === 0)
    throw new DialwiseError(
      'BAD_REQUEST',
      `${file}: no usable line\n${formatProblems(problems)}`.trimEnd(),
    );
  return { file, records, problems };
}

/** Labelled texts for the text classifiers: labels as strings, numbers or booleans. */
export const readLabelled = (
  path: string,
  split: Split,
  fields: LabelledFields = {},
): LabelledWith<TextRecord> =>
  readLabelledWith<TextRecord>(path, split, fields, (text, raw, row) => {
    const label = labelOf(raw);
    if (label === undefined)
      return { problem: '{label} is not a non-empty string, number or boolean' };
    // A multi-label source (GoEmotions) keeps every gold label.
    const labels = row.labels;
    const all = Array.isArray(labels) && labels.every((l) => typeof l === 'string' && l);
    return all ? { text, label, labels: labels as string[] } : { text, label };
  });

/** A field the row lacks, and those it has (the likely fix: --text-field or --label-field). */
const missing = (field: string, row: Record<string, unknown>) =>
  `no field "${field}" (it has ${Object.keys(row).slice(0, 8).join(', ') || 'none'})`;

/** Where what a read left out is said by default: beside a command's JSON answer. */
export const toStderr = (message: string): void => void process.stderr.write(`${message}\n`);

/** A read's records; what it left out said through `warn` for the person who brought the file. */
export function keptRecords<T>(read: LabelledWith<T>, warn: (message: string) => void): T[] {
  const { file, records, problems } = read;
  if (problems.length)
    warn(
      `${file}: ${records.length} line${records.length === 1 ? '' : 's'} read, these left out:\n${formatProblems(problems)}`,
    );
  return records;
}

/** `path`'s file of `split` when it is a folder that has one; null otherwise. */
export const folderSplit = (path: string, split: Split): string | null =>
  existsSync(path) && statSync(path).isDirectory() ? splitFile(path, split) : null;

/** One line per problem: how many, which lines first. */
export const formatProblems = (problems: readonly Problem[]): string =>
  problems
    .map(
      (p) =>
        `  ${p.count} line${p.count === 1 ? '' : 's'}: ${p.problem} (line ${p.lines.join(', ')}${p.count > p.lines.length ? ', …' : ''})`,
    )
    .join('\n');
