import { rollUpAgain } from '../../src/analytics/kpis/index.js';
import type { Store } from '../../src/core/store/store.js';

/**
 * 2,000 answered calls in a region at `at` (call i 0.1·i seconds after it), `converted` of
 * them converted: enough that a 25% drop in conversion is significant (z = 5
 * against the four weeks' 8,000), as the rules' gate requires.
 */
export async function alertCalls(
  store: Store,
  region: string,
  at: Date,
  converted: number,
  tag: string,
): Promise<void> {
  await store.transaction((tx) =>
    tx.run(
      `INSERT INTO calls (call_id, customer_id, region, started_at, answered, outcome, duration_s)
       SELECT ? || '-' || i, 'c-' || i, ?, ?::TIMESTAMPTZ + to_milliseconds(i * 100), true,
         CASE WHEN i < ? THEN 'converted' ELSE 'rejected' END, 60
       FROM range(0, 2000) t(i)`,
      [`${region}-${tag}`, region, at.toISOString(), converted],
    ),
  );
  // Written around the sink: tell the KPI roll-up.
  await rollUpAgain(store);
}
