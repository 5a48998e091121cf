/**
 * The daily digest to Slack: yesterday in the reporting zone against the
 * day before, worked out by hand, delivered to a local Slack receiver
 * through the alert outbox.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AlertRunner, digestDays } from '../../src/analytics/alerts/index.js';
import { rollUpAgain } from '../../src/analytics/kpis/index.js';
import { manualClock, systemClock } from '../../src/core/clock.js';
import { migrate, Store } from '../../src/core/store/store.js';
import { startReceiver, type Receiver } from '../helpers/receiver.js';
import { tmpDir } from '../helpers/tmp.js';

// 09:00 in Shanghai on 2026-12-07 is 01:00 UTC: "yesterday" is 2026-12-06 in
// Shanghai, 2026-12-05T16:00Z to 2026-12-06T16:00Z.
const NOW = Date.parse('2026-12-07T01:00:00Z');

describe('the daily digest', () => {
  let store: Store;
  let slack: Receiver;

  beforeAll(async () => {
    store = await Store.open(join(tmpDir(), 'digest.duckdb'));
    await migrate(store);
    const calls: [string, string, boolean, string][] = [
      // yesterday in Shanghai: 4 calls, 3 answered, 1 converted
      ['y1', '2026-12-05T16:30:00Z', true, 'converted'], // 12-06 00:30 Shanghai
      ['y2', '2026-12-06T03:00:00Z', true, 'rejected'],
      ['y3', '2026-12-06T08:00:00Z', true, 'rejected'],
      ['y4', '2026-12-06T15:59:00Z', false, 'no_answer'], // 12-06 23:59 Shanghai
      // the day before: 2 calls
      ['b1', '2026-12-05T02:00:00Z', true, 'converted'],
      ['b2', '2026-12-05T15:59:00Z', true, 'rejected'], // 12-05 23:59 Shanghai
      // today, not counted
      ['t1', '2026-12-06T16:00:00Z', true, 'converted'],
    ];
    await store.transaction(async (tx) => {
      for (const [id, at, answered, outcome] of calls)
        await tx.run(
          `INSERT INTO calls (call_id, customer_id, region, started_at, answered, outcome, duration_s)
           VALUES (?, ?, 'east', ?::TIMESTAMPTZ, ?, ?, 60)`,
          [id, `c-${id}`, at, answered, outcome],
        );
    });
    await rollUpAgain(store);
    slack = await startReceiver();
  });
  afterAll(async () => {
    await store?.close();
    await slack?.close();
  });

  it('takes the whole day before in the reporting zone', () => {
    expect(digestDays(NOW, 'Asia/Shanghai')).toEqual({
      day: '2026-12-06',
      yesterday: {
        from: Date.parse('2026-12-05T16:00:00Z'),
        to: Date.parse('2026-12-06T16:00:00Z'),
      },
      dayBefore: {
        from: Date.parse('2026-12-04T16:00:00Z'),
        to: Date.parse('2026-12-05T16:00:00Z'),
      },
    });
    expect(digestDays(NOW, 'UTC').day).toBe('2026-12-06');
  });

  it('sends yesterday against the day before to Slack, kept until delivered', async () => {
    const runner = new AlertRunner(store, {
      slackWebhookUrl: slack.url,
      dashboardUrl: () => 'http://dash.local:8080',
      send: { baseDelayMs: 1, clock: systemClock },
      clock: manualClock(NOW),
      reportingTimeZone: 'Asia/Shanghai',
    });
    await runner.digest();
    expect(slack.posts).toHaveLength(1);
    const message = slack.posts[0] as { text: string; blocks: { type: string }[] };
    const json = JSON.stringify(message);
    expect(message.text).toContain('2026-12-06 (Asia/Shanghai): 4 calls');
    expect(json).toContain('4 (+100%)'); // 4 calls against 2
    expect(json).toContain('75.0%'); // connect rate: 3 of 4
    expect(json).toContain('(1 conversions)');
    expect(json).toContain('0 fired, 0 open now');
    expect(json).toContain('http://dash.local:8080/#/overview?range=7d');
    const [left] = await store.query<{ n: number }>(
      'SELECT count(*)::INTEGER AS n FROM alert_outbox',
    );
    expect(left!.n).toBe(0);
  });
});
