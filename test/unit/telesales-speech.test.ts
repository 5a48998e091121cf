import { describe, expect, it } from 'vitest';
import {
  checkConciseBeforeTransfer,
  loadFlow,
  loadTransferConfig,
} from '../../src/decision/index.js';
import { concise } from '../../src/decision/flow/index.js';
import { firstTrigger, initialCounters } from '../../src/decision/transfer/index.js';
import { EMPTY_MEMORY } from '../../src/decision/flow/dialog-memory.js';
import { engine, json, turn } from '../helpers/decision-engine.js';
import { customerView, ledger, signals } from '../helpers/decision.js';

const FLOW = loadFlow(json('dialog-flow.json'));
const TRANSFER = loadTransferConfig(json('transfer.json'));

describe('impatience: the short line first, a person later (config thresholds)', () => {
  it.each([
    // impatience, concise line, handed to a person
    [0.3, false, false],
    [0.5, true, false],
    [0.6, true, false], // impatient words alone ("快点")
    [0.79, true, false],
    [0.8, true, true], // words and an impatient voice
    [0.95, true, true],
  ])('impatience %s → concise %s, transfer %s', (impatience, short, handOff) => {
    const s = signals({ impatience, emotion: impatience >= 0.5 ? 'impatient' : 'neutral' });
    expect(concise(FLOW.concise, s, EMPTY_MEMORY)).toBe(short);
    const trigger = firstTrigger(TRANSFER, {
      signals: s,
      counters: initialCounters(),
      state: 'product_pitch',
      customer: customerView(),
    });
    expect(trigger?.id === 'impatience').toBe(handOff);
  });

  it('"快点" in a call: the concise line, the call stays with the bot', () => {
    const { e } = engine();
    e.turn(turn('call-q', '你好'));
    const d = e.turn(turn('call-q', '快点'));
    expect(d).toMatchObject({ action: 'say', concise: true });
    expect(d.transfer).toBeUndefined();
  });

  it('refuses a config that hands off at or below the concise threshold', () => {
    expect(() => checkConciseBeforeTransfer(0.5, TRANSFER)).not.toThrow();
    expect(() => checkConciseBeforeTransfer(0.8, TRANSFER)).toThrow(/impatience \(0\.8\)/);
  });
});

describe('spoken opt-out in a call', () => {
  it('ends the call through the flow, even inside a complaint, and the next dial skips the customer', () => {
    const c = customerView({ customerId: 'c-1', consent: ledger({ call: true }) });
    const { e, emitted } = engine({ candidates: [c] });
    expect(e.next(10).next.map((r) => r.customerId)).toContain('c-1');
    e.turn(turn('call-o', '喂'));
    const d = e.turn(turn('call-o', '我要投诉你们 天天打 以后别再给我打电话了'));
    expect(d).toMatchObject({ action: 'end', state: 'do_not_call' });
    expect(d.transfer).toBeUndefined();
    expect(d.reason).toMatch(/withdrew consent/);
    // The pipeline records the revocation from the turn itself (with its evidence).
    expect(emitted.filter((x) => x.type === 'consent.changed')).toHaveLength(0);
    expect(e.next(10).next.map((r) => r.customerId)).not.toContain('c-1');
  });

  it.each([['这周别打了 下周一再联系我'], ['现在不要 明年可能需要'], ['我没说不让你们打 你先说']])(
    '%s is no opt-out: the call goes on',
    (text) => {
      const { e } = engine();
      e.turn(turn('call-d', '喂'));
      const d = e.turn(turn('call-d', text));
      expect(d.state).not.toBe('do_not_call');
    },
  );
});

describe('questions the flow does not move on', () => {
  it.each([
    // Full (客户顾问助理) or concise (顾问助理): the call's tone is an experiment.
    ['你哪位啊 哪个公司的', /顾问助理/],
    ['你们怎么有我电话的', /号码来自/],
  ])('%s is answered, not repeated', (text, answer) => {
    const { e } = engine();
    e.turn(turn('call-a', '喂 你好'));
    const d = e.turn(turn('call-a', text));
    expect(d.action).toBe('say');
    expect(d.text).toMatch(answer);
    expect(d.script_id).toMatch(/^answer_/);
  });
});

describe('budget and decision maker from Chinese speech', () => {
  it('the bot does not ask for what it was told', () => {
    const { e } = engine();
    e.turn(turn('call-b', '喂'));
    const identity = e.turn(turn('call-b', '是的 我是老板 这事我说了算'));
    expect(identity.state).toBe('needs_discovery');
    const budget = e.turn(turn('call-b', '预算的话 大概十万吧'));
    expect(budget.state).toBe('product_pitch');
    expect(e.context('call-b')?.slots).toMatchObject({ decisionMaker: 'self', budget: '十万' });
  });
});

describe('the shipped flow and transfer rules name intents of the taxonomy', () => {
  it('an intent group matches every label under it', () => {
    const s = signals({ intent: 'objection_no_need' });
    const d = firstTrigger(
      loadTransferConfig({
        triggers: [
          {
            id: 'any_objection',
            description: 'any objection',
            enabled: true,
            priority: 1,
            queue: 'q',
            when: { intent: ['objection'] },
          },
        ],
        noPickup: { ...json('transfer.json').noPickup },
        hybrid: json('transfer.json').hybrid,
      }),
      {
        signals: s,
        counters: initialCounters(),
        state: 'product_pitch',
        customer: customerView(),
      },
    );
    expect(d?.id).toBe('any_objection');
  });
});
