import { describe, expect, it } from 'vitest';
import {
  acknowledge,
  alertRuleSchema,
  baseline,
  evaluate,
  slackMessage,
  type AlertRule,
  type AlertState,
} from '../../src/analytics/alerts/index.js';

const HOUR = 3_600_000;
const WEEK = 168 * HOUR;
// Monday 2025-03-10 14:30 UTC.
const NOW = new Date('2025-03-10T14:30:00Z');
const at = (msAgo: number): Date => new Date(NOW.getTime() - msAgo);
const minutesLater = (d: Date, m: number): Date => new Date(d.getTime() + m * 60_000);

const rule = (over: Partial<AlertRule> = {}): AlertRule =>
  alertRuleSchema.parse({ id: 'conv-drop', metric: 'conversionRate', ...over });

describe('alertRuleSchema', () => {
  it('fills the defaults and rejects unknown keys', () => {
    expect(rule()).toEqual({
      id: 'conv-drop',
      metric: 'conversionRate',
      dimension: null,
      threshold: 0.2,
      direction: 'both',
      weeks: 4,
      cooldownMinutes: 60,
      minVolume: 20,
      minZ: 4,
      enabled: true,
    });
    expect(
      alertRuleSchema.safeParse({ id: 'x', metric: 'calls', extra: 1, dimension: null }).success,
    ).toBe(false);
    expect(alertRuleSchema.safeParse({ id: 'x', metric: 'revenue', dimension: null }).success).toBe(
      false,
    );
  });
});

describe('baseline', () => {
  const cases: {
    name: string;
    history: { at: Date; value: number }[];
    weeks: number;
    want: { value: number; method: 'seasonal' | 'ewma' } | undefined;
  }[] = [
    {
      name: 'median of the same hour-of-week, other hours ignored',
      history: [
        { at: at(1 * WEEK), value: 10 },
        { at: at(2 * WEEK), value: 30 },
        { at: at(3 * WEEK), value: 20 },
        // Two hours before: outside the 60-minute window (the hour before is in it, see below).
        { at: at(3 * WEEK + 2 * HOUR), value: 1000 },
        { at: at(HOUR), value: 500 },
      ],
      weeks: 4,
      want: { value: 20, method: 'seasonal' },
    },
    {
      name: 'even count: mean of the middle two; weeks beyond the window ignored',
      history: [
        { at: at(1 * WEEK), value: 10 },
        { at: at(2 * WEEK), value: 20 },
        { at: at(3 * WEEK), value: 40 },
        { at: at(4 * WEEK), value: 50 },
        { at: at(5 * WEEK), value: 9999 },
      ],
      weeks: 4,
      want: { value: 30, method: 'seasonal' },
    },
    {
      name: 'EWMA over all earlier hours (oldest first) with one seasonal point',
      history: [
        { at: at(HOUR), value: 20 },
        { at: at(1 * WEEK), value: 10 },
        { at: at(2 * HOUR), value: 10 },
      ],
      weeks: 4,
      // 10 → 10 → 0.3·20 + 0.7·10 = 13
      want: { value: 13, method: 'ewma' },
    },
    {
      name: 'points in the current hour do not count',
      history: [{ at: at(10 * 60_000), value: 99 }],
      weeks: 4,
      want: undefined,
    },
    { name: 'no history', history: [], weeks: 4, want: undefined },
  ];
  it.each(cases)('$name', ({ history, weeks, want }) => {
    const got = baseline(history, NOW, { weeks });
    if (want === undefined) expect(got).toBeUndefined();
    else {
      expect(got?.method).toBe(want.method);
      expect(got?.value).toBeCloseTo(want.value, 10);
    }
  });

  it('uses the UTC hour-of-week: two hours before, a week back, does not match', () => {
    const got = baseline(
      [
        { at: at(WEEK + 2 * HOUR), value: 1 },
        { at: at(2 * WEEK + 2 * HOUR), value: 1 },
      ],
      NOW,
      { weeks: 4 },
    );
    expect(got?.method).toBe('ewma');
  });
});

/** Runs evaluations in sequence, threading the state; returns each transition. */
function run(
  r: AlertRule,
  steps: { value: number; volume?: number; minutes: number; ack?: boolean }[],
  base = 0.1,
): { transitions: (string | undefined)[]; state: AlertState | undefined } {
  let state: AlertState | undefined;
  const transitions: (string | undefined)[] = [];
  for (const s of steps) {
    if (s.ack && state) state = acknowledge(state);
    const out = evaluate(
      r,
      'NORTH',
      { value: s.value, volume: s.volume ?? 100 },
      { value: base },
      state,
      minutesLater(NOW, s.minutes),
    );
    state = out.state;
    transitions.push(out.transition);
  }
  return { transitions, state };
}

describe('evaluate', () => {
  const cases: {
    name: string;
    rule?: Partial<AlertRule>;
    steps: { value: number; volume?: number; minutes: number; ack?: boolean }[];
    want: (string | undefined)[];
  }[] = [
    {
      name: 'a 25% drop fires once, the next evaluation stays quiet',
      steps: [
        { value: 0.075, minutes: 0 },
        { value: 0.075, minutes: 5 },
      ],
      want: ['fired', undefined],
    },
    { name: 'a 15% drop does not fire', steps: [{ value: 0.085, minutes: 0 }], want: [undefined] },
    {
      name: 'recovery resolves exactly once',
      steps: [
        { value: 0.07, minutes: 0 },
        { value: 0.098, minutes: 10 },
        { value: 0.1, minutes: 20 },
      ],
      want: ['fired', 'resolved', undefined],
    },
    {
      name: 'cooldown blocks an immediate re-fire after resolving and allows it later',
      steps: [
        { value: 0.07, minutes: 0 },
        { value: 0.1, minutes: 10 },
        { value: 0.07, minutes: 20 },
        { value: 0.07, minutes: 69 },
        { value: 0.07, minutes: 70 },
        { value: 0.07, minutes: 80 },
      ],
      want: ['fired', 'resolved', undefined, undefined, 'fired', undefined],
    },
    {
      name: 'minVolume: a thin hour neither fires nor resolves',
      steps: [
        { value: 0.05, volume: 19, minutes: 0 },
        { value: 0.05, volume: 20, minutes: 5 },
        { value: 0.1, volume: 3, minutes: 10 },
        { value: 0.1, volume: 50, minutes: 15 },
      ],
      want: [undefined, 'fired', undefined, 'resolved'],
    },
    {
      name: "direction 'rise' ignores drops but fires on a rise",
      rule: { direction: 'rise' },
      steps: [
        { value: 0.05, minutes: 0 },
        { value: 0.13, minutes: 5 },
      ],
      want: [undefined, 'fired'],
    },
    {
      name: "direction 'drop' ignores rises",
      rule: { direction: 'drop' },
      steps: [{ value: 0.2, minutes: 0 }],
      want: [undefined],
    },
    {
      name: 'exactly at the threshold fires',
      steps: [{ value: 0.08, minutes: 0 }],
      want: ['fired'],
    },
    {
      name: 'an acknowledged alert does not re-notify, even past the cooldown, then resolves once',
      steps: [
        { value: 0.07, minutes: 0 },
        { value: 0.07, minutes: 30, ack: true },
        { value: 0.06, minutes: 200 },
        { value: 0.1, minutes: 300 },
        { value: 0.1, minutes: 310 },
      ],
      want: ['fired', undefined, undefined, 'resolved', undefined],
    },
    {
      name: 'a disabled rule never fires',
      rule: { enabled: false },
      steps: [{ value: 0.01, minutes: 0 }],
      want: [undefined],
    },
  ];
  it.each(cases)('$name', ({ rule: over, steps, want }) => {
    expect(run(rule(over), steps).transitions).toEqual(want);
  });

  it('records the firing in the state; acknowledge only touches open alerts', () => {
    const { state } = run(rule(), [{ value: 0.075, minutes: 0 }]);
    expect(state).toMatchObject({
      ruleId: 'conv-drop',
      key: 'NORTH',
      status: 'open',
      firedAt: NOW,
      lastNotifiedAt: NOW,
      value: 0.075,
      baseline: 0.1,
    });
    expect(state!.deviation).toBeCloseTo(-0.25, 10);
    expect(acknowledge(state!).status).toBe('acknowledged');
    const resolved = { ...state!, status: 'resolved' as const };
    expect(acknowledge(resolved)).toBe(resolved);
  });

  it('no baseline (or a zero one) cannot fire', () => {
    for (const base of [undefined, 0]) {
      const out = evaluate(
        rule(),
        'all',
        { value: 5, volume: 100 },
        base === undefined ? base : { value: base },
        undefined,
        NOW,
      );
      expect(out.transition).toBeUndefined();
      expect(out.state.status).toBe('resolved');
    }
  });
});

describe('slackMessage', () => {
  const state = run(rule({ dimension: 'REGION' }), [{ value: 0.075, minutes: 0 }]).state!;
  const alert = {
    ...state,
    metric: 'conversionRate' as const,
    dimension: 'REGION' as const,
    threshold: 0.2,
  };

  it('describes a fired alert and links to the dashboard', () => {
    const msg = slackMessage(alert, 'fired', 'https://dash.example.com/');
    const json = JSON.stringify(msg);
    expect(msg.blocks[0]).toMatchObject({ type: 'header' });
    expect(msg.text).toContain('conversionRate');
    expect(json).toContain('NORTH');
    expect(json).toContain('7.5% vs 10.0%');
    expect(json).toContain('-25.0%');
    // The Overview of the last 24 hours, filtered to the alert's region.
    expect(json).toContain('"url":"https://dash.example.com/#/overview?range=24h&region=NORTH"');
    // And a button that acknowledges it from Slack (POST /slack/actions).
    const ack = (msg.blocks.at(-1) as { elements: { action_id: string; value?: string }[] })
      .elements[1]!;
    expect(ack.action_id).toBe('acknowledge');
    expect(JSON.parse(ack.value!)).toEqual({ rule: alert.ruleId, key: 'NORTH' });
    const resolved = JSON.stringify(slackMessage(alert, 'resolved', 'https://dash.example.com'));
    expect(resolved).not.toContain('acknowledge');
  });

  it('tells the time it fired in the reporting zone', () => {
    const fired = { ...alert, firedAt: new Date('2025-03-10T08:05:00Z') };
    expect(JSON.stringify(slackMessage(fired, 'fired', 'http://d', 'Asia/Shanghai'))).toContain(
      'fired 2025-03-10 16:05 Asia/Shanghai',
    );
    expect(JSON.stringify(slackMessage(fired, 'fired', 'http://d'))).toContain(
      'fired 2025-03-10 08:05 UTC',
    );
  });

  it('says when it is resolved', () => {
    const msg = slackMessage({ ...alert, status: 'resolved' }, 'resolved', 'http://d');
    expect(msg.text).toMatch(/resolved/i);
    expect(JSON.stringify(msg.blocks[0])).toMatch(/resolved/i);
  });
});
