import { describe, expect, it } from 'vitest';
import type { BotLine, CustomerAct } from '../../src/twin/world.js';
import {
  ContactAudit,
  alertFigures,
  compareToPeers,
  createWorld,
  loadScenario,
  localTime,
  runTwin,
  type ContactRules,
  type SimCustomer,
  type TwinReport,
} from '../../src/twin/index.js';
import { scriptedLine } from '../../src/twin/scripted-bot.js';
import { Tally, type CallRecord } from '../../src/twin/tally.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const scenario = loadScenario('config/scenarios/small-centre.json');
const START = Date.parse(scenario.start);
/** Calls allowed 09:00-18:00 local, at most 3 in 7 days. */
const rules: ContactRules = {
  inWindow: (c, at) => {
    const { hour } = localTime(c.timeZone, at);
    return hour >= 9 && hour < 18;
  },
  cap: { touches: 3, days: 7 },
};
const costs = { dial: 0.15, botMinute: 0.3, agentMinute: 2 };
const customer = (id: string, segment = 'factory_managers'): SimCustomer => ({
  id,
  segment,
  name: '王伟',
  phone: '+8613800000000',
  region: 'east',
  industry: '制造业',
  tier: 'mid',
  timeZone: 'Asia/Shanghai',
  productLine: 'loan',
  budget: 50_000,
  patience: 6,
  propensity: 0.2,
  voiceHz: 180,
});
/** START is midnight in Shanghai: this local hour on day `day`. */
const at = (day: number, hour: number, min = 0) => START + day * DAY + hour * HOUR + min * 60_000;

describe('ContactAudit', () => {
  it.each([
    { what: 'a dial in the window, under the cap', dials: [at(0, 10)], broke: [] },
    { what: 'a dial at 20:00', dials: [at(0, 20)], broke: ['outside_window'] },
    {
      what: 'a fourth dial within 7 days',
      dials: [at(0, 10), at(1, 10), at(2, 10), at(3, 10)],
      broke: ['frequency_cap'],
    },
    {
      what: 'a fourth dial once the first has left the 7 days',
      dials: [at(0, 10), at(1, 10), at(2, 10), at(7, 11)],
      broke: [],
    },
  ])('$what breaks $broke', ({ dials, broke }) => {
    const audit = new ContactAudit(rules);
    const c = customer('c1');
    const last = dials.map((t) => audit.dial(c, t)).at(-1);
    expect(last).toEqual(broke);
    expect(audit.total()).toBe(broke.length);
  });

  it('counts a dial after an opt-out (with its other breaches) and refuses one in allowed()', () => {
    const audit = new ContactAudit(rules);
    const c = customer('c1');
    expect(audit.allowed(c, at(0, 10), 'platform')).toBe(true);
    audit.dial(c, at(0, 10));
    audit.optOut(c.id, at(0, 10));
    audit.optOut(c.id, at(0, 11)); // the first opt-out is the one kept
    expect(audit.optedOutAt(c.id)).toBe(at(0, 10));
    expect(audit.allowed(c, at(1, 10), 'platform')).toBe(false);
    expect(audit.dial(c, at(1, 19))).toEqual(['after_opt_out', 'outside_window']);
    expect(audit.violations).toEqual({ frequency_cap: 0, outside_window: 1, after_opt_out: 1 });
    expect(audit.total()).toBe(2);
  });

  it.each([
    { hour: 8, windows: 'platform', ok: false },
    { hour: 19, windows: 'platform', ok: false },
    { hour: 19, windows: 'law', ok: true },
    { hour: 21, windows: 'law', ok: false },
    { hour: 10, windows: 'platform', ok: true },
  ] as const)('allowed() at $hour:00 under the $windows hours: $ok', ({ hour, windows, ok }) => {
    expect(new ContactAudit(rules).allowed(customer('c'), at(0, hour), windows)).toBe(ok);
  });

  it('allowed() refuses a customer at the cap', () => {
    const audit = new ContactAudit(rules);
    const c = customer('c');
    for (const d of [0, 1, 2]) audit.dial(c, at(d, 10));
    expect(audit.recent(c.id, at(3, 10))).toBe(3);
    expect(audit.allowed(c, at(3, 10), 'platform')).toBe(false);
    expect(audit.allowed(c, at(7, 11), 'platform')).toBe(true);
  });
});

describe('Tally', () => {
  const world = createWorld(scenario, 7);
  const record = (over: Partial<CallRecord>): CallRecord => ({
    customer: customer('c1'),
    atMs: at(0, 10),
    answered: true,
    scriptSeconds: 60,
    agentSeconds: 0,
    outcome: 'no_decision',
    lines: [],
    optOut: false,
    complaint: false,
    ...over,
  });

  it('reach, conversions, cost per contact, handoffs and the fallback share', () => {
    const t = new Tally(world, START);
    t.add(record({ answered: false, scriptSeconds: 25 }));
    t.add(record({ answered: false, scriptSeconds: 25, refused: 'frequency_cap' }));
    t.add(record({ outcome: 'converted', scriptSeconds: 120, agentSeconds: 60, handoff: 12 }));
    t.add(record({ handoff: 30 }));
    t.add(record({ handoff: null, optOut: true, complaint: true }));
    const r = t.report(costs);
    expect(r).toMatchObject({
      dials: 5,
      answered: 3,
      conversions: 1,
      reachRate: 0.6,
      conversionRate: 0.3333,
      refusedByPlatform: 1,
      transfers: 3,
      handoffP99Seconds: 30,
      handoffFallbackShare: 0.3333,
      optOuts: 1,
      complaints: 1,
    });
    // 5 dials, 290 bot seconds, 60 agent seconds.
    const cost = 5 * 0.15 + (290 / 60) * 0.3 + 1 * 2;
    expect(r.cost).toBeCloseTo(cost, 2);
    expect(r.costPerContact).toBeCloseTo(cost / 3, 3);
    expect(r.costPerConversion).toBeCloseTo(cost, 3);
    expect(r.daily).toEqual([{ day: 0, dials: 5, answered: 3, conversions: 1, reachRate: 0.6 }]);
  });

  it('no handoffs: p99 null, fallback share 0; no conversions: cost per conversion null', () => {
    const r = new Tally(world, START).report(costs);
    expect(r.handoffP99Seconds).toBeNull();
    expect(r.handoffFallbackShare).toBe(0);
    expect(r.costPerConversion).toBeNull();
  });

  it('bestVariantDay: the first day from which the best opening was spoken most; regret for the worse one', () => {
    const best = world.bestVariant('factory_managers', 'opening', START)!.variant;
    const worse = best === 'standard' ? 'warm' : 'standard';
    const spoken = (variant: string) => [{ script_id: 'opening', variant, concise: false }];
    const t = new Tally(world, START);
    t.add(record({ atMs: at(0, 10), lines: spoken(worse) }));
    t.add(record({ atMs: at(1, 10), lines: spoken(best) }));
    t.add(record({ atMs: at(1, 11), lines: spoken(worse) })); // day 1: half, not most
    t.add(record({ atMs: at(2, 10), lines: spoken(best) }));
    t.add(record({ atMs: at(3, 10), lines: spoken(best) }));
    const r = t.report(costs);
    expect(r.bestVariantDay['factory_managers/opening']).toBe(2);
    expect(r.regret).toBeGreaterThan(0);
    const again = new Tally(world, START);
    again.add(record({ atMs: at(0, 10), lines: spoken(best) }));
    again.add(record({ atMs: at(1, 10), lines: spoken(worse) }));
    expect(again.report(costs).bestVariantDay['factory_managers/opening']).toBeNull();
    expect(again.report(costs).regret).toBeGreaterThan(0);
  });
});

describe('scriptedLine', () => {
  const variantOf = (node: string) => `${node}-v`;
  const walk = (acts: CustomerAct[]) => {
    let prev: BotLine | undefined;
    return acts.map((a) => (prev = scriptedLine(prev, a, variantOf)));
  };

  it.each([
    { act: 'opt_out', node: 'do_not_call', action: 'end' },
    { act: 'complaint', node: 'do_not_call', action: 'end' },
    { act: 'ask_human', node: 'transfer_to_human', action: 'transfer' },
    { act: 'agree', node: 'end', action: 'end' },
    { act: 'reject', node: 'end', action: 'end' },
    { act: 'callback', node: 'callback_scheduling', action: 'end' },
    { act: 'ask_price', node: 'pricing', action: 'say' },
    { act: 'objection_price', node: 'objection_handling', action: 'say' },
  ] as const)('$act → $node ($action)', ({ act, node, action }) => {
    const l = scriptedLine(undefined, act, variantOf);
    expect(l).toMatchObject({ script_id: node, action, variant: `${node}-v` });
  });

  it('walks the funnel in order and ends after the close', () => {
    const lines = walk(['greet', 'neutral', 'interested', 'neutral', 'neutral', 'neutral']);
    expect(lines.map((l) => l.script_id)).toEqual([
      'opening',
      'needs_discovery',
      'product_pitch',
      'pricing',
      'closing',
      'end',
    ]);
    expect(lines.at(-1)!.action).toBe('end');
  });

  it('answers an objection, then goes back to the pitch', () => {
    const lines = walk(['greet', 'objection_competitor', 'neutral']);
    expect(lines.map((l) => l.script_id)).toEqual([
      'opening',
      'objection_handling',
      'product_pitch',
    ]);
  });
});

describe('alertFigures', () => {
  const start = at(3, 0);
  const anomalies = [
    { kind: 'connect_drop' as const, region: 'east', fromDay: 3, factor: 0.3, startMs: start },
  ];
  const alert = (key: string, minutesAfter: number | null, metric = 'connectRate') => ({
    ruleId: `${metric}-REGION`,
    key,
    metric,
    firedAt: minutesAfter === null ? null : new Date(start + minutesAfter * 60_000).toISOString(),
  });

  it.each([
    { what: 'a catch on the region', alerts: [alert('east', 42)], delay: 42, falseAlerts: 0 },
    { what: 'a catch overall', alerts: [alert('all', 5)], delay: 5, falseAlerts: 0 },
    {
      what: 'the first of two catches',
      alerts: [alert('east', 90), alert('east', 30.04)],
      delay: 30,
      falseAlerts: 0,
    },
    {
      what: 'an alert before the start',
      alerts: [alert('east', -10)],
      delay: null,
      falseAlerts: 1,
    },
    {
      what: 'an alert on another region',
      alerts: [alert('south', 20)],
      delay: null,
      falseAlerts: 1,
    },
    {
      what: 'a conversion alert on the region (not what a connect drop shows)',
      alerts: [alert('east', 20, 'conversionRate')],
      delay: null,
      falseAlerts: 1,
    },
    {
      what: 'an alert not fired (no time)',
      alerts: [alert('east', null)],
      delay: null,
      falseAlerts: 0,
    },
  ])('$what: delay $delay, false $falseAlerts', ({ alerts, delay, falseAlerts }) => {
    expect(alertFigures(alerts, anomalies)).toEqual({
      alertDelayMinutes: delay,
      falseAlerts,
      alerts: alerts.length,
    });
  });
});

describe('compareToPeers', () => {
  const report = (over: Partial<TwinReport>) =>
    ({
      reachRate: 0.3,
      conversions: 10,
      costPerContact: 2,
      costPerConversion: 5,
      ...over,
    }) as TwinReport;

  it('divides Dialwise by the oracle and the naive centre; null where a divisor is 0 or null', () => {
    const r = compareToPeers({
      dialwise: report({ reachRate: 0.3, conversions: 12, costPerContact: 1 }),
      oracle: report({ reachRate: 0.4, conversions: 16 }),
      naive: report({ reachRate: 0.2, conversions: 0, costPerContact: 3, costPerConversion: null }),
    });
    expect(r).toEqual({
      reachVsOracle: 0.75,
      reachVsNaive: 1.5,
      conversionsVsOracle: 0.75,
      conversionsVsNaive: null,
      costPerContactVsNaive: 0.333,
      costPerConversionVsNaive: null,
    });
  });
});

describe('runTwin inside the twin: naive and oracle', () => {
  const run = (policy: 'naive' | 'oracle', seed = 11) =>
    runTwin({ world: createWorld(scenario, seed), policy, calls: 300, seed, rules, costs });
  const strip = ({ wallSeconds: _w, ...r }: TwinReport) => r;

  it('is deterministic for a seed; the oracle reaches at least as many and keeps every rule', async () => {
    const [naive, naiveAgain, oracle, oracleAgain] = await Promise.all([
      run('naive'),
      run('naive'),
      run('oracle'),
      run('oracle'),
    ]);
    expect(strip(naiveAgain)).toEqual(strip(naive));
    expect(strip(oracleAgain)).toEqual(strip(oracle));
    expect(naive.dials).toBeGreaterThan(250);
    expect(oracle.dials).toBeGreaterThan(250);
    expect(oracle.reachRate).toBeGreaterThanOrEqual(naive.reachRate);
    expect(oracle.violations.total).toBe(0);
    expect(oracle.violations.frequency_cap).toBe(0);
    // The naive centre keeps only the law's hours, so it dials outside the platform's window.
    expect(naive.violations.outside_window).toBeGreaterThan(0);
    expect(naive.violations.after_opt_out).toBe(0);
    const other = strip(await run('naive', 12));
    expect(other).not.toEqual({ ...strip(naive), seed: 12 });
  });
});
