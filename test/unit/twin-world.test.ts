import { describe, expect, it } from 'vitest';
import { seeded } from '../../src/core/rng.js';
import {
  createWorld,
  loadScenario,
  localTime,
  type BotLine,
  type Conversation,
  type CustomerTurn,
  type SimCustomer,
  type World,
} from '../../src/twin/index.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const scenario = (name: string) => loadScenario(`config/scenarios/${name}.json`);
const line = (script_id: string, variant: string, concise = true): BotLine => ({
  text: '您好，我是客户顾问助理，占用您一分钟',
  state: script_id,
  script_id,
  variant,
  concise,
  action: 'say',
});
const customerOf = (w: World, test: (c: SimCustomer) => boolean) => w.customers.find(test)!;
/** The instant showing this local hour on the day `day` after the scenario's start, in the customer's zone. */
function atLocal(w: World, c: SimCustomer, day: number, hour: number): number {
  let at = Date.parse(w.scenario.start) + day * DAY;
  while (localTime(c.timeZone, at).hour !== hour) at += HOUR;
  return at;
}
/** Plays a whole call through these lines; the turns heard until the customer hangs up. */
function play(conv: Conversation, lines: readonly BotLine[]): CustomerTurn[] {
  const turns = [conv.opening()];
  for (const l of lines) {
    const t = conv.reply(l);
    if (!t) break;
    turns.push(t);
  }
  return turns;
}

describe('the world of a scenario', () => {
  it('is the same for the same seed and differs for another', () => {
    const s = scenario('small-centre');
    const a = createWorld(s, 42);
    expect(createWorld(s, 42).customers).toEqual(a.customers);
    expect(createWorld(s, 43).customers).not.toEqual(a.customers);
    expect(a.customers).toHaveLength(500);
    expect(a.customers[0]).toMatchObject({ id: 'sim-000001', timeZone: 'Asia/Shanghai' });
    expect(a.customers[122]!.id).toBe('sim-000123');
    for (const c of a.customers.slice(0, 50)) {
      expect(c.phone).toMatch(/^\+861[3-9]\d{9}$/);
      expect(c.name).toMatch(/^\p{Script=Han}{2,4}$/u);
      expect(c.propensity).toBeGreaterThan(0);
      expect(c.propensity).toBeLessThan(1);
    }
    // Same world and call seed: the same words.
    const c = a.customers[3]!;
    const path = ['opening', 'identity_check', 'needs_discovery', 'product_pitch', 'pricing'];
    const call = () =>
      play(
        a.converse(c, Date.parse(s.start), seeded(9)),
        path.map((n) => line(n, 'standard')),
      );
    expect(call()).toEqual(call());
  });

  it('draws the segments in their shares', () => {
    const w = createWorld(scenario('default'), 5);
    const share =
      w.customers.filter((c) => c.segment === 'finance_key_accounts').length / w.customers.length;
    expect(share).toBeGreaterThan(0.13);
    expect(share).toBeLessThan(0.17);
  });

  it('answers by the local hour and weekday of the segment, in the customer zone', () => {
    const s = scenario('steady');
    const w = createWorld(s, 1);
    const factory = s.segments.find((g) => g.id === 'factory_managers')!;
    const c = customerOf(w, (x) => x.segment === 'factory_managers');
    // 2026-03-02 is a Monday.
    for (const hour of [8, 9, 12, 15, 17, 20]) {
      expect(w.answerProbability(c, atLocal(w, c, 0, hour))).toBeCloseTo(
        factory.answer.hours[hour]!,
      );
      expect(w.answerProbability(c, atLocal(w, c, 6, hour))).toBeCloseTo(
        factory.answer.hours[hour]! * factory.answer.weekdays[6]!,
      );
    }
    // Urumqi is two hours behind Beijing: 11:00 there is 13:00 in Shanghai.
    const dispatcher = customerOf(w, (x) => x.timeZone === 'Asia/Urumqi');
    const at = Date.parse('2026-03-03T13:00:00+08:00');
    expect(w.answerProbability(dispatcher, at)).toBeCloseTo(
      s.segments.find((g) => g.id === dispatcher.segment)!.answer.hours[11]!,
    );
  });

  it('drops connects by 30% in the south from day 3, and nowhere else', () => {
    const w = createWorld(scenario('default'), 1);
    const south = customerOf(w, (c) => c.region === 'south' && c.segment === 'retail_owners');
    const east = customerOf(w, (c) => c.region === 'east' && c.segment === 'retail_owners');
    // Tuesday 15:00 against Thursday 15:00 (day 3): retail answers alike on both weekdays.
    for (const hour of [10, 15, 20]) {
      const before = w.answerProbability(south, atLocal(w, south, 1, hour));
      expect(w.answerProbability(south, atLocal(w, south, 3, hour))).toBeCloseTo(before * 0.7);
      expect(w.answerProbability(east, atLocal(w, east, 3, hour))).toBeCloseTo(
        w.answerProbability(east, atLocal(w, east, 1, hour)),
      );
    }
    const start = Date.parse(w.scenario.start);
    expect(w.anomaliesAt(start + 3 * DAY - 1)).toEqual([]);
    expect(w.anomaliesAt(start + 3 * DAY)).toEqual([
      { kind: 'connect_drop', region: 'south', fromDay: 3, factor: 0.7 },
    ]);
  });

  it('answers dials as often as the probability says, and says why the others failed', () => {
    const w = createWorld(scenario('steady'), 1);
    const c = customerOf(w, (x) => x.segment === 'retail_owners');
    const at = atLocal(w, c, 0, 15);
    const rng = seeded(3);
    const results = Array.from({ length: 20_000 }, () => w.dial(c, at, rng));
    const answered = results.filter((r) => r.answered).length / results.length;
    expect(answered).toBeCloseTo(w.answerProbability(c, at), 1);
    const reasons = new Set(results.flatMap((r) => (r.answered ? [] : [r.reason])));
    expect([...reasons].sort()).toEqual(['busy', 'no_answer', 'voicemail']);
  });

  it('picks up a callback the customer asked for at the time they named', () => {
    const w = createWorld(scenario('default'), 1);
    const rng = seeded(11);
    for (const c of w.customers) {
      const at = atLocal(w, c, 0, 9);
      const turns = play(w.converse(c, at, rng), [line('callback_scheduling', 'ask_time')]);
      const callbackAt = turns.find((t) => t.act === 'callback')?.callbackAt;
      if (callbackAt === undefined) continue;
      expect(w.answerProbability(c, callbackAt)).toBeGreaterThanOrEqual(0.85);
      expect(w.answerProbability(c, callbackAt + 2 * HOUR)).toBeLessThan(0.85);
      return;
    }
    throw new Error('no customer asked to be called back');
  });

  it('converts more of the customers handed to an agent skilled in their product line', () => {
    const w = createWorld(scenario('steady'), 1);
    const agent = { ...w.agents[0]!, skills: { wealth: 2, insurance: 2, credit_card: 2, loan: 2 } };
    const rate = (skill: number) => {
      const rng = seeded(6);
      const skilled = { ...agent, skills: { ...agent.skills, loan: skill } };
      const loans = w.customers.filter((c) => c.productLine === 'loan').slice(0, 3000);
      let converted = 0;
      for (const c of loans) {
        const conv = w.converse(c, Date.parse(w.scenario.start), rng);
        play(conv, [
          line('opening', 'standard'),
          { ...line('transfer_to_human', 'expert'), action: 'transfer' },
        ]);
        const part = conv.withAgent(skilled);
        expect(part.seconds).toBeGreaterThan(0);
        if (part.outcome === 'converted') converted++;
      }
      return converted / loans.length;
    };
    expect(rate(2)).toBeGreaterThan(1.6 * rate(0.8));
  });

  it('lets agents pick up after a log-normal wait, or not at all', () => {
    const w = createWorld(scenario('small-centre'), 1);
    const agent = w.agents[0]!;
    const rng = seeded(4);
    const waits = Array.from({ length: 4000 }, () => w.pickupSeconds(agent, rng));
    const picked = waits.filter((s): s is number => s !== undefined).sort((a, b) => a - b);
    expect(1 - picked.length / waits.length).toBeCloseTo(agent.noPickup, 1);
    expect(picked[Math.floor(picked.length / 2)]).toBeCloseTo(agent.pickup.medianS, -1);
    expect(picked[Math.floor(picked.length * 0.95)]).toBeCloseTo(agent.pickup.p95S, -1);
  });
});

describe('the oracle', () => {
  it('knows the best variant of a node per segment, and the decay that overturns it', () => {
    const w = createWorld(scenario('night-owls'), 1, (_, node) =>
      node === 'product_pitch' ? ['retail_traffic', 'benefit', 'default'] : undefined,
    );
    const start = Date.parse(w.scenario.start);
    expect(w.bestVariant('night_market_vendors', 'product_pitch', start)).toEqual({
      variant: 'retail_traffic',
      multiplier: 1.4,
    });
    // From day 2 the retail pitch is worth half: an unnamed library variant (at 1) is best.
    expect(w.bestVariant('night_market_vendors', 'product_pitch', start + 2 * DAY)).toEqual({
      variant: 'default',
      multiplier: 1,
    });
    expect(w.bestVariant('restaurant_owners', 'no_such_node', start)).toBeUndefined();
  });

  it('picks only among the lines the platform may say to the segment', () => {
    // The retail pitch is named at 1.4 but kept for another trade: the oracle cannot say it.
    const w = createWorld(scenario('night-owls'), 1, () => ['benefit', 'default']);
    const best = w.bestVariant(
      'night_market_vendors',
      'product_pitch',
      Date.parse(w.scenario.start),
    );
    expect(best?.variant).not.toBe('retail_traffic');
    expect(['benefit', 'default']).toContain(best?.variant);
  });

  it('rises with a better variant and the preferred tone', () => {
    const w = createWorld(scenario('steady'), 1);
    const at = Date.parse(w.scenario.start);
    const c = customerOf(w, (x) => x.segment === 'factory_managers' && x.budget >= 50_000);
    const p = (variant: string, concise = true) =>
      w.conversionProbability(
        c,
        [line('opening', 'standard', concise), line('product_pitch', variant, concise)],
        at,
      );
    expect(p('manufacturing_cost')).toBeGreaterThan(p('default'));
    expect(p('default')).toBeGreaterThan(p('benefit'));
    expect(p('manufacturing_cost')).toBeCloseTo(c.propensity * 1.2 * 1.4 * 1.15);
    // Factory managers like it short.
    expect(p('default', true)).toBeGreaterThan(p('default', false));
  });

  it('converts more customers in calls that use the better lines', () => {
    const w = createWorld(scenario('steady'), 2);
    const factory = w.customers.filter((c) => c.segment === 'factory_managers');
    const rate = (pitch: string, close: string) => {
      const rng = seeded(8);
      let converted = 0;
      for (const c of factory) {
        const conv = w.converse(c, Date.parse(w.scenario.start), rng);
        play(conv, [
          line('opening', 'standard'),
          line('identity_check', 'decision_maker'),
          line('product_pitch', pitch),
          line('pricing', 'budget'),
          line('closing', close),
        ]);
        if (conv.converted()) converted++;
      }
      return converted / factory.length;
    };
    expect(rate('manufacturing_cost', 'demo')).toBeGreaterThan(1.5 * rate('benefit', 'trial_now'));
  });
});
