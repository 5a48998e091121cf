import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  contactCost,
  createWorld,
  loadScenario,
  localTime,
  parseScenario,
  type Scenario,
} from '../../src/twin/index.js';

const DIR = 'config/scenarios';
const HOUR = 3_600_000;
const readJson = (path: string) => JSON.parse(readFileSync(path, 'utf8'));
const small = (): Record<string, any> => readJson(join(DIR, 'small-centre.json'));
const problemsOf = (raw: unknown): string => {
  try {
    parseScenario(raw, 'bad.json');
  } catch (err) {
    return (err as Error).message;
  }
  throw new Error('the scenario was accepted');
};

describe('scenario validation', () => {
  it.each([
    [
      'shares that do not sum to 1',
      (s: any) => (s.segments[0].share = 0.7),
      'segments: segment shares must sum to 1 (they sum to 1.2)',
    ],
    [
      '23 hour values',
      (s: any) => s.segments[0].answer.hours.pop(),
      'segments.0.answer.hours: needs 24 values',
    ],
    [
      '6 weekday values',
      (s: any) => s.segments[1].answer.weekdays.pop(),
      'segments.1.answer.weekdays: needs 7 values',
    ],
    [
      'an unknown anomaly kind',
      (s: any) => s.anomalies.push({ kind: 'storm', fromDay: 1 }),
      'anomalies.0.kind: unknown anomaly kind',
    ],
    ['a negative cost', (s: any) => (s.costs.dial = -0.1), 'costs.dial:'],
    [
      'an unknown time zone',
      (s: any) => (s.segments[0].timeZone = 'Mars/Olympus'),
      'segments.0.timeZone: must be an IANA time zone',
    ],
    [
      'a variant key without its node',
      (s: any) => (s.segments[0].variants.warm = 1.2),
      'segments.0.variants.warm: must be "node/variant"',
    ],
    [
      'a budget upside down',
      (s: any) => (s.segments[0].budget = { min: 9000, max: 10 }),
      'segments.0.budget.max: budget: min must not exceed max',
    ],
    [
      'a propensity spread too wide',
      (s: any) => (s.segments[0].propensity.spread = 0.6),
      'segments.0.propensity.spread: spread too wide',
    ],
    [
      'a drop in a region nobody lives in',
      (s: any) =>
        s.anomalies.push({ kind: 'connect_drop', region: 'moon', fromDay: 1, factor: 0.5 }),
      'anomalies.0.region: no segment lives in region "moon"',
    ],
    [
      'an anomaly after the last day',
      (s: any) =>
        s.anomalies.push({ kind: 'connect_drop', region: 'east', fromDay: 7, factor: 0.5 }),
      "anomalies.0.fromDay: must fall within the scenario's 7 days",
    ],
    [
      'an agent skill for an unknown line',
      (s: any) => (s.agents[0].skills.mortgage = 1),
      'agents.0.skills.mortgage: unknown product line "mortgage"',
    ],
    [
      'a product line without a price',
      (s: any) => delete s.prices.loan,
      'prices: needs a price for "loan"',
    ],
    [
      'a duplicate agent',
      (s: any) => s.agents.push(s.agents[0]),
      'agents.2.id: duplicate id "agent-li"',
    ],
    [
      'a misspelt field',
      (s: any) => (s.segments[0].optout = 0.1),
      'segments.0: Unrecognized key: "optout"',
    ],
    [
      'a start without an offset',
      (s: any) => (s.start = '2026-03-02T00:00:00'),
      'start: must be an ISO datetime with an offset',
    ],
  ])('refuses %s, naming where', (_what, spoil, message) => {
    const raw = small();
    spoil(raw);
    expect(problemsOf(raw)).toContain(message);
  });

  it('reports every problem of a file in one error', () => {
    const raw = small();
    raw.segments[0].share = 0.7;
    raw.segments[0].answer.hours.pop();
    raw.anomalies.push({ kind: 'storm', fromDay: 1 });
    raw.costs.agentMinute = -2;
    const message = problemsOf(raw);
    expect(message).toMatch(/^invalid bad\.json:/);
    for (const problem of [
      'segments: segment shares must sum to 1',
      'segments.0.answer.hours: needs 24 values',
      'anomalies.0.kind: unknown anomaly kind',
      'costs.agentMinute:',
    ]) {
      expect(message).toContain(problem);
    }
  });

  it('fills the defaults: 7 days, no anomalies, tone 1, capacity 1', () => {
    const raw = small();
    delete raw.days;
    delete raw.anomalies;
    delete raw.segments[0].tone;
    delete raw.agents[0].capacity;
    const s = parseScenario(raw, 'small');
    expect(s.days).toBe(7);
    expect(s.anomalies).toEqual([]);
    expect(s.segments[0]!.tone).toEqual({ concise: 1, full: 1 });
    expect(s.agents[0]!.capacity).toBe(1);
  });

  it('accepts the example of docs/scenarios.md', () => {
    const doc = readFileSync('docs/scenarios.md', 'utf8');
    const example = /## Example\n\n```json\n([\s\S]*?)\n```/.exec(doc)![1]!;
    const s = parseScenario(JSON.parse(example), 'docs/scenarios.md');
    expect(createWorld(s, 1).customers).toHaveLength(1000);
  });

  it('names a missing file', () => {
    expect(() => loadScenario('config/scenarios/nowhere.json')).toThrow(
      'cannot read scenario config/scenarios/nowhere.json',
    );
  });
});

describe('the shipped scenarios', () => {
  const files = readdirSync(DIR).filter((f) => f.endsWith('.json'));
  const scripts = readJson('config/scripts.json').nodes as Record<
    string,
    { variants: { id: string }[] }
  >;
  const agentIds = new Set(readJson('config/agents.json').agents.map((a: { id: string }) => a.id));

  it('ships default, steady, night-owls, small-centre and pitch-split', () => {
    expect(files.sort()).toEqual([
      'default.json',
      'night-owls.json',
      'pitch-split.json',
      'small-centre.json',
      'steady.json',
    ]);
  });

  it.each(files)('%s validates, names script variants and agents the platform has', (file) => {
    const s = loadScenario(join(DIR, file));
    for (const seg of s.segments) {
      for (const key of Object.keys(seg.variants)) {
        const [node, variant] = key.split('/') as [string, string];
        expect(
          scripts[node]?.variants.map((v) => v.id),
          `${file} ${seg.id} ${key}`,
        ).toContain(variant);
      }
    }
    for (const a of s.agents) expect(agentIds.has(a.id), `${file} ${a.id}`).toBe(true);
    for (const a of s.anomalies) {
      if (a.kind === 'variant_decay')
        expect(scripts[a.node]?.variants.map((v) => v.id)).toContain(a.variant);
    }
  });

  it('has the anomalies each promises: a −30% connect drop from day 3 in default, none in steady', () => {
    expect(loadScenario(join(DIR, 'default.json')).anomalies).toEqual([
      { kind: 'connect_drop', region: 'south', fromDay: 3, factor: 0.7 },
    ]);
    expect(loadScenario(join(DIR, 'steady.json')).anomalies).toEqual([]);
    expect(loadScenario(join(DIR, 'night-owls.json')).anomalies.map((a) => a.kind)).toEqual([
      'variant_decay',
    ]);
  });

  it('makes the calling hour matter in default: ~13% reached at any legal hour, ~30% at the best', () => {
    const s: Scenario = loadScenario(join(DIR, 'steady.json'));
    const world = createWorld(s, 1);
    const start = Date.parse(s.start);
    let any = 0;
    let best = 0;
    const sample = world.customers.slice(0, 400);
    for (const c of sample) {
      // Every hour of the week whose local hour lies in 09:00–21:00, and of those the customer's best hour of the day.
      const legal: number[] = [];
      const byHour = new Map<number, number[]>();
      for (let at = start; at < start + 7 * 24 * HOUR; at += HOUR) {
        const hour = localTime(c.timeZone, at).hour;
        if (hour < 9 || hour >= 21) continue;
        const p = world.answerProbability(c, at);
        legal.push(p);
        byHour.set(hour, [...(byHour.get(hour) ?? []), p]);
      }
      const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
      any += mean(legal);
      best += Math.max(...[...byHour.values()].map(mean));
    }
    expect(any / sample.length).toBeGreaterThan(0.11);
    expect(any / sample.length).toBeLessThan(0.16);
    expect(best / sample.length).toBeGreaterThan(0.26);
    expect(best / sample.length).toBeLessThan(0.34);
  });
});

describe('contactCost', () => {
  it('adds the dials and the minutes of bot and agent talk at their prices', () => {
    const costs = { dial: 0.15, botMinute: 0.3, agentMinute: 2 };
    expect(contactCost(costs, { dials: 3, botSeconds: 120, agentSeconds: 30 })).toBeCloseTo(
      0.45 + 0.6 + 1,
    );
  });
});
