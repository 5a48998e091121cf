import { DialwiseError } from '../core/errors.js';
import type { PipelineOptions } from './pipeline.js';
import { quarantine, type Position, type SinkRows } from './sinks/index.js';

/** The component under which failing commits show in /health. */
export const STORE = 'store';

/**
 * One try at a commit: publish its derived streams, then write it. Rows the
 * store refuses one by one (poison pills) become dead letters and the rest
 * go again at once; any other failure is a retriable error for commit().
 */
export async function writeOnce(
  opts: PipelineOptions,
  commit: { rows: SinkRows; nowIso: string },
  positions: Position[],
  attempt: number,
): Promise<void> {
  for (;;) {
    try {
      await opts.hooks?.beforeCommit?.(commit.rows);
    } catch (err) {
      // Derived streams could not be published (their bus reports its own
      // health): the store is not to blame, the commit waits and tries again.
      opts.logger.log('error', 'publishing before the commit failed; retrying', {
        attempt,
        err: String(err),
      });
      throw new DialwiseError('UNAVAILABLE', `commit not published: ${String(err)}`, {
        retriable: true,
        cause: err,
      });
    }
    try {
      await opts.sink.write(commit.rows, positions);
      opts.health?.ok(STORE);
      return;
    } catch (err) {
      const reason = err instanceof Error ? err.message : String(err);
      const refused = await opts.sink.refusals?.(commit.rows).catch(() => null);
      if (refused) {
        opts.logger.log('warn', 'commit refused rows; quarantined as dead letters', {
          rows: refused.length,
          reasons: [...new Set(refused.map((r) => r.reason))].slice(0, 3),
        });
        commit.rows = quarantine(commit.rows, refused, opts.cipher, commit.nowIso);
        continue;
      }
      // Otherwise the store itself fails (disk full, I/O): the same rows are
      // written again until it is back.
      opts.health?.fail(STORE, `commits failing: ${reason}`);
      opts.logger.log('error', 'commit failed; retrying', { attempt, err: reason });
      throw new DialwiseError('STORE_FAILED', `commit failed: ${reason}`, {
        retriable: true,
        cause: err,
      });
    }
  }
}
