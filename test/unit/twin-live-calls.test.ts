import { describe, expect, it } from 'vitest';
import { platformTarget } from '../../src/app/twin.js';
import { systemClock } from '../../src/core/clock.js';
import type { DialwiseEvent } from '../../src/core/events/index.js';
import { createWorld, loadScenario, runLiveCalls, type LiveFigures } from '../../src/twin/index.js';

const world = createWorld(loadScenario('config/scenarios/small-centre.json'), 3);
const GAP_S = { min: 0.04, max: 0.08 };

/**
 * A platform in a fetch: /dialer/next offers the same three customers
 * every time, /dialog/turn says a line twice and ends the call at the
 * third turn (or answers `failWith` for the calls `fails` picks), /events
 * takes everything. It records what a run did.
 */
function fakePlatform(fails: (callId: string) => boolean = () => false, failWith = 503) {
  const seen = {
    turnsAt: new Map<string, number[]>(),
    /** Customer → the call they are on, from its first turn to its events. */
    live: new Map<string, string>(),
    maxLive: 0,
    doubleDialled: 0,
  };
  const json = (status: number, body: unknown) =>
    new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
  const fetch: typeof globalThis.fetch = async (input, init) => {
    const path = new URL(String(input)).pathname;
    const body = JSON.parse(String(init?.body ?? '{}')) as Record<string, string>;
    if (path === '/dialer/next')
      return json(200, {
        next: world.customers.slice(0, 3).map((c) => ({ customerId: c.id, reason: 'score' })),
      });
    if (path === '/events') return json(200, { accepted: 0, rejected: [] });
    const { call_id: callId, customer_id: customerId } = body as {
      call_id: string;
      customer_id: string;
    };
    const turns = seen.turnsAt.get(callId) ?? [];
    turns.push(performance.now());
    seen.turnsAt.set(callId, turns);
    const other = seen.live.get(customerId);
    if (other !== undefined && other !== callId) seen.doubleDialled += 1;
    seen.live.set(customerId, callId);
    seen.maxLive = Math.max(seen.maxLive, seen.live.size);
    if (fails(callId)) return json(failWith, { error: { code: 'UNAVAILABLE', message: 'busy' } });
    return json(200, {
      action: turns.length >= 3 ? 'end' : 'say',
      text: '您好，请问现在方便吗？',
      state: 'opening',
      script_id: 'opening',
      variant: 'a',
      concise: false,
      intent: 'greeting',
    });
  };
  const target = platformTarget({ url: 'http://fake', apiKey: 'k', campaignId: 'c', fetch });
  const reported: DialwiseEvent[][] = [];
  const report = (events: DialwiseEvent[]) => {
    reported.push(events);
    const c = events[0]!.customer_id;
    if (seen.live.get(c) === (events[0] as { call_id: string }).call_id) seen.live.delete(c);
  };
  return { target, seen, reported, report };
}

/** Runs `lines` lines until `calls` calls are reported (the machine's speed does not matter). */
async function run(p: ReturnType<typeof fakePlatform>, lines: number, calls: number) {
  const stop = new AbortController();
  const figures: LiveFigures = await runLiveCalls({
    world,
    target: p.target,
    clock: systemClock,
    seed: 5,
    lines,
    gapS: GAP_S,
    signal: stop.signal,
    report(events) {
      p.report(events);
      if (p.reported.length >= calls) stop.abort();
    },
  });
  return figures;
}

describe('runLiveCalls (the twin on the wall clock)', () => {
  it('keeps its lines busy, a gap before each line, never two calls to one customer, and hangs up at the end', async () => {
    const p = fakePlatform();
    const figures = await run(p, 5, 20);
    expect(p.seen.maxLive).toBe(5);
    expect(p.seen.doubleDialled).toBe(0);
    // Three offers for five lines: the other two get customers the platform did not offer.
    expect(figures.notOffered).toBeGreaterThan(0);
    for (const times of p.seen.turnsAt.values())
      for (let i = 1; i < times.length; i++)
        expect(times[i]! - times[i - 1]!).toBeGreaterThanOrEqual(GAP_S.min * 1000 - 2);
    expect(figures.failed).toBe(0);
    // The calls still on when the run ended hang up, and are reported too.
    expect(figures.completed).toBeGreaterThanOrEqual(20);
    expect(figures.hungUp).toBeGreaterThan(0);
    expect(figures.hungUp).toBeLessThanOrEqual(4);
    expect(p.reported).toHaveLength(figures.completed + figures.hungUp);
    const ids = p.reported.map((events) => events.map((e) => e.type).join(','));
    expect(new Set(ids)).toEqual(new Set(['call.started,call.answered,call.ended']));
  });

  it('ends a call whose turn is refused as failed, with the status, and the line calls on', async () => {
    const p = fakePlatform((id) => id.endsWith('-0'));
    const figures = await run(p, 2, 6);
    expect(figures.failed).toBe(1);
    expect(figures.firstErrors[0]).toMatch(/503/);
    expect(figures.completed).toBeGreaterThanOrEqual(5);
  });
});
