import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Platform } from '../../src/app/index.js';
import { platformTarget } from '../../src/app/twin.js';
import { systemClock } from '../../src/core/clock.js';
import type { DialwiseEvent } from '../../src/core/events/index.js';
import {
  createWorld,
  loadEvents,
  loadScenario,
  runLiveCalls,
  type LiveFigures,
} from '../../src/twin/index.js';
import { gql } from '../helpers/gql.js';
import { startTestPlatform } from '../helpers/platform.js';

const SEED = 2;
const CALLS = 8;

describe('the twin on the wall clock drives a platform on it', () => {
  const world = createWorld(loadScenario('config/scenarios/small-centre.json'), SEED);
  let p: Platform;
  let figures: LiveFigures;
  const events: DialwiseEvent[] = [];

  beforeAll(async () => {
    p = await startTestPlatform({}, { retrain: false });
    const target = platformTarget({
      url: p.url,
      apiKey: p.adminKey,
      campaignId: world.scenario.campaign_id,
    });
    await target.events.send(loadEvents(world, Date.now() - 3_600_000, SEED));
    const stop = new AbortController();
    const slow = setTimeout(() => stop.abort(), 60_000);
    figures = await runLiveCalls({
      world,
      target,
      clock: systemClock,
      seed: SEED,
      lines: 3,
      gapS: { min: 0.05, max: 0.1 },
      signal: stop.signal,
      report(e) {
        events.push(...e);
        if (events.filter((x) => x.type === 'call.ended').length >= CALLS) stop.abort();
      },
    });
    clearTimeout(slow);
    const r = await target.events.send(events);
    expect(r.rejected).toEqual([]);
    await p.waitForIdle();
  }, 120_000);
  afterAll(async () => {
    await p?.stop();
  });

  it('talks its calls through /dialog/turn to their end, none failing', () => {
    expect(figures.failed).toBe(0);
    expect(figures.firstErrors).toEqual([]);
    expect(figures.completed).toBeGreaterThanOrEqual(CALLS - 2);
  });

  it('dials whom /dialer/next offers, and the platform counts the calls it was told of', async () => {
    // Three lines and the offers of a centre of 500: some dials go to whom the platform offered.
    expect(figures.notOffered).toBeLessThan(figures.completed + figures.hungUp);
    const r = await gql(p.url, '{ kpis { calls } }', p.adminKey);
    const calls = (r.body.data as { kpis: { calls: number }[] }).kpis[0]!.calls;
    expect(calls).toBe(figures.completed + figures.hungUp);
  });
});
