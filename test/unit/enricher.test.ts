import { describe, expect, it } from 'vitest';
import { parseEvent, type DialwiseEvent } from '../../src/core/events/index.js';
import { callKey, contactsInWeek, idHash } from '../../src/pipelines/index.js';
import { eventFixtures } from '../helpers/fixtures.js';
import { keywordEnricher } from '../helpers/enricher.js';

const fx = eventFixtures();
let n = 0;
const ev = (type: string, patch: Record<string, unknown> = {}): DialwiseEvent => {
  const r = parseEvent({ ...fx.get(type), event_id: `test-event-${++n}`, ...patch });
  if (!r.ok) throw new Error(r.reason);
  return r.event;
};
const NOW = Date.parse('2026-11-21T12:00:00Z');
const enricher = () => keywordEnricher({ dedupeWindow: 4, latenessMs: 3_600_000 });
const C = 'cust-000042';

describe('Enricher', () => {
  it('drops a duplicate event id inside the per-customer window', () => {
    const e = enricher();
    const started = ev('call.started');
    const out = e.apply([started, started, ev('call.answered'), started], NOW);
    expect(out).toMatchObject({ accepted: 2, duplicates: 2 });
    expect(e.profiles.get(C)).toMatchObject({ calls: 1, answered: 1 });
  });

  it('marks a call picked up but dropped with nobody free as abandoned, not answered', () => {
    const e = enricher();
    const started = ev('call.started');
    const callId = (started as { call_id: string }).call_id;
    const out = e.apply(
      [
        started,
        ev('call.abandoned', { call_id: callId, customer_id: C }),
        ev('call.ended', { call_id: callId }),
      ],
      NOW,
    );
    expect(out.calls.get(callKey(callId, C))).toMatchObject({ answered: false, abandoned: true });
    expect(e.profiles.get(C)).toMatchObject({ calls: 1, answered: 0 });
  });

  it('reaches the same profile whatever the arrival order', () => {
    const events = [
      ev('customer.updated', {
        ts: '2026-11-19T10:00:00Z',
        fields: { customer_tier: 'B', industry: 'retail' },
      }),
      ev('customer.updated', { ts: '2026-11-20T10:00:00Z', fields: { customer_tier: 'A' } }),
      ev('call.started'),
      ev('call.answered'),
      ev('dialog.turn', { text: '太贵了，这个价格我接受不了' }),
      ev('call.ended', { outcome: 'callback' }),
      ev('web.visit', { page: '/pricing' }),
      ev('consent.changed', { customer_id: C, ts: '2026-11-20T11:00:00Z', granted: false }),
      ev('consent.changed', { customer_id: C, ts: '2026-11-20T12:00:00Z', granted: true }),
    ];
    // Scores are computed as of each turn, from what was known then: they may differ.
    // The dialog score follows the live call (the newest turns weigh most), so it depends on order.
    const strip = (p: object) => ({
      ...p,
      recent_ids: [],
      last_event_at: null,
      intent_score: 0,
      dialog_score: 0,
    });
    const forward = enricher();
    forward.apply(events, NOW);
    const backward = enricher();
    backward.apply([...events].reverse(), NOW);
    expect(strip(backward.profiles.get(C)!)).toEqual(strip(forward.profiles.get(C)!));
    expect(forward.profiles.get(C)).toMatchObject({
      crm: { customer_tier: 'A', industry: 'retail' },
      consent: { 'call/all': { granted: true, ts: '2026-11-20T12:00:00Z' } },
      outcomes: { callback: 1 },
      objections: { price: 1 },
      open_calls: {},
    });
  });

  it('counts a late event in the facts and flags it, without letting it overwrite newer CRM fields', () => {
    const e = enricher();
    e.apply(
      [ev('customer.updated', { ts: '2026-11-20T10:00:00Z', fields: { customer_tier: 'A' } })],
      NOW,
    );
    const out = e.apply(
      [
        ev('customer.updated', { ts: '2026-11-20T07:00:00Z', fields: { customer_tier: 'C' } }),
        ev('dialog.turn', { ts: '2026-11-20T08:00:00Z' }),
      ],
      NOW,
    );
    expect(out.late).toBe(2);
    expect(out.turns).toHaveLength(1);
    expect(out.turns[0]!.late).toBe(true);
    expect(e.profiles.get(C)!.crm.customer_tier).toBe('A');
  });

  it('clamps an event from a clock far ahead to the arrival time', () => {
    const e = enricher();
    e.apply([ev('web.visit', { ts: '2027-01-01T00:00:00Z', page: '/pricing' })], NOW);
    expect(e.profiles.get(C)!.last_visit_at).toBe(new Date(NOW).toISOString());
  });

  it('keeps contact attempts of the last 7 days only, at the window edge too', () => {
    const e = enricher();
    const start = (id: string, ts: string) => ev('call.started', { call_id: id, ts });
    e.apply(
      [
        start('a', '2026-11-10T09:00:00Z'),
        start('b', '2026-11-14T12:00:00Z'),
        start('c', '2026-11-18T09:00:00Z'),
        start('d', '2026-11-21T11:00:00Z'),
      ],
      NOW - 1,
    );
    const p = e.profiles.get(C)!;
    expect(p.touches.map((t) => [t.at, t.channel])).toEqual([
      ['2026-11-14T12:00:00Z', 'call'],
      ['2026-11-18T09:00:00Z', 'call'],
      ['2026-11-21T11:00:00Z', 'call'],
    ]);
    expect(contactsInWeek(p, NOW - 1)).toBe(3);
    expect(contactsInWeek(p, NOW)).toBe(2); // 2026-11-14T12:00 is now exactly 7 days old: outside
    expect(e.profile(C, NOW - 1)!.tags).toContain('contact_cap_reached');
  });

  it('enriches customer turns, scores the call on every turn, and flags risky bot promises', () => {
    const e = enricher();
    const t = (turn: number, speaker: string, text: string) =>
      ev('dialog.turn', { turn, speaker, text, ts: `2026-11-20T09:15:${10 + turn}Z` });
    const first = e.apply(
      [ev('call.started'), ev('call.answered'), t(1, 'customer', '听起来不错，价格多少？')],
      NOW,
    );
    const score1 = first.calls.get(callKey('call-20261120-0001', C))!.intent_score!;
    const out = e.apply(
      [t(2, 'bot', '这个产品保本保收益，稳赚不赔'), t(3, 'customer', '好的，我要办理')],
      NOW,
    );
    const call = out.calls.get(callKey('call-20261120-0001', C))!;
    expect(call.intent_score!).toBeGreaterThan(score1);
    expect(call.compliance_hits).toBeGreaterThanOrEqual(1);
    expect(out.hits[0]).toMatchObject({ speaker: 'bot', call_id: 'call-20261120-0001' });
    expect(out.turns.find((r) => r.turn === 3)).toMatchObject({
      speaker: 'customer',
      out_of_scope: false,
    });
    expect(e.profiles.get(C)!.intent_score).toBeGreaterThan(0);
  });

  it('does not reopen a call when one of its events arrives after the end', () => {
    const e = enricher();
    e.apply([ev('call.started'), ev('call.ended')], NOW);
    const out = e.apply([ev('call.transferred')], NOW);
    expect(e.profiles.get(C)!.open_calls).toEqual({});
    expect(out.calls.get(callKey('call-20261120-0001', C))).toMatchObject({
      transferred_queue: 'wealth-advisors',
      outcome: null,
    });
  });

  it('tags from the rules: do_not_call on a revoked consent, price_sensitive on a price objection', () => {
    const e = enricher();
    e.apply(
      [
        ev('consent.changed', { customer_id: C }),
        ev('dialog.turn', { text: 'too expensive for us' }),
      ],
      NOW,
    );
    expect(e.profile(C, NOW)!.tags).toEqual(
      expect.arrayContaining(['do_not_call', 'price_sensitive']),
    );
  });
});

describe('Enricher voice', () => {
  const voice = (rate: number, pitch: number, t: number) =>
    ev('dialog.turn', {
      turn: t,
      text: '嗯，我知道了。',
      prosody: { pitch_hz: pitch, rate_sps: rate, pause_ratio: 0.2, energy_db: -24, speech_s: 2 },
    });

  it('flags a customer speeding up and rising in pitch against their own baseline', () => {
    const e = enricher();
    const out = e.apply(
      [ev('call.started'), voice(4.4, 150, 1), voice(4.6, 152, 3), voice(7, 205, 5)],
      NOW,
    );
    const [first, second, third] = out.turns;
    // No baseline yet for the first two: text alone, which is neutral here.
    expect(first).toMatchObject({ impatience: 0, emotion: 'neutral' });
    expect(second).toMatchObject({ impatience: 0, emotion: 'neutral' });
    expect(third!.impatience).toBeGreaterThan(0.5);
    expect(third).toMatchObject({ emotion: 'impatient' });
    expect(third!.valence).toBeLessThan(0);
    const call = [...out.calls.values()][0]!;
    expect(call.peak_impatience).toBe(third!.impatience);
    expect(e.profiles.get(C)!.last_emotion).toBe('impatient');
  });

  it('stays calm for a steady voice', () => {
    const e = enricher();
    const out = e.apply(
      [ev('call.started'), voice(4.4, 150, 1), voice(4.6, 152, 3), voice(4.5, 149, 5)],
      NOW,
    );
    expect(out.turns.at(-1)!.impatience).toBeLessThan(0.2);
    expect(out.turns.at(-1)!.emotion).toBe('neutral');
  });
});

describe('idHash', () => {
  it('is stable, a safe integer, and tells apart ids that differ in one character', () => {
    const ids = Array.from(
      { length: 50_000 },
      (_, i) => `0b6f1c3e-5a8e-4a43-9f0d-${String(i).padStart(12, '0')}`,
    );
    const hashes = ids.map(idHash);
    expect(new Set(hashes).size).toBe(ids.length);
    expect(hashes.every(Number.isSafeInteger)).toBe(true);
    expect(idHash(ids[7]!)).toBe(hashes[7]);
  });
});
