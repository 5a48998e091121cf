import { describe, expect, it } from 'vitest';
import { callbackOfTurn, type PendingCallback } from '../../src/core/callback.js';
import { parseEvent, type DialwiseEvent, type EventOf } from '../../src/core/events/index.js';
import {
  loadDialingRules,
  newAnswerModel,
  parseDialingRules,
  rankNext,
  type DialingConfig,
} from '../../src/decision/dialing/index.js';
import type { CustomerView } from '../../src/decision/index.js';
import { emptyChanges, mergeCallbacks } from '../../src/pipelines/index.js';
import { customerView, ledger, touchesAt } from '../helpers/decision.js';
import { engine, turn } from '../helpers/decision-engine.js';
import { keywordEnricher } from '../helpers/enricher.js';
import { eventFixtures } from '../helpers/fixtures.js';
import { readFileSync } from 'node:fs';

const M = 60_000;
const rules = loadDialingRules('config/dialing.json');
const model = newAnswerModel(rules);
/** Wed 2026-03-11, a time of day in Shanghai (UTC+8) as epoch ms. */
const local = (hhmm: string) => Date.parse(`2026-03-11T${hhmm}:00+08:00`);
const iso = (ms: number) => new Date(ms).toISOString();

const waiting = (at: number): PendingCallback => ({
  event_id: 'cb-1',
  at: iso(at),
  source: 'customer',
  call_id: 'call-1',
  set_at: iso(at - 3 * 60 * M),
});
const c = (customerId: string, intentScore: number, patch: Partial<CustomerView> = {}) =>
  customerView({
    customerId,
    intentScore,
    crm: { industry: 'software', timezone: 'Asia/Shanghai' },
    ...patch,
  });
const ids = (r: { next: { customerId: string }[] }) => r.next.map((x) => x.customerId);

describe('rankNext with callbacks', () => {
  it('offers a customer whose callback is due first, with the reason and the time promised', () => {
    const at = local('15:00');
    const candidates = [c('hot', 0.9), c('promised', 0.1, { callback: waiting(at) })];
    for (const now of [at, at + 30 * M, at + 60 * M]) {
      const r = rankNext(candidates, now, rules, model, 10);
      expect(r.next[0]).toMatchObject({
        customerId: 'promised',
        reason: 'callback',
        callback_at: iso(at),
      });
      expect(r.next[1]).toMatchObject({ customerId: 'hot', reason: 'score' });
      expect(r.next[1]).not.toHaveProperty('callback_at');
    }
    // Not before its time (a call then would keep it, but nothing is owed yet).
    expect(ids(rankNext(candidates, at - 2 * M, rules, model, 10))).toEqual(['hot', 'promised']);
  });

  it('puts the earliest promise first among due callbacks', () => {
    const candidates = [
      c('later', 0.9, { callback: waiting(local('15:10')) }),
      c('earlier', 0.1, { callback: waiting(local('15:00')) }),
    ];
    expect(ids(rankNext(candidates, local('15:20'), rules, model, 10))).toEqual([
      'earlier',
      'later',
    ]);
  });

  it('is missed once the grace has passed: ranked by score again', () => {
    const at = local('15:00');
    const candidates = [c('hot', 0.9), c('promised', 0.1, { callback: waiting(at) })];
    const r = rankNext(candidates, at + 60 * M + 1, rules, model, 10);
    expect(r.next.map((x) => [x.customerId, x.reason])).toEqual([
      ['hot', 'score'],
      ['promised', 'score'],
    ]);
  });

  it('waits for the calling window while the grace lasts, never calling outside it', () => {
    // Business windows 09–12 and 14–18: a callback at 13:30 waits for 14:00 (grace to 14:30).
    const promised = c('promised', 0.1, { callback: waiting(local('13:30')) });
    const lunch = rankNext([promised], local('13:40'), rules, model, 10);
    expect(lunch.next).toEqual([]);
    expect(lunch.skips).toEqual([
      { customer_id: 'promised', reason: 'outside_window', detail: expect.any(String) },
    ]);
    expect(rankNext([promised], local('14:05'), rules, model, 10).next[0]).toMatchObject({
      reason: 'callback',
    });
    // At 12:30 the grace ends at 13:30, before the window opens: missed, ranked by score.
    const early = c('early', 0.1, { callback: waiting(local('12:30')) });
    expect(rankNext([early], local('14:05'), rules, model, 10).next[0]).toMatchObject({
      reason: 'score',
    });
  });

  it('never offers a due callback over the cap, after a withdrawal or to do-not-call', () => {
    const at = local('15:00');
    const callback = waiting(at);
    const capped = c('capped', 0.1, {
      callback,
      touches: touchesAt([iso(at - 3 * 60 * M), iso(at - 2 * 60 * M), iso(at - 60 * M)]),
    });
    const withdrawn = c('withdrawn', 0.1, { callback, consent: ledger({ call: false }) });
    const dnc = c('dnc', 0.1, { callback, doNotCall: true });
    const r = rankNext([capped, withdrawn, dnc], at + 5 * M, rules, model, 10);
    expect(r.next).toEqual([]);
    expect(r.skips.map((s) => [s.customer_id, s.reason])).toEqual([
      ['capped', 'frequency_cap'],
      ['dnc', 'do_not_call'],
      ['withdrawn', 'consent_refused'],
    ]);
  });

  it('lists skipped customers by id with reason and detail, at most 100; the counts stay exact', () => {
    const dnc = Array.from({ length: 150 }, (_, i) =>
      c(`dnc-${String(149 - i).padStart(3, '0')}`, 0.5, { doNotCall: true }),
    );
    const r = rankNext([...dnc, c('ok', 0.5)], local('10:00'), rules, model, 10);
    expect(ids(r)).toEqual(['ok']);
    expect(r.skipped.do_not_call).toBe(150);
    expect(r.skips).toHaveLength(100);
    expect(r.skips[0]).toEqual({
      customer_id: 'dnc-000',
      reason: 'do_not_call',
      detail: 'marked do-not-call in the CRM',
    });
    expect(r.skips.at(-1)!.customer_id).toBe('dnc-099');
  });

  it('takes grace and early minutes from config/dialing.json, validated', () => {
    expect(rules.callbacks).toEqual({ graceMinutes: 60, earlyMinutes: 5 });
    const raw = JSON.parse(readFileSync('config/dialing.json', 'utf8')) as DialingConfig;
    const { callbacks: _, ...without } = raw;
    expect(parseDialingRules(without).callbacks).toEqual({ graceMinutes: 60, earlyMinutes: 5 });
    expect(() =>
      parseDialingRules({ ...raw, callbacks: { graceMinutes: 0, earlyMinutes: 5 } }),
    ).toThrow(/callbacks\.graceMinutes/);
  });
});

const fx = eventFixtures();
let n = 0;
const ev = <T extends DialwiseEvent['type']>(type: T, patch: Record<string, unknown> = {}) => {
  const r = parseEvent({ ...fx.get(type), event_id: `cb-test-${++n}`, ...patch });
  if (!r.ok) throw new Error(r.reason);
  return r.event as EventOf<T>;
};
const C = 'cust-000042';
/** 下午三点 said at 10:00 Shanghai: 15:00 local, 07:00Z. */
const SAID = '2026-11-20T02:00:00Z';
const THREE_PM = '2026-11-20T07:00:00.000Z';
/** When the batches arrive (after every event time: none is clamped as ahead of the clock). */
const ARRIVAL = Date.parse('2026-11-21T00:00:00Z');

describe('callbacks in the pipeline', () => {
  const customerTurn = () =>
    ev('dialog.turn', { ts: SAID, speaker: 'customer', text: '下午三点再打吧', turn: 1 });

  it('a customer turn naming a time schedules one callback, whether the engine said so first or not', () => {
    for (const order of ['event first', 'turn first']) {
      const e = keywordEnricher();
      const said = customerTurn();
      const scheduled = callbackOfTurn(said, { from: THREE_PM });
      const out = e.apply(order === 'event first' ? [scheduled, said] : [said, scheduled], ARRIVAL);
      expect(e.profiles.get(C)!.callback, order).toMatchObject({
        at: THREE_PM,
        source: 'customer',
        call_id: said.call_id,
        set_at: SAID,
      });
      expect([...out.callbacks.values()], order).toHaveLength(1);
      expect(out.callbackCounts, order).toEqual({ scheduled: 1, kept: 0, missed: 0 });
      expect(out.duplicates, order).toBe(order === 'event first' ? 0 : 1);
    }
  });

  it('the latest scheduled wins', () => {
    const e = keywordEnricher();
    e.apply(
      [
        ev('callback.scheduled', { ts: '2026-11-20T03:00:00Z', at: '2026-11-20T08:00:00Z' }),
        ev('callback.scheduled', { ts: '2026-11-20T02:00:00Z', at: '2026-11-20T09:00:00Z' }),
      ],
      ARRIVAL,
    );
    expect(e.profiles.get(C)!.callback!.at).toBe('2026-11-20T08:00:00.000Z');
  });

  it('a call started from five minutes before to the end of the grace keeps it', () => {
    const start = (ts: string, call_id: string) => ev('call.started', { ts, call_id });
    const e = keywordEnricher();
    e.apply([ev('callback.scheduled', { ts: SAID, at: THREE_PM })], ARRIVAL);
    // Too early: the promise still stands.
    let out = e.apply([start('2026-11-20T06:50:00Z', 'call-early')], ARRIVAL);
    expect(out.callbacks.size).toBe(0);
    out = e.apply([start('2026-11-20T06:56:00Z', 'call-kept')], ARRIVAL);
    expect([...out.callbacks.values()]).toEqual([
      expect.objectContaining({
        due_at: THREE_PM,
        kept_at: '2026-11-20T06:56:00Z',
        kept_by: 'call-kept',
        missed: false,
      }),
    ]);
    expect(out.callbackCounts.kept).toBe(1);
    expect(e.profiles.get(C)!.callback).toBeNull();
  });

  it('is missed at the first sweep past the grace, on the clock given, not before', () => {
    const e = keywordEnricher({ callbacks: { graceMinutes: 30, earlyMinutes: 5 } });
    e.apply([ev('callback.scheduled', { ts: SAID, at: THREE_PM })], ARRIVAL);
    const due = Date.parse(THREE_PM);
    let out = emptyChanges();
    e.expireCallbacks(due + 30 * M, out);
    expect(out.callbacks.size).toBe(0);
    out = emptyChanges();
    e.expireCallbacks(due + 30 * M + 1, out);
    expect([...out.callbacks.values()]).toEqual([
      expect.objectContaining({ customer_id: C, kept_at: null, missed: true }),
    ]);
    expect(out.callbackCounts).toEqual({ scheduled: 0, kept: 0, missed: 1 });
    expect(out.profiles.has(e.profiles.get(C)!)).toBe(true);
    expect(e.profiles.get(C)!.callback).toBeNull();
    // Missed once: a later sweep finds nothing, a later call keeps nothing.
    out = emptyChanges();
    e.expireCallbacks(due + 90 * M, out);
    e.apply([ev('call.started', { ts: iso(due + 31 * M) })], ARRIVAL, out);
    expect(out.callbacks.size).toBe(0);
  });

  it('the engine emits the callback a live turn asks for, before the turn', () => {
    const { e, emitted } = engine();
    e.turn(turn('call-cb', '下午三点再打吧'));
    const [first, said] = emitted;
    expect(first).toMatchObject({
      type: 'callback.scheduled',
      customer_id: 'c-1',
      call_id: 'call-cb',
      source: 'customer',
      at: '2026-03-11T07:00:00.000Z',
    });
    expect(said).toMatchObject({ type: 'dialog.turn', speaker: 'customer' });
    expect(first!.event_id).toBe(`callback:${said!.event_id}`);
    expect(parseEvent(first).ok).toBe(true);
    emitted.length = 0;
    e.turn(turn('call-cb', '好的'));
    expect(emitted.map((x) => x.type)).not.toContain('callback.scheduled');
  });

  it('the loader merges the rows of a callback from several commits: kept or missed stays so', () => {
    const row = {
      event_id: 'cb-9',
      customer_id: C,
      call_id: null,
      due_at: THREE_PM,
      source: 'agent',
      scheduled_at: SAID,
      kept_at: null,
      kept_by: null,
      missed: false,
    };
    const kept = { ...row, kept_at: '2026-11-20T07:01:00Z', kept_by: 'call-9' };
    expect(mergeCallbacks([row, kept, row])).toEqual([kept]);
    expect(mergeCallbacks([row, { ...row, event_id: 'cb-10', missed: true }])).toHaveLength(2);
  });
});
