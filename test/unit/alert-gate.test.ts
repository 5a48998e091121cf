// The daily baseline tier, the pooled rate baseline and the significance gate
// of deviation alerts: table tests, then a simulated week of binomial hours
// with a daily rhythm (steady, a 30% drop with volume, the same drop on little).
import { describe, expect, it } from 'vitest';
import {
  alertRuleSchema,
  baseline,
  evaluate,
  rateZ,
  RATE_TRIALS,
  type AlertRule,
  type AlertState,
  weekendIn,
  type HourPoint,
} from '../../src/analytics/alerts/index.js';
import { ALERT_KPIS, KPIS } from '../../src/analytics/kpis/index.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const WEEK = 7 * DAY;
// Monday 2025-03-10 14:30 UTC: the window is 13:30–14:30, half of each hour.
const NOW = new Date('2025-03-10T14:30:00Z');
const at = (msAgo: number): Date => new Date(NOW.getTime() - msAgo);

describe('baseline: weekends judged against weekends', () => {
  const weekend = weekendIn('Asia/Shanghai');
  // Saturday 2025-03-15 10:30 in Shanghai; the same hours of the five weekdays before answer at 0.3.
  const SAT = new Date('2025-03-15T02:30:00Z');
  const before = (days: number, value: number): HourPoint[] =>
    [1, 2].map((h) => ({
      at: new Date(SAT.getTime() - days * DAY - h * HOUR + HOUR),
      value,
      trials: 100,
    }));
  const weekdays = [1, 2, 3, 4, 5].flatMap((d) => before(d, 0.3));

  it('tells the floor’s weekend by its own clock', () => {
    expect(weekend(SAT.getTime())).toBe(true);
    // Friday 23:30 UTC is Saturday 07:30 in Shanghai.
    expect(weekend(Date.parse('2025-03-14T23:30:00Z'))).toBe(true);
    expect(weekend(Date.parse('2025-03-14T15:30:00Z'))).toBe(false);
  });

  it('has no baseline for the first weekend rather than the weekdays’', () => {
    expect(baseline(weekdays, SAT, { weeks: 4 })?.value).toBeCloseTo(0.3, 10);
    expect(baseline(weekdays, SAT, { weeks: 4, weekend })).toBeUndefined();
  });

  it('judges a weekend hour by the weekends before it, a weekday hour by weekdays', () => {
    const history = [
      ...weekdays, // Monday to Friday of the first week: 0.3
      ...before(0, 0.05), // the first Saturday
      ...before(-1, 0.07), // the first Sunday
      ...[-2, -3, -4, -5, -6].flatMap((d) => before(d, 0.3)), // the second week's weekdays
    ];
    const saturday2 = baseline(history, new Date(SAT.getTime() + 7 * DAY), { weeks: 4, weekend });
    expect(saturday2?.method).toBe('daily');
    expect(saturday2?.value).toBeCloseTo(0.06, 10);
    const monday = baseline(history, new Date(SAT.getTime() + 2 * DAY), { weeks: 4, weekend });
    expect(monday?.value).toBeCloseTo(0.3, 10);
  });
});

describe('baseline: the daily tier and pooled rates', () => {
  const cases: {
    name: string;
    history: HourPoint[];
    now?: Date;
    want: { value: number; method: string; trials?: number } | undefined;
  }[] = [
    {
      name: 'fewer than two weekly points: the same hours of the last 7 days, pooled',
      history: [
        { at: at(WEEK), value: 0.9, trials: 10 }, // one weekly point: also day 7
        { at: at(DAY), value: 0.3, trials: 100 },
        { at: at(2 * DAY), value: 0.1, trials: 100 },
      ],
      // (0.9·10 + 0.3·100 + 0.1·100) / 210, worth its 210 dials (equal weights).
      want: { value: 49 / 210, method: 'daily', trials: 210 },
    },
    {
      name: 'the window spans two clock hours: each weighs its share of the window',
      history: [
        { at: at(DAY), value: 0.3, trials: 100 }, // 14:00, yesterday
        { at: at(DAY + HOUR), value: 0.1, trials: 100 }, // 13:00, yesterday
        { at: at(2 * DAY), value: 0.3, trials: 100 },
        { at: at(2 * DAY + HOUR), value: 0.1, trials: 100 },
        { at: at(2 * DAY + 2 * HOUR), value: 0.9, trials: 100 }, // 12:00: not in the window
      ],
      want: { value: 0.2, method: 'daily', trials: 400 },
    },
    {
      name: 'on the hour the window is all of the hour before',
      now: new Date('2025-03-10T14:00:00Z'),
      history: [
        { at: new Date('2025-03-09T14:00:00Z'), value: 0.9, trials: 100 },
        { at: new Date('2025-03-09T13:00:00Z'), value: 0.1, trials: 100 },
        { at: new Date('2025-03-08T13:00:00Z'), value: 0.2, trials: 100 },
      ],
      want: { value: 0.15, method: 'daily', trials: 200 },
    },
    {
      name: 'pooled, not a median of hourly rates: thin hours weigh little',
      history: [
        { at: at(DAY), value: 0, trials: 2 },
        { at: at(2 * DAY), value: 0, trials: 3 },
        { at: at(3 * DAY), value: 0.3, trials: 200 },
      ],
      want: { value: 60 / 205, method: 'daily' },
    },
    {
      name: 'a rate over no trials is no point; days past a week are ignored',
      history: [
        { at: at(DAY), value: 0, trials: 0 },
        { at: at(2 * DAY), value: 0.2, trials: 50 },
        { at: at(8 * DAY), value: 0.2, trials: 50 },
        { at: at(HOUR), value: 0.4, trials: 50 },
      ],
      // One daily point: the EWMA over the three usable hours, pooled.
      want: { value: (0.49 * 10 + 0.21 * 10 + 0.3 * 20) / 50, method: 'ewma' },
    },
    {
      name: 'a KPI without trials takes the median of each day’s blended value',
      history: [
        { at: at(DAY), value: 10 },
        { at: at(DAY + HOUR), value: 30 },
        { at: at(2 * DAY), value: 100 },
        { at: at(3 * DAY), value: 40 },
      ],
      want: { value: 40, method: 'daily' },
    },
  ];
  it.each(cases)('$name', ({ history, now, want }) => {
    const got = baseline(history, now ?? NOW, { weeks: 4 });
    expect(got?.method).toBe(want?.method);
    expect(got?.value).toBeCloseTo(want!.value, 10);
    if (want?.trials !== undefined) expect(got?.trials).toBeCloseTo(want.trials, 6);
  });
});

describe('rateZ', () => {
  it.each([
    { rate: 0.21, n: 100, base: 0.3, baseN: Infinity, want: -0.09 / Math.sqrt(0.0021) },
    { rate: 0.21, n: 100, base: 0.3, baseN: 100, want: -0.09 / Math.sqrt(0.0042) },
    { rate: 0.3, n: 5, base: 0.3, baseN: 100, want: 0 },
    { rate: 0.1, n: 0, base: 0.3, baseN: 100, want: 0 },
  ])('$rate on $n vs $base on $baseN', ({ rate, n, base, baseN, want }) => {
    expect(rateZ(rate, n, base, baseN)).toBeCloseTo(want, 9);
  });
});

const rule = (over: Partial<AlertRule> = {}): AlertRule =>
  alertRuleSchema.parse({ id: 'connect', metric: 'connectRate', direction: 'drop', ...over });

describe('evaluate: the significance gate', () => {
  const cases: {
    name: string;
    rule?: Partial<AlertRule>;
    current: { value: number; trials?: number };
    base: { value: number; trials?: number };
    fires: boolean;
  }[] = [
    {
      name: '30% drop on 1,000 dials against 4,000: fires',
      current: { value: 0.21, trials: 1000 },
      base: { value: 0.3, trials: 4000 },
      fires: true,
    },
    {
      name: 'the same drop on 40 dials: noise, quiet',
      current: { value: 0.21, trials: 40 },
      base: { value: 0.3, trials: 4000 },
      fires: false,
    },
    {
      name: 'the same drop on 40 dials with the gate off (minZ 0): fires',
      rule: { minZ: 0 },
      current: { value: 0.21, trials: 40 },
      base: { value: 0.3, trials: 4000 },
      fires: true,
    },
    {
      name: 'significant but under the threshold: quiet',
      current: { value: 0.27, trials: 100_000 },
      base: { value: 0.3, trials: 100_000 },
      fires: false,
    },
    {
      name: 'a thin baseline weakens the evidence: 1,000 dials against 50',
      current: { value: 0.21, trials: 1000 },
      base: { value: 0.3, trials: 50 },
      fires: false,
    },
    {
      name: 'no trials (not a rate): the threshold alone',
      current: { value: 0.21 },
      base: { value: 0.3 },
      fires: true,
    },
  ];
  it.each(cases)('$name', ({ rule: over, current, base, fires }) => {
    const out = evaluate(rule(over), 'south', { ...current, volume: 40 }, base, undefined, NOW);
    expect(out.transition).toBe(fires ? 'fired' : undefined);
  });

  it('once open, stays open while off by the threshold, however thin; resolves when back', () => {
    const base = { value: 0.3, trials: 4000 };
    const open = evaluate(
      rule(),
      'south',
      { value: 0.2, volume: 1000, trials: 1000 },
      base,
      undefined,
      NOW,
    );
    expect(open.transition).toBe('fired');
    const thin = evaluate(
      rule(),
      'south',
      { value: 0.2, volume: 30, trials: 30 },
      base,
      open.state,
      NOW,
    );
    expect(thin.transition).toBeUndefined();
    expect(thin.state.status).toBe('open');
    const back = evaluate(
      rule(),
      'south',
      { value: 0.29, volume: 30, trials: 30 },
      base,
      thin.state,
      NOW,
    );
    expect(back.transition).toBe('resolved');
  });
});

/** mulberry32: a seeded uniform [0, 1) so the simulated week is the same on every run. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// An answer rate by hour of the day, as the twin's segments have it (0.02 at night, 0.34 at peaks).
const RATES = [
  0.02, 0.02, 0.02, 0.02, 0.02, 0.02, 0.02, 0.25, 0.3, 0.33, 0.1, 0.07, 0.34, 0.14, 0.07, 0.07,
  0.07, 0.3, 0.16, 0.07, 0.05, 0.04, 0.02, 0.02,
];
const START = Date.parse('2025-03-03T00:00:00Z');

/**
 * A week of hourly dials (`volume` an hour from 08:00 to 21:00, none else)
 * answered at RATES, times `factor` from `dropAt` on; evaluated on each whole
 * hour from day 2 (the window is the hour just ended). Returns the hours
 * (since START) at which it fired.
 */
function week(opts: { volume: number; factor: number; dropAt: number; minZ?: number }): number[] {
  const rand = random(7);
  const r = rule({ minZ: opts.minZ ?? 4 });
  const history: HourPoint[] = [];
  const fired: number[] = [];
  let state: AlertState | undefined;
  for (let h = 0; h < 7 * 24; h++) {
    const hourOfDay = h % 24;
    const n = hourOfDay >= 8 && hourOfDay < 21 ? opts.volume : 0;
    const p = RATES[hourOfDay]! * (h >= opts.dropAt ? opts.factor : 1);
    let answered = 0;
    for (let i = 0; i < n; i++) if (rand() < p) answered++;
    const now = new Date(START + (h + 1) * HOUR);
    if (n > 0 && h >= 48) {
      const base = baseline(history, now, { weeks: 4 });
      const current = { value: answered / n, volume: n, trials: n };
      const out = evaluate(r, 'south', current, base, state, now);
      state = out.state;
      if (out.transition === 'fired') fired.push(h);
    }
    if (n > 0) history.push({ at: new Date(START + h * HOUR), value: answered / n, trials: n });
  }
  return fired;
}

describe('a simulated week', () => {
  const DROP = 3 * 24 + 9; // day 3, 09:00
  it('steady and noisy: never fires at 40 or 2,000 dials an hour (and would without the gate)', () => {
    expect(week({ volume: 40, factor: 1, dropAt: Infinity })).toEqual([]);
    expect(week({ volume: 2000, factor: 1, dropAt: Infinity })).toEqual([]);
    expect(week({ volume: 40, factor: 1, dropAt: Infinity, minZ: 0 }).length).toBeGreaterThan(5);
  });

  it('a 30% drop with 2,000 dials an hour fires within 2 hours of its start, not before', () => {
    const fired = week({ volume: 2000, factor: 0.7, dropAt: DROP });
    expect(fired.length).toBeGreaterThan(0);
    expect(fired[0]).toBeGreaterThanOrEqual(DROP);
    expect(fired[0]).toBeLessThan(DROP + 2);
  });

  it('the same drop on 40 dials an hour is not told from noise', () => {
    expect(week({ volume: 40, factor: 0.7, dropAt: DROP })).toEqual([]);
  });

  it('every alertable rate KPI names its trials', () => {
    const rates = ALERT_KPIS.filter((k) => KPIS[k].format === 'percent');
    expect(rates.length).toBeGreaterThan(0);
    expect(rates.filter((k) => !RATE_TRIALS[k])).toEqual([]);
  });
});
