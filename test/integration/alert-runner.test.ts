import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AlertRunner } from '../../src/analytics/alerts/index.js';
import { manualClock, systemClock } from '../../src/core/clock.js';
import { migrate, Store } from '../../src/core/store/store.js';
import { tmpDir } from '../helpers/tmp.js';
import { alertCalls } from '../helpers/alert-calls.js';
import { startReceiver, type Receiver } from '../helpers/receiver.js';

// Wednesday 10:30 UTC: the window is the last 60 minutes, the baseline the same
// 60 minutes of past Wednesdays (their calls are all at 10:05).
const NOW = new Date('2026-11-25T10:30:00Z');
const WEEK = 7 * 24 * 3_600_000;
// Rounds run on a clock stepped by hand; Slack's retries wait on the real one.
const clock = manualClock(NOW.getTime());
const at = (minutes: number): number => NOW.getTime() + minutes * 60_000;

describe('deviation alerts over DuckDB, to a local Slack receiver', () => {
  let store: Store;
  let hook: Receiver;
  let runner: AlertRunner;

  beforeAll(async () => {
    store = await Store.open(join(tmpDir(), 'alerts.duckdb'));
    await migrate(store);
    for (let w = 1; w <= 4; w++) {
      const past = new Date(NOW.getTime() - w * WEEK - 25 * 60_000); // 10:05 on past Wednesdays
      for (const region of ['east', 'west', 'north'])
        await alertCalls(store, region, past, 400, `w${w}`);
    }
    const today = new Date(NOW.getTime() - 25 * 60_000);
    await alertCalls(store, 'east', today, 300, 'now'); // 25% below baseline
    await alertCalls(store, 'west', today, 340, 'now'); // 15% below: within the 20% band
    await alertCalls(store, 'north', today, 400, 'now'); // steady: overall 13% below, no alert
    runner = new AlertRunner(store, {
      slackWebhookUrl: (hook = await startReceiver()).url,
      dashboardUrl: () => 'http://127.0.0.1:8080',
      send: { baseDelayMs: 1, clock: systemClock },
      clock,
    });
  });
  afterAll(async () => {
    await hook.close();
    await store.close();
  });

  it('fires once on a 25% drop, not on a 15% one, and posts Block Kit to Slack', async () => {
    const first = await runner.run();
    expect(first.fired).toBe(1);
    const open = await runner.alerts('open');
    expect(open.map((a) => [a.ruleId, a.key])).toEqual([['conversionRate-REGION', 'east']]);
    expect(open[0]!.deviation).toBeCloseTo(-0.25, 9);
    expect(hook.posts).toHaveLength(1);
    expect(JSON.stringify(hook.posts[0])).toMatch(/conversionRate/);
    expect(JSON.stringify(hook.posts[0])).toContain(
      '127.0.0.1:8080/#/overview?range=24h&region=east',
    );
    // The next minute: still 25% off, but deduplicated.
    clock.set(at(1));
    expect((await runner.run()).fired).toBe(0);
    expect(hook.posts).toHaveLength(1);
  });

  it('keeps a notice while Slack fails (500s, then down) and delivers it later', async () => {
    // 2,000 more calls at 25%: the last hour's rate is back to (300 + 500) / 4,000 = 20%.
    await alertCalls(store, 'east', new Date(NOW.getTime() - 20 * 60_000), 500, 'recovered');
    hook.setReply(500);
    clock.set(at(2));
    const r = await runner.run();
    expect(r.resolved).toBe(1);
    expect(hook.posts).toHaveLength(1); // every retry answered 500
    const [pending] = await store.query<{ n: number }>(
      'SELECT count(*)::INTEGER AS n FROM alert_outbox',
    );
    expect(pending!.n).toBe(1);
    hook.setReply(200);
    expect(await runner.deliver()).toBe(1);
    expect(hook.posts).toHaveLength(2);
    expect(JSON.stringify(hook.posts[1])).toMatch(/Resolved/);
    expect((await runner.alerts('resolved')).map((a) => a.key)).toEqual(['east']);
  });

  it('lets a rule be edited and acknowledges an open alert', async () => {
    await expect(runner.saveRule({ id: 'x', metric: 'nope' })).rejects.toThrow(/metric/);
    await runner.saveRule({
      id: 'conv-west',
      metric: 'conversionRate',
      dimension: 'REGION',
      threshold: 0.1,
      // West's 15% drop is 3 standard errors: past this rule's gate, not the default 4.
      minZ: 2,
    });
    expect((await runner.rules()).map((r) => r.id)).toContain('conv-west');
    clock.set(at(3));
    await runner.run();
    const west = (await runner.alerts('open')).find(
      (a) => a.ruleId === 'conv-west' && a.key === 'west',
    );
    expect(west).toBeDefined();
    const acked = await runner.acknowledge('conv-west', 'west');
    expect(acked.status).toBe('acknowledged');
    expect((await runner.alerts('acknowledged'))[0]).toEqual(acked);
    await expect(runner.acknowledge('conv-west', 'nowhere')).rejects.toThrow(/no open alert/);
  });

  it('pages the alerts newest change first, each once', async () => {
    const all = await runner.alerts();
    expect(all.length).toBeGreaterThanOrEqual(2);
    const seen: string[] = [];
    let after: string | undefined;
    for (;;) {
      const page = await runner.alerts(undefined, { limit: 1, after });
      if (page.length === 0) break;
      seen.push(`${page[0]!.ruleId}/${page[0]!.key}/${page[0]!.updatedAt}`);
      after = page[0]!.cursor;
    }
    expect(seen).toEqual(all.map((a) => `${a.ruleId}/${a.key}/${a.updatedAt}`));
    const times = all.map((a) => Date.parse(a.updatedAt));
    expect(times).toEqual([...times].sort((a, b) => b - a));
    await expect(runner.alerts(undefined, { after: 'nonsense' })).rejects.toThrow(/cursor/);
  });
});
