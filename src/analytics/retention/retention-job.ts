/**
 * The retention job: deletes every row past its kind's period, in bounded
 * transactions (the pipeline's commits wait for each), optionally copying
 * the rows' non-personal columns to Parquet first, and counts what it
 * removed per table. Turns leave the search index in the transaction that
 * deletes them, a search segment at a time; turns not indexed yet wait for
 * the next run. A checkpoint at the end frees the deleted rows' blocks.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Store, Tx } from '../../core/store/store.js';
import { z } from 'zod';
import { dropFromIndex, indexDrop, type IndexDrop } from '../search/index.js';
import { cutoffs, type RetentionConfig } from './retention-config.js';
import {
  KIND_NAMES,
  RETENTION_KINDS,
  type RetainedTable,
  type RetentionKind,
  type RetentionKindName,
} from './retention-kinds.js';

export interface RetentionOptions {
  nowMs: number;
  /** Count what would go, delete nothing. */
  dryRun?: boolean;
  /** Where archives go; none are written without it. */
  archiveDir?: string;
}

const kindReport = z.object({
  kind: z.enum(KIND_NAMES as [RetentionKindName, ...RetentionKindName[]]),
  days: z.number(),
  /** Rows whose time is before this are past their period (ISO 8601). */
  cutoff: z.string(),
  /** Rows removed (or, in a dry run, that would be) per table. */
  removed: z.record(z.string(), z.number().int()),
  /** Expired by another mechanism: nothing removed here. */
  handledBy: z.string().optional(),
});
export type KindReport = z.infer<typeof kindReport>;

export const retentionReport = z.object({
  at: z.string(),
  dryRun: z.boolean(),
  kinds: z.array(kindReport),
  /** Of the search index: segments dropped and rewritten, turns removed. */
  index: indexDrop,
  /** Parquet files written. */
  archived: z.array(z.string()),
  /** Whether the closing checkpoint ran; a failed one leaves it to DuckDB's next. */
  checkpoint: z.union([
    z.literal('done'),
    z.literal('not needed'),
    z.templateLiteral(['failed: ', z.string()]),
  ]),
});
export type RetentionReport = z.infer<typeof retentionReport>;

interface Run {
  store: Store;
  batch: number;
  dryRun: boolean;
  archive: { dir: string; stamp: string } | undefined;
  archived: string[];
  index: IndexDrop;
}

export async function runRetention(
  store: Store,
  config: RetentionConfig,
  opts: RetentionOptions,
): Promise<RetentionReport> {
  const at = new Date(opts.nowMs).toISOString();
  const dryRun = opts.dryRun ?? false;
  if (opts.archiveDir && !dryRun) mkdirSync(opts.archiveDir, { recursive: true });
  const run: Run = {
    store,
    batch: config.batchRows,
    dryRun,
    archive: opts.archiveDir
      ? { dir: opts.archiveDir, stamp: at.replace(/[-:.]/g, '') }
      : undefined,
    archived: [],
    index: { dropped: 0, rewritten: 0, removed: 0 },
  };
  const cut = cutoffs(config, opts.nowMs);
  const kinds: KindReport[] = [];
  for (const name of KIND_NAMES) {
    const kind: RetentionKind = RETENTION_KINDS[name];
    const removed: Record<string, number> = {};
    for (const t of kind.tables)
      removed[t.table] = t.searchIndex
        ? await expireTurns(run, t, cut[name])
        : await expireRows(run, t, cut[name]);
    kinds.push({
      kind: name,
      days: config.days[name],
      cutoff: cut[name].toISOString(),
      removed,
      ...(kind.handledBy && { handledBy: kind.handledBy }),
    });
  }
  const any = kinds.some((k) => Object.values(k.removed).some((n) => n > 0));
  const checkpoint: RetentionReport['checkpoint'] =
    dryRun || !any
      ? 'not needed'
      : await store.checkpoint().then(
          () => 'done' as const,
          (err: unknown) => `failed: ${String(err)}` as const,
        );
  return { at, dryRun, kinds, index: run.index, archived: run.archived, checkpoint };
}

/** The SQL condition of a row past its period; the cutoff is ours, an ISO string, safe inline. */
const pastIn = (t: RetainedTable, cutoff: Date): string =>
  `(${t.time}) < '${cutoff.toISOString()}'::TIMESTAMPTZ`;

async function count(store: Store, table: string, where: string): Promise<number> {
  const [row] = await store.query<{ n: number }>(
    `SELECT count(*)::INTEGER AS n FROM ${table} WHERE ${where}`,
  );
  return row?.n ?? 0;
}

/** Deletes a table's expired rows, `batch` rows per transaction. */
async function expireRows(run: Run, t: RetainedTable, cutoff: Date): Promise<number> {
  const where = pastIn(t, cutoff);
  if (run.dryRun) return count(run.store, t.table, where);
  let total = 0;
  for (;;) {
    const n = await run.store.transaction(async (tx) => {
      const rows = await tx.all<{ r: bigint }>(
        `SELECT rowid AS r FROM ${t.table} WHERE ${where} LIMIT ${run.batch}`,
      );
      if (rows.length === 0) return 0;
      const ids = `rowid IN (SELECT unnest(string_split('${rows.map((r) => r.r).join(',')}', ','))::BIGINT)`;
      await archive(tx, run, t, ids);
      await tx.run(`DELETE FROM ${t.table} WHERE ${ids}`);
      return rows.length;
    });
    total += n;
    if (n < run.batch) return total;
  }
}

/**
 * Deletes expired turns that the search index holds, a segment's seq range
 * per transaction, their postings with them; then any turn without a seq.
 */
async function expireTurns(run: Run, t: RetainedTable, cutoff: Date): Promise<number> {
  const past = pastIn(t, cutoff);
  const indexed = 'seq <= (SELECT coalesce(max(last_seq), 0) FROM search_segments)';
  if (run.dryRun) return count(run.store, t.table, `${past} AND (seq IS NULL OR ${indexed})`);
  const ranges = await run.store.query<{ f: bigint; l: bigint }>(
    `SELECT first_seq AS f, last_seq AS l FROM search_segments s
     WHERE EXISTS (SELECT 1 FROM turns WHERE seq BETWEEN s.first_seq AND s.last_seq AND ${past})
     ORDER BY first_seq`,
  );
  let total = 0;
  for (const { f, l } of ranges)
    total += await run.store.transaction(async (tx) => {
      const where = `seq BETWEEN ${f} AND ${l} AND ${past}`;
      const [row] = await tx.all<{ seqs: string | null }>(
        `SELECT string_agg(seq::VARCHAR, ',') AS seqs FROM turns WHERE ${where}`,
      );
      if (!row?.seqs) return 0;
      const seqs = row.seqs.split(',').map(Number);
      const drop = await dropFromIndex(tx, seqs);
      run.index.dropped += drop.dropped;
      run.index.rewritten += drop.rewritten;
      run.index.removed += drop.removed;
      await archive(tx, run, t, where);
      await tx.run(`DELETE FROM turns WHERE ${where}`);
      return seqs.length;
    });
  // Turns numbered before migration 7 have seqs too; one without is in no segment.
  return (
    total + (await expireRows(run, { ...t, time: 'CASE WHEN seq IS NULL THEN ts END' }, cutoff))
  );
}

/** Copies the rows `where` picks (their archived columns) to a new Parquet file. */
async function archive(tx: Tx, run: Run, t: RetainedTable, where: string): Promise<void> {
  if (!run.archive || !t.archive) return;
  const file = join(
    run.archive.dir,
    `${t.table}-${run.archive.stamp}-${String(run.archived.length + 1).padStart(4, '0')}.parquet`,
  );
  await tx.run(
    `COPY (SELECT ${t.archive} FROM ${t.table} WHERE ${where})
     TO '${file.replace(/'/g, "''")}' (FORMAT parquet)`,
  );
  run.archived.push(file);
}
