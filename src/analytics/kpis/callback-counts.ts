import type { Store } from '../../core/store/store.js';

/** Callbacks in a time range: scheduled then, kept then, and missed that were due then. */
export interface CallbackCounts {
  scheduled: number;
  kept: number;
  missed: number;
}

/**
 * Over `callbacks` in [from, to): scheduled by when they were scheduled,
 * kept by the call that kept them, missed by the time they were due (a miss
 * is found a grace later, and that moment is not stored). Callbacks name no
 * campaign: the caller keeps this from campaign-scoped readers.
 */
export async function callbackCounts(
  store: Pick<Store, 'query'>,
  range: { from: string; to: string },
): Promise<CallbackCounts> {
  const within = (col: string) => `${col} >= $from::TIMESTAMPTZ AND ${col} < $to::TIMESTAMPTZ`;
  const [row] = await store.query<CallbackCounts>(
    `SELECT count(*) FILTER (WHERE ${within('scheduled_at')})::INTEGER AS scheduled,
       count(*) FILTER (WHERE ${within('kept_at')})::INTEGER AS kept,
       count(*) FILTER (WHERE missed AND ${within('due_at')})::INTEGER AS missed
     FROM callbacks`,
    range,
  );
  return row!;
}
