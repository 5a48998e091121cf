/**
 * Reads turns by seq. An IN list over seqs far apart makes DuckDB read every
 * column of every row between them; a branch per run of nearby seqs (one
 * UNION ALL) lets zone maps narrow each to a row group, and a lone seq is
 * an equality that DuckDB checks inside the scan.
 */
import type { Store } from '../../core/store/store.js';

/** Seqs closer than this share a branch: a few of DuckDB's 2,048-row vectors. */
const NEAR = 8_192;
const SHORT_RUN = 32;

/** The seqs (any order) in ascending runs whose first and last lie less than NEAR apart. */
function nearRuns(seqs: readonly number[]): number[][] {
  const runs: number[][] = [];
  for (const s of [...seqs].sort((a, b) => a - b)) {
    const run = runs[runs.length - 1];
    if (run && s - run[0]! < NEAR) run.push(s);
    else runs.push([s]);
  }
  return runs;
}

/** `columns` of the turns with these seqs that also pass `where` (with its `params`). */
export function turnsBySeq<T>(
  store: Store,
  columns: string,
  seqs: readonly number[],
  where = 'true',
  params: (string | bigint)[] = [],
): Promise<T[]> {
  if (seqs.length === 0) return Promise.resolve([]);
  const branches: string[] = [];
  const values: (string | bigint)[] = [];
  for (const run of nearRuns(seqs)) {
    if (run.length === 1) {
      branches.push(`SELECT ${columns} FROM turns WHERE seq = ? AND ${where}`);
      values.push(BigInt(run[0]!), ...params);
    } else {
      // A short list is checked row by row in the scan; a long one is joined with.
      const member =
        run.length <= SHORT_RUN
          ? `list_contains(string_split(?, ',')::BIGINT[], seq)`
          : `seq IN (SELECT unnest(string_split(?, ','))::BIGINT)`;
      branches.push(
        `SELECT ${columns} FROM turns WHERE seq >= ? AND seq <= ? AND ${member} AND ${where}`,
      );
      values.push(BigInt(run[0]!), BigInt(run[run.length - 1]!), run.join(','), ...params);
    }
  }
  return store.query<T>(branches.join('\nUNION ALL\n'), values);
}
