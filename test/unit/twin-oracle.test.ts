import { describe, expect, it } from 'vitest';
import {
  ContactAudit,
  createWorld,
  loadScenario,
  localTime,
  type ContactRules,
  type World,
} from '../../src/twin/index.js';
import {
  oracleDialer,
  segmentWorth,
  slotsAhead,
  thresholds,
  type Group,
  type Slot,
} from '../../src/twin/oracle-dialer.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const scenario = loadScenario('config/scenarios/small-centre.json');
const START = Date.parse(scenario.start);
/** START is midnight in Shanghai (a Monday): this local time on day `day`. */
const at = (day: number, hour: number, min = 0) => START + day * DAY + hour * HOUR + min * 60_000;
/** Calls allowed 09:00-18:00 local, at most 3 in 7 days. */
const rules: ContactRules = {
  inWindow: (c, t) => {
    const { hour } = localTime(c.timeZone, t);
    return hour >= 9 && hour < 18;
  },
  cap: { touches: 3, days: 7 },
};

function oracle(world: World = createWorld(scenario, 1)) {
  const audit = new ContactAudit(rules);
  return { world, audit, dialer: oracleDialer(world, audit, rules, { calls: 5000, lines: 6 }) };
}
const segmentsOf = (picked: { customer: { segment: string } }[]) =>
  new Set(picked.map((p) => p.customer.segment));

describe('the oracle dialer (it knows the scenario, not the customers)', () => {
  it('waits at an hour a clearly better one follows, and dials the segment at its peak', async () => {
    const { dialer } = oracle();
    // Monday 10:30: factory managers answer 0.10 (0.34 at noon), retail owners 0.04 (0.33 at 15:00).
    expect(await dialer.pick(at(0, 10, 30), 50)).toEqual([]);
    // Noon is the factory managers' best hour; the retail owners still wait for the afternoon.
    const noon = await dialer.pick(at(0, 12, 30), 50);
    expect(noon).toHaveLength(50);
    expect(segmentsOf(noon)).toEqual(new Set(['factory_managers']));
    const afternoon = await dialer.pick(at(0, 15, 30), 50);
    expect(segmentsOf(afternoon)).toEqual(new Set(['retail_owners']));
  });

  it('does not know any customer’s own propensity: shuffling the draws changes no pick', async () => {
    const picks = async (w: World) => {
      const { dialer } = oracle(w);
      return (await dialer.pick(at(0, 12, 30), 40)).map((p) => p.customer.id);
    };
    const shuffled = createWorld(scenario, 1);
    const draws = shuffled.customers.map((c) => c.propensity).reverse();
    shuffled.customers.forEach((c, i) => (c.propensity = draws[i]!));
    expect(await picks(shuffled)).toEqual(await picks(createWorld(scenario, 1)));
  });

  it('dials a callback at the time named, first and whatever the hour; a sale is not dialled again', async () => {
    const base = createWorld(scenario, 1);
    const asked = base.customers.find((c) => c.segment === 'retail_owners')!;
    const promise = at(1, 10, 30);
    const world: World = { ...base, callbackAt: (id) => (id === asked.id ? promise : undefined) };
    const { dialer } = oracle(world);
    dialer.heard!(asked.id, 'callback');
    expect(await dialer.pick(promise - 20 * 60_000, 5)).toEqual([]);
    expect(await dialer.pick(promise, 5)).toEqual([{ customer: asked, reason: 'callback' }]);
    // Kept once.
    expect(await dialer.pick(promise + 60_000, 5)).toEqual([]);

    const first = await dialer.pick(at(1, 12, 30), 1000);
    const sold = first[0]!.customer;
    dialer.heard!(sold.id, 'converted');
    const again = await dialer.pick(at(2, 12, 30), 1000);
    expect(again.length).toBeGreaterThan(100);
    expect(again.map((p) => p.customer.id)).not.toContain(sold.id);
  });

  it('offers the customers dialled fewest first, within the cap', async () => {
    const { dialer, audit } = oracle();
    const first = await dialer.pick(at(0, 12, 30), 30);
    for (const p of first) audit.dial(p.customer, at(0, 12, 30));
    const second = await dialer.pick(at(0, 12, 40), 30);
    const firstIds = new Set(first.map((p) => p.customer.id));
    expect(second.some((p) => firstIds.has(p.customer.id))).toBe(false);
  });

  it('worths a segment by its mean propensity, best lines and better tone', () => {
    const w = createWorld(scenario, 1);
    const factory = w.segment('factory_managers');
    // standard 1.2 × manufacturing 1.3 × manufacturing_cost 1.4 × budget 1.2 × demo 1.3, concise 1.15.
    expect(segmentWorth(w, factory, START)).toBeCloseTo(0.14 * 1.2 * 1.3 * 1.4 * 1.2 * 1.3 * 1.15);
  });
});

describe('the oracle’s plan of the week', () => {
  const w = createWorld(scenario, 1);
  const group = (segment: string): Group => {
    const rep = w.customers.find((c) => c.segment === segment)!;
    return { seg: w.segment(segment), rep, customers: [rep] };
  };

  it('marks the hours a clearly better one of the same customers follows', () => {
    const factory = group('factory_managers');
    const slots = slotsAhead(w, [factory], rules, at(0, 9), at(1, 0));
    const byHour = new Map(slots.map((s) => [localTime('Asia/Shanghai', s.hour).hour, s]));
    expect([...byHour.keys()]).toEqual([9, 10, 11, 12, 13, 14, 15, 16, 17]);
    // 09:00 answers 0.33 and noon 0.34: not clearly better, so 09:00 is dialled.
    expect(byHour.get(9)!.waits).toBe(false);
    expect(byHour.get(10)!.waits).toBe(true);
    expect(byHour.get(13)!.waits).toBe(true);
    // 17:00 (0.30) is the last good hour of the day: nothing better follows.
    expect(byHour.get(17)!.waits).toBe(false);
  });

  it('sets the bar where the dials or a group’s customers run out', () => {
    const a = group('factory_managers');
    const b = group('retail_owners');
    const slot = (g: Group, hour: number, value: number): Slot => ({
      group: g,
      hour,
      value,
      waits: false,
    });
    const slots = [
      slot(a, 1, 0.5),
      slot(a, 2, 0.4),
      slot(b, 1, 0.45),
      slot(b, 3, 0.3),
      slot(b, 4, 0.2),
    ];
    const perHour = () => 10;
    // 25 dials: 10 at 0.5 (hour 1 is then full), 10 at 0.4, the last 5 at 0.3.
    expect(thresholds(slots, 25, perHour, () => 100)).toEqual(
      new Map([
        [a, 0.3],
        [b, 0.3],
      ]),
    );
    // The first group can take only 4 dials, all at its best hour; the second then
    // has hour 1's other 6 and every later slot, and the dials outlast them.
    const bars = thresholds(slots, 40, perHour, (g) => (g === a ? 4 : 100));
    expect(bars.get(a)).toBe(0.5);
    expect(bars.get(b)).toBeUndefined();
    // Dials enough for every slot: no bar.
    expect(thresholds(slots, 1000, perHour, () => 100).size).toBe(0);
    // A slot that waits for a better one gets no dials.
    expect(
      thresholds([{ ...slot(a, 1, 0.9), waits: true }, slot(a, 2, 0.4)], 5, perHour, () => 5).get(
        a,
      ),
    ).toBe(0.4);
  });
});
