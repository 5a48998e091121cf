import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { csvObjects } from './text/csv.js';
import { datasetPath } from './text/paths.js';

/**
 * PersuasionForGood (Wang et al., ACL 2019): 1,017 crowd-worker dialogues in
 * which a persuader asks a persuadee to donate part of a task payment to Save
 * the Children. The outcome is real: full_info.csv's B6 on the persuadee's row
 * (B4 = 1) is the amount actually donated after the task, not the amount
 * promised in the chat. Conversion is `donation > 0` (545 of 1,017).
 */
export interface PfgDialogue {
  id: string;
  /** One string per turn: the sentences (Units) a role said in that turn, joined. */
  persuadee: string[];
  persuader: string[];
  /** B7: turns as recorded by the task (a turn is one message from each side). */
  turns: number;
  persuadeeWords: number;
  /** US dollars actually donated (B6); the task allowed $0-2, a few rows hold more. */
  donation: number;
  donated: boolean;
}

const words = (s: string): number => s.split(/\s+/).filter(Boolean).length;

/** Joins sentence rows into per-turn utterances, in turn order. */
function utterances(rows: readonly Record<string, string>[], role: string): string[] {
  const byTurn = new Map<number, string[]>();
  for (const r of rows) {
    if (r.B4 !== role) continue;
    const turn = Number(r.Turn);
    byTurn.set(turn, [...(byTurn.get(turn) ?? []), (r.Unit ?? '').trim()]);
  }
  return [...byTurn.entries()].sort((a, b) => a[0] - b[0]).map(([, s]) => s.join(' '));
}

/** Every dialogue of FullData with its persuadee's outcome, sorted by id. */
export async function loadPersuasionForGood(
  dir = datasetPath('persuasionforgood'),
): Promise<PfgDialogue[]> {
  const [info, dialog] = await Promise.all(
    ['full_info.csv', 'full_dialog.csv'].map(async (f) =>
      csvObjects(await readFile(join(dir, 'FullData', f), 'utf8')),
    ),
  );
  const rowsById = new Map<string, Record<string, string>[]>();
  for (const r of dialog!) {
    const id = r.B2 ?? '';
    rowsById.set(id, [...(rowsById.get(id) ?? []), r]);
  }
  const out: PfgDialogue[] = [];
  for (const r of info!) {
    if (r.B4 !== '1') continue;
    const id = r.B2 ?? '';
    const donation = Number(r.B6);
    const turns = Number(r.B7);
    if (!Number.isFinite(donation) || r.B6 === '')
      throw new Error(`persuasionforgood: dialogue ${id} has no donation (B6="${r.B6}")`);
    const rows = rowsById.get(id) ?? [];
    const persuadee = utterances(rows, '1');
    out.push({
      id,
      persuadee,
      persuader: utterances(rows, '0'),
      turns: Number.isFinite(turns) ? turns : persuadee.length,
      persuadeeWords: persuadee.reduce((n, u) => n + words(u), 0),
      donation,
      donated: donation > 0,
    });
  }
  return out.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/** FNV-1a of seed and id, 0..1: where an id falls does not depend on file order. */
function unitHash(id: string, seed: number): number {
  let h = 0x811c9dc5 ^ seed;
  for (let i = 0; i < id.length; i++) h = Math.imul(h ^ id.charCodeAt(i), 0x01000193);
  return (h >>> 0) / 2 ** 32;
}

/**
 * Splits by id into parts of the given fractions (summing to 1), stratified
 * by outcome: each outcome's items are ordered by a seeded hash of their id
 * and cut at the fractions, so an item always lands in the same part for a
 * seed whatever the input order, and every part keeps the overall rate.
 */
export function splitByOutcome<T extends { id: string }>(
  items: readonly T[],
  outcome: (item: T) => boolean,
  fractions: readonly number[],
  seed: number,
): T[][] {
  const total = fractions.reduce((a, b) => a + b, 0);
  if (fractions.some((f) => f < 0) || Math.abs(total - 1) > 1e-9)
    throw new Error(`split fractions must be >= 0 and sum to 1, got ${fractions.join(', ')}`);
  const parts: T[][] = fractions.map(() => []);
  for (const value of [false, true]) {
    const group = items
      .filter((d) => outcome(d) === value)
      .map((d) => ({ d, h: unitHash(d.id, seed) }))
      .sort((a, b) => a.h - b.h || (a.d.id < b.d.id ? -1 : 1));
    let start = 0;
    let cum = 0;
    fractions.forEach((f, i) => {
      cum += f;
      const end = i === fractions.length - 1 ? group.length : Math.round(cum * group.length);
      parts[i]!.push(...group.slice(start, end).map((g) => g.d));
      start = end;
    });
  }
  return parts;
}

/** One persuadee sentence of AnnotatedData, with its human labels. */
export interface PfgAnnotatedSentence {
  text: string;
  /** ee_label_1, the most salient persuadee dialog act (e.g. agree-donation, ask-org-info). */
  act: string;
  /** Annotated sentiment, pos − neg: -1..1. */
  sentiment: number;
}

/**
 * The persuadee's human-annotated dialog acts for the 300 dialogues of
 * AnnotatedData (all of them also in FullData): per dialogue id, per turn in
 * order, its sentences. Used to measure what a perfect NLU would give.
 */
export async function loadPfgPersuadeeActs(
  dir = datasetPath('persuasionforgood'),
): Promise<Map<string, PfgAnnotatedSentence[][]>> {
  const rows = csvObjects(await readFile(join(dir, 'AnnotatedData', '300_dialog.csv'), 'utf8'));
  const turns = new Map<string, Map<number, PfgAnnotatedSentence[]>>();
  for (const r of rows) {
    if (r.B4 !== '1') continue;
    const id = r.B2 ?? '';
    const byTurn = turns.get(id) ?? new Map<number, PfgAnnotatedSentence[]>();
    turns.set(id, byTurn);
    const turn = Number(r.Turn);
    const sentiment = Number(r.pos) - Number(r.neg);
    byTurn.set(turn, [
      ...(byTurn.get(turn) ?? []),
      {
        text: (r.Unit ?? '').trim(),
        act: r.ee_label_1 || 'other',
        sentiment: Number.isFinite(sentiment) ? sentiment : 0,
      },
    ]);
  }
  return new Map(
    [...turns].map(([id, byTurn]) => [
      id,
      [...byTurn.entries()].sort((a, b) => a[0] - b[0]).map(([, s]) => s),
    ]),
  );
}
