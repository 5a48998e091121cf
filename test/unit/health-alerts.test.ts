import { describe, expect, it } from 'vitest';
import { watchHealth } from '../../src/analytics/alerts/index.js';
import { manualClock } from '../../src/core/clock.js';
import { Health } from '../../src/core/health.js';

/** Lets the deliveries the timers started run to their end. */
const settle = () => new Promise((r) => setTimeout(r, 0));

describe('health notices on an injected clock', () => {
  it('tells Slack once a failure outlasts its grace, keeps what fails, and says when it is back', async () => {
    const clock = manualClock(Date.UTC(2026, 0, 5, 9));
    const health = new Health(() => clock.now());
    const posted: string[] = [];
    let up = true;
    const fetchImpl: typeof fetch = async (_url, init) => {
      if (!up) throw new TypeError('fetch failed');
      posted.push((JSON.parse(String(init?.body)) as { text: string }).text);
      return new Response('ok');
    };
    const logged: string[] = [];
    const watch = watchHealth(health, {
      slackWebhookUrl: 'http://127.0.0.1:9/hook',
      graceMs: 30_000,
      logger: { log: (_level, msg) => void logged.push(msg) },
      dashboardUrl: () => 'http://dash',
      clock,
      send: { attempts: 1, fetchImpl },
    });

    health.fail('store', 'disk full');
    expect(logged).toEqual(['component failing']);
    clock.advance(25_000); // within the grace: nothing for Slack yet
    await settle();
    expect(posted).toEqual([]);

    up = false;
    clock.advance(5_000); // 30 s: due, but Slack is down; the notice waits
    await settle();
    expect(posted).toEqual([]);

    up = true;
    clock.advance(5_000); // the next round delivers it, as written when it came due
    await settle();
    expect(posted).toEqual([
      ':rotating_light: Dialwise store is failing (for 30 s): disk full (http://dash/health)',
    ]);

    health.ok('store');
    await settle();
    expect(posted.at(-1)).toBe(
      ':white_check_mark: Dialwise store has recovered (http://dash/health)',
    );

    watch.stop();
    health.fail('store', 'again');
    clock.advance(60_000); // stopped: no more rounds
    await settle();
    expect(posted).toHaveLength(2);
  });
});
