import { describe, expect, it } from 'vitest';
import type { DialwiseEvent } from '../../src/core/events/index.js';
import { loadScripts } from '../../src/decision/index.js';
import { customerView } from '../helpers/decision.js';
import { check, engine, json, T0, turn } from '../helpers/decision-engine.js';

describe('decision engine', () => {
  it('records both sides of every turn as events and logs each decision with its propensity', () => {
    const { e, emitted, logged } = engine();
    const d = e.turn(turn('call-1', '你好'));
    expect(d.action).toBe('say');
    expect(emitted.map((x) => [x.type, x.type === 'dialog.turn' && x.speaker])).toEqual([
      ['dialog.turn', 'customer'],
      ['dialog.turn', 'bot'],
    ]);
    const bot = emitted[1] as Extract<DialwiseEvent, { type: 'dialog.turn' }>;
    expect(bot.text).toBe(d.text);
    expect(logged).toHaveLength(1);
    expect(logged[0]).toMatchObject({ decision_id: d.decision_id, variant: d.variant });
    expect(logged[0]!.propensity).toBeGreaterThan(0);
    expect(logged[0]!.propensity).toBeLessThanOrEqual(1);
  });

  it('keeps a call on the script version it started with when a new version rolls out', () => {
    const { e, scripts } = engine();
    const first = e.turn(turn('call-old', '你好'));
    const v2 = structuredClone(json('scripts.json'));
    v2.version = '2026-11-30';
    // Both forms: the call's tone may be the concise one (scripts/tone-choice.ts).
    for (const node of Object.values<{ variants: { text: string; concise?: string }[] }>(v2.nodes))
      for (const v of node.variants) {
        v.text = `【新版】${v.text}`;
        if (v.concise) v.concise = `【新版】${v.concise}`;
      }
    scripts.add(loadScripts(v2, check));
    const later = e.turn(turn('call-old', '是我，我是负责人'));
    expect(first.script_version).toBe('2026-12-06');
    expect(later.script_version).toBe('2026-12-06');
    expect(later.text.startsWith('【新版】')).toBe(false);
    const fresh = e.turn(turn('call-new', '你好'));
    expect(fresh.script_version).toBe('2026-11-30');
    expect(fresh.text.startsWith('【新版】')).toBe(true);
  });

  it('switches to the concise line when the customer grows impatient', () => {
    const { e } = engine();
    e.turn(turn('call-c', '你好'));
    const d = e.turn(turn('call-c', '说重点，我很忙'));
    expect(d.concise).toBe(true);
  });

  it('falls back and alerts when no agent picks up within 30 s', () => {
    const { e, alerts, pushed, clock } = engine();
    const d = e.turn(turn('call-t', '我想找人工客服聊聊'));
    expect(d.action).toBe('transfer');
    expect(pushed).toEqual([d.transfer]);
    expect(d.transfer!.agent).toMatch(/^agent-/);
    expect(d.transfer!.pickup_deadline).toBe(new Date(T0 + 30_000).toISOString());
    clock.advance(29_000);
    expect(alerts).toEqual([]);
    clock.advance(2_000);
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatch(/no agent in queue .* picked up call call-t within 30s/);
    // request_human goes to the general queue, whose fallback is to let the bot go on.
    expect(d.transfer!.queue).toBe('general');
    expect(e.context('call-t')!.fallback).toBe('bot_continue');
  });

  it('does not alert when the agent picks up in time', () => {
    const { e, alerts, clock } = engine();
    const d = e.turn(turn('call-p', '我想找人工客服聊聊'));
    e.pickedUp('call-p', d.transfer!.agent!);
    clock.advance(60_000);
    expect(alerts).toEqual([]);
    expect(e.context('call-p')!.handoff!.agent).toBe(d.transfer!.agent);
  });

  it('alerts at once when nobody in the queue is available', () => {
    const { e, alerts } = engine({
      agents: [{ id: 'agent-x', queues: ['general'], languages: ['zh'], available: false }],
    });
    const d = e.turn(turn('call-n', '我想找人工客服聊聊'));
    expect(d.transfer!.agent).toBeNull();
    expect(alerts).toHaveLength(1);
  });

  it('rewards the variants a call heard when it converts, and frees the call', () => {
    const { e } = engine();
    const d = e.turn(turn('call-r', '你好'));
    e.observe([
      {
        event_id: 'e-1',
        type: 'call.ended',
        ts: new Date(T0).toISOString(),
        schema_version: 1,
        customer_id: 'c-1',
        call_id: 'call-r',
        duration_s: 60,
        outcome: 'converted',
      },
    ]);
    const row = e
      .experimentReport(d.script_id, 'manufacturing/none')
      .find((r) => r.variant === d.variant)!;
    expect(row).toMatchObject({ trials: 1, conversions: 1 });
    expect(e.context('call-r')).toBeUndefined();
  });

  it('slows pacing when abandoned calls arrive in the event stream', () => {
    const { e } = engine();
    const t0 = T0 - 120_000;
    const calls = (type: 'call.answered' | 'call.abandoned', n: number, atMs: number) =>
      Array.from({ length: n }, (_, i): DialwiseEvent => {
        const base = {
          schema_version: 1 as const,
          customer_id: 'c-1',
          ts: new Date(atMs).toISOString(),
          event_id: `${type}-${atMs}-${i}`,
          call_id: `${type}-${atMs}-${i}`,
        };
        return type === 'call.abandoned' ? { ...base, type, wait_s: 2 } : { ...base, type };
      });
    e.observe(calls('call.answered', 200, t0));
    const steady = e.next(1).pacingRatio;
    // Pacing adjusts at most every 30 s: by the next adjustment 31 of 231 picked up were
    // dropped, over the 3% ceiling.
    e.observe(calls('call.abandoned', 30, t0 + 31_000));
    e.observe(calls('call.abandoned', 1, t0 + 62_000));
    expect(e.next(1).pacingRatio).toBeLessThan(steady);
  });

  it('revokes consent in the same decision when the flow ends in do_not_call with no opt-out heard', () => {
    // A campaign stricter than the default: two refusals put the customer on do-not-call.
    const flow = json('dialog-flow.json');
    const rule = flow.global.find(
      (t: { when: { intent?: string } }) => t.when.intent === 'not_interested',
    );
    rule.to = 'do_not_call';
    const { e, emitted } = engine({ flow });
    e.turn(turn('call-d', '不需要，谢谢'));
    const d = e.turn(turn('call-d', '不需要，谢谢'));
    expect(d).toMatchObject({ action: 'end', state: 'do_not_call' });
    expect(emitted.find((x) => x.type === 'consent.changed')).toMatchObject({
      scope: 'call',
      granted: false,
      customer_id: 'c-1',
    });
  });

  it('takes its time from the injected clock, read once per request', () => {
    const { e, emitted, logged, clock } = engine({
      candidates: [
        customerView({
          customerId: 'c-9',
          crm: { industry: 'software', timezone: 'Asia/Shanghai' },
        }),
      ],
    });
    e.turn(turn('call-k', '你好'));
    const at = new Date(T0).toISOString();
    expect(emitted.map((x) => x.ts)).toEqual([at, at]);
    expect(logged[0]!.ts).toBe(at);
    // Wed 10:00 in Shanghai is inside the calling windows, 22:00 is not.
    expect(e.next(5).next.map((r) => r.customerId)).toEqual(['c-9']);
    clock.advance(12 * 3_600_000);
    expect(e.next(5)).toMatchObject({ next: [], skipped: { outside_window: 1 } });
    e.turn(turn('call-k', '你好'));
    // The offer at 10:00 was logged as a dial decision at that time; nothing for the empty answer.
    expect(logged.map((l) => [l.kind, l.ts])).toEqual([
      ['turn', at],
      ['dial', at],
      ['turn', new Date(T0 + 12 * 3_600_000).toISOString()],
    ]);
  });

  it('rejects a call id reused for another customer', () => {
    const { e } = engine();
    e.turn(turn('call-z', '你好'));
    expect(() => e.turn({ ...turn('call-z', '你好'), customer_id: 'c-2' })).toThrow(
      /belongs to customer c-1/,
    );
  });

  it('gives a high-value customer a human follow-up task when the bot ends the call (hybrid mode)', () => {
    const vip = engine({ customer: { tags: ['vip'] } });
    const d = vip.e.turn(turn('call-h', '你打错了，不是我'));
    expect(d).toMatchObject({ action: 'end', follow_up: { queue: 'key_accounts' } });
    expect(d.follow_up!.agent).toMatch(/^agent-/);
    expect(d.follow_up!.due_at).toBe(new Date(T0 + 4 * 3_600_000).toISOString());
    const plain = engine().e.turn(turn('call-h', '你打错了，不是我'));
    expect(plain.action).toBe('end');
    expect(plain.follow_up).toBeUndefined();
  });
});
