// Fault: the Slack webhook is unreachable for an hour of alert rounds.
// Promised: every alert that fires or resolves meanwhile is kept (in DuckDB),
// and once Slack is back each is delivered exactly once, in order.
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { AlertRunner } from '../../src/analytics/alerts/index.js';
import { rollUpAgain } from '../../src/analytics/kpis/index.js';
import { manualClock, systemClock } from '../../src/core/clock.js';
import { migrate, Store } from '../../src/core/store/store.js';
import { reportFault } from '../helpers/faults.js';
import { startReceiver, type Receiver } from '../helpers/receiver.js';
import { tmpDir } from '../helpers/tmp.js';

const MINUTE = 60_000;
const WEEK = 7 * 24 * 60 * MINUTE;
// A Wednesday, 10:00 UTC: the hour of alert rounds runs to 11:00.
const T0 = Date.parse('2026-11-25T10:00:00Z');
const REGIONS = ['east', 'west', 'north', 'south', 'central'];

/** `n` answered calls in a region from `at` (a second apart), `converted` of them converted. */
async function calls(
  store: Store,
  region: string,
  at: number,
  n: number,
  converted: number,
  tag: string,
) {
  await store.transaction((tx) =>
    tx.run(
      `INSERT INTO calls (call_id, customer_id, region, started_at, answered, outcome, duration_s)
       SELECT ? || '-' || i, 'c-' || i, ?, ?::TIMESTAMPTZ + to_seconds(i), true,
         CASE WHEN i < ? THEN 'converted' ELSE 'rejected' END, 60
       FROM range(0, ?) t(i)`,
      [`${region}-${tag}`, region, new Date(at).toISOString(), converted, n],
    ),
  );
}

describe('fault: Slack is down for an hour of alerts', () => {
  let store: Store;
  let slack: Receiver;
  afterAll(async () => {
    await slack?.close();
    await store?.close();
  });

  it(
    'keeps every notice and delivers each exactly once, in order, when Slack is back',
    { timeout: 120_000 },
    async () => {
      store = await Store.open(join(tmpDir(), 'alerts.duckdb'));
      await migrate(store);
      slack = await startReceiver();
      await slack.down();
      // Four past weeks converting 40% in both hours the rounds look at.
      for (const region of REGIONS)
        for (let w = 1; w <= 4; w++)
          for (const h of [-1, 0, 1])
            await calls(store, region, T0 + h * 60 * MINUTE - w * WEEK, 100, 40, `base-${w}-${h}`);
      // This hour: each region drops to 10% in turn, then recovers.
      for (const [r, region] of REGIONS.entries()) {
        await calls(store, region, T0 - 30 * MINUTE, 100, 40, 'before');
        await calls(store, region, T0 + (5 + 10 * r) * MINUTE, 300, 30, 'drop');
        await calls(store, region, T0 + (10 + 10 * r) * MINUTE, 900, 450, 'back');
      }
      await rollUpAgain(store);
      const clock = manualClock(T0);
      const runner = new AlertRunner(store, {
        slackWebhookUrl: slack.url,
        dashboardUrl: () => 'http://127.0.0.1:8080',
        // Rounds on a clock stepped by hand; Slack's back-off does not wait at all.
        send: { clock: { ...systemClock, sleep: () => Promise.resolve() } },
        clock,
      });
      await runner.saveRule({
        id: 'conv-region',
        metric: 'conversionRate',
        dimension: 'REGION',
        threshold: 0.2,
        cooldownMinutes: 0,
        minVolume: 50,
      });
      // Only that rule: the default ones (overall, connect rate) stay out of the count.
      for (const [id, metric, dimension] of [
        ['conversionRate-all', 'conversionRate', null],
        ['conversionRate-REGION', 'conversionRate', 'REGION'],
        ['connectRate-REGION', 'connectRate', 'REGION'],
      ] as const)
        await runner.saveRule({ id, metric, dimension, enabled: false });

      let fired = 0;
      let resolved = 0;
      for (let m = 1; m <= 60; m++) {
        clock.set(T0 + m * MINUTE);
        const r = await runner.run();
        fired += r.fired;
        resolved += r.resolved;
      }
      const notices = fired + resolved;
      expect(fired).toBeGreaterThanOrEqual(REGIONS.length);
      expect(resolved).toBeGreaterThanOrEqual(1);
      expect(slack.bodies).toHaveLength(0); // nothing got through: refused connections
      const pending = await store.query<{ payload: string }>(
        'SELECT payload::VARCHAR AS payload FROM alert_outbox ORDER BY created_at, id',
      );
      expect(pending).toHaveLength(notices);

      await slack.up();
      const back = Date.now();
      expect(await runner.deliver()).toBe(notices);
      const deliveredMs = Date.now() - back;
      expect(slack.posts).toEqual(pending.map((p) => JSON.parse(p.payload)));
      expect(new Set(slack.posts.map((p) => JSON.stringify(p))).size).toBe(notices);
      // The next round sends nothing again.
      clock.set(T0 + 61 * MINUTE);
      await runner.run();
      expect(slack.posts.length).toBeGreaterThanOrEqual(notices);
      const again = slack.posts.slice(0, notices).map((p) => JSON.stringify(p));
      expect(new Set(again).size).toBe(notices);
      reportFault('slack-down', {
        rounds: 60,
        notices,
        fired,
        resolved,
        lost: notices - new Set(slack.posts.map((p) => JSON.stringify(p))).size,
        duplicated: slack.posts.length - new Set(slack.posts.map((p) => JSON.stringify(p))).size,
        deliveredSecondsAfterBack: Math.round(deliveredMs / 100) / 10,
      });
    },
  );
});
