import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DialwiseError } from '../../src/core/errors.js';
import {
  concise,
  EMPTY_MEMORY,
  flowFor,
  loadFlow,
  remember,
  STANDARD_STATES,
  startState,
  step,
  type Flow,
  type FlowState,
  type Memory,
  type StepResult,
} from '../../src/decision/flow/index.js';
import type { TurnSignals } from '../../src/decision/index.js';
import { signals as turn } from '../helpers/decision.js';

const CONFIG = JSON.parse(
  readFileSync(new URL('../../config/dialog-flow.json', import.meta.url), 'utf8'),
) as Record<string, any>;
const FLOW = loadFlow(CONFIG);

interface PlayOptions {
  flow?: Flow;
  campaign?: string;
  facts?: Record<string, string>;
  memory?: Memory;
}

/**
 * Plays customer turns from a state the way the caller does: remember, then
 * step. A state named by string is entered after the call's first turn (the
 * bot has introduced the call); pass startState(FLOW) for the pickup itself.
 */
function play(
  from: string | FlowState,
  turns: Partial<TurnSignals>[],
  o: PlayOptions = {},
): StepResult[] {
  let state = typeof from === 'string' ? { name: from, turnsInState: 0, callTurns: 1 } : from;
  let memory = o.memory ?? EMPTY_MEMORY;
  return turns.map((t) => {
    const signals = turn(t);
    memory = remember(memory, state.callTurns + 1, signals);
    const r = step(o.flow ?? FLOW, o.campaign, state, signals, memory, o.facts);
    state = r.state;
    return r;
  });
}
const names = (steps: StepResult[]) => steps.map((s) => s.state.name);
const last = (steps: StepResult[]): StepResult => steps.at(-1)!;

const clone = () => structuredClone(CONFIG);
/** The message loadFlow throws for a broken copy of the default config. */
function problemsOf(edit: (c: Record<string, any>) => void): string {
  const c = clone();
  edit(c);
  try {
    loadFlow(c);
  } catch (err) {
    expect(err).toBeInstanceOf(DialwiseError);
    expect((err as DialwiseError).code).toBe('CONFIG_INVALID');
    return (err as Error).message;
  }
  throw new Error('expected the flow to be rejected');
}

describe('default flow (config/dialog-flow.json)', () => {
  it('has every standard state, three of them terminal, and starts at opening', () => {
    const g = flowFor(FLOW);
    for (const name of STANDARD_STATES) expect(g.states[name]).toBeDefined();
    const terminal = Object.values(g.states).filter((s) => s.terminal);
    expect(terminal.map((s) => s.name).sort()).toEqual(['do_not_call', 'end', 'transfer_to_human']);
    expect(terminal.every((s) => s.rules.length === 0)).toBe(true);
    expect(startState(FLOW)).toEqual({ name: 'opening', turnsInState: 0, callTurns: 0 });
    expect(g.states.opening!.node).toBe('opening');
    expect(g.states.end!.node).toBe('end');
  });

  it('walks the happy path opening → … → end', () => {
    const steps = play('opening', [
      { intent: 'greeting' },
      { intent: 'confirm_identity' },
      { intent: 'interested' },
      { intent: 'interested' },
      { intent: 'interested' },
      { intent: 'agree_purchase' },
    ]);
    expect(names(steps)).toEqual([
      'identity_check',
      'needs_discovery',
      'product_pitch',
      'pricing',
      'closing',
      'end',
    ]);
    expect(last(steps).state.callTurns).toBe(7);
  });

  it.each([
    ['opening', 'complaint', 'do_not_call'],
    ['pricing', 'request_human', 'transfer_to_human'],
    ['product_pitch', 'ask_materials', 'send_materials'],
    ['needs_discovery', 'request_callback', 'callback_scheduling'],
    ['product_pitch', 'objection_timing', 'callback_scheduling'],
    ['product_pitch', 'objection_price', 'objection_handling'],
    ['pricing', 'objection_trust', 'objection_handling'],
    ['closing', 'objection_competitor', 'objection_handling'],
    ['needs_discovery', 'not_interested', 'objection_handling'],
    ['needs_discovery', 'ask_price', 'pricing'],
    ['product_pitch', 'agree_purchase', 'closing'],
    ['needs_discovery', 'ask_meeting', 'closing'],
    ['pricing', 'ask_details', 'product_pitch'],
    ['identity_check', 'deny_identity', 'end'],
    ['opening', 'confirm_identity', 'needs_discovery'],
    ['opening', 'greeting', 'identity_check'],
    ['identity_check', 'confirm_identity', 'needs_discovery'],
    ['needs_discovery', 'interested', 'product_pitch'],
    ['product_pitch', 'interested', 'pricing'],
    ['pricing', 'interested', 'closing'],
    ['objection_handling', 'interested', 'product_pitch'],
    ['closing', 'agree_purchase', 'end'],
    ['send_materials', 'other', 'end'],
  ])('intent: %s + %s → %s', (from, intent, to) => {
    const r = last(play(from, [{ intent }]));
    expect(r).toMatchObject({ state: { name: to, turnsInState: 0, callTurns: 2 }, moved: true });
  });

  it('stays, counting turns, when nothing matches or a global rule leads to the state itself', () => {
    expect(last(play('pricing', [{ intent: 'ask_price' }]))).toEqual({
      state: { name: 'pricing', turnsInState: 1, callTurns: 2 },
      reason: 'no transition matched',
      moved: false,
    });
  });

  it('ends the call, without an opt-out, the second time the customer is not interested', () => {
    const steps = play('product_pitch', [
      { intent: 'not_interested' },
      { intent: 'not_interested' },
    ]);
    expect(names(steps)).toEqual(['objection_handling', 'end']);
    expect(last(steps).reason).toBe('not interested twice: thank and end (not an opt-out)');
  });

  it('introduces the call on the pickup, whatever the customer first says, unless an interrupt holds', () => {
    for (const intent of ['greeting', 'confirm_identity', 'interested'])
      expect(last(play(startState(FLOW), [{ intent }]))).toEqual({
        state: { name: 'opening', turnsInState: 1, callTurns: 1 },
        reason: 'picked up: introduce the call',
        moved: false,
      });
    expect(last(play(startState(FLOW), [{ optOut: true }])).state.name).toBe('do_not_call');
    expect(last(play(startState(FLOW), [{ intent: 'request_human' }])).state.name).toBe(
      'transfer_to_human',
    );
  });

  it.each([
    ['pricing', { emotion: 'angry' as const }, 'transfer_to_human'],
    ['needs_discovery', { impatience: 0.8 }, 'send_materials'],
    ['product_pitch', { valence: -0.6, emotion: 'negative' as const }, 'objection_handling'],
    // interrupts keep their order: asking for a person beats anger and impatience
    ['closing', { intent: 'request_human', impatience: 0.9 }, 'transfer_to_human'],
  ])('emotion: %s + %o → %s', (from, signals, to) => {
    expect(last(play(from, [signals])).state.name).toBe(to);
  });

  it('stays on an unclear opening, and hands over after three unclear turns in a state', () => {
    expect(last(play('opening', [{ outOfScope: true }]))).toMatchObject({
      state: { name: 'opening', turnsInState: 1 },
      reason: 'did not catch that: greet again',
      moved: false,
    });
    expect(last(play('opening', [{ asrConfidence: 0.2 }])).state.name).toBe('opening');
    const steps = play('needs_discovery', [
      { outOfScope: true },
      { asrConfidence: 0.3 },
      { outOfScope: true },
    ]);
    expect(names(steps)).toEqual(['needs_discovery', 'needs_discovery', 'transfer_to_human']);
  });

  it.each([
    ['identity_check', 2, 'end'],
    ['needs_discovery', 3, 'product_pitch'],
    ['product_pitch', 3, 'closing'],
    ['objection_handling', 2, 'send_materials'],
    ['pricing', 2, 'closing'],
    ['closing', 3, 'callback_scheduling'],
    ['callback_scheduling', 2, 'end'],
  ])('timeout: %s after %i turns → %s', (from, maxTurns, to) => {
    const steps = play(
      from,
      Array.from({ length: maxTurns }, () => ({ intent: 'other' })),
    );
    expect(names(steps)).toEqual([...Array<string>(maxTurns - 1).fill(from), to]);
    expect(last(steps).reason).toBe(`${maxTurns} turns in ${from} without progress`);
  });

  it('ends a call that runs too long', () => {
    const long = { name: 'product_pitch', turnsInState: 0, callTurns: 29 };
    expect(last(play(long, [{}])).reason).toBe('call too long: wrap up');
  });

  it('does nothing in a terminal state', () => {
    for (const name of ['end', 'do_not_call', 'transfer_to_human']) {
      const s = { name, turnsInState: 0, callTurns: 7 };
      expect(step(FLOW, undefined, s, turn({ intent: 'agree_purchase' }), EMPTY_MEMORY)).toEqual({
        state: s,
        reason: `${name} is terminal`,
        moved: false,
      });
    }
  });

  it('rejects a state the flow does not have', () => {
    const s = { name: 'nowhere', turnsInState: 0, callTurns: 0 };
    expect(() => step(FLOW, undefined, s, turn(), EMPTY_MEMORY)).toThrow(/unknown dialog state/);
  });
});

describe('slot-known skips', () => {
  it.each([
    {
      name: 'budget told in the turn that enters discovery',
      from: 'opening',
      turns: [{ intent: 'confirm_identity', slots: { budget: '5万' } }],
      path: ['product_pitch'],
    },
    {
      name: 'budget told two turns before discovery',
      from: 'opening',
      turns: [{ intent: 'greeting', slots: { budget: '5万' } }, { intent: 'confirm_identity' }],
      path: ['identity_check', 'product_pitch'],
    },
    {
      name: 'budget in the profile',
      from: 'opening',
      turns: [{ intent: 'confirm_identity' }],
      facts: { budget: '10万' },
      path: ['product_pitch'],
    },
    {
      name: 'callback time given with the callback request',
      from: 'product_pitch',
      turns: [{ intent: 'request_callback', slots: { timeline: '明天下午' } }],
      path: ['end'],
    },
    {
      name: 'no callback time yet: ask for it',
      from: 'product_pitch',
      turns: [{ intent: 'request_callback' }, { slots: { timeline: 'next Monday' } }],
      path: ['callback_scheduling', 'end'],
    },
  ])('$name', ({ from, turns, facts, path }) => {
    expect(names(play(from, turns, { facts }))).toEqual(path);
  });

  it('never enters an asking state whose slot memory knows, and says why', () => {
    const r = last(play('opening', [{ intent: 'confirm_identity', slots: { budget: '5万' } }]));
    expect(r).toEqual({
      state: { name: 'product_pitch', turnsInState: 0, callTurns: 2 },
      reason:
        'right person: to discovery; skipped needs_discovery, budget already known: budget known: pitch',
      moved: true,
    });
  });

  it('asks again once the budget is out of memory and not in the profile', () => {
    // four turns in a state that stays put push the budget out of the window
    const long = clone();
    long.states.identity_check.maxTurns = 9;
    const flow = loadFlow(long);
    const turns = [{ slots: { budget: '5万' } }, {}, {}, { intent: 'confirm_identity' }];
    expect(last(play('identity_check', turns, { flow })).state.name).toBe('needs_discovery');
    const withProfile = play('identity_check', turns, { flow, facts: { budget: '5万' } });
    expect(last(withProfile).state.name).toBe('product_pitch');
  });
});

describe('campaign overrides', () => {
  it('enterprise_demo adds a decision-maker check between pricing and closing', () => {
    const campaign = 'enterprise_demo';
    expect(last(play('pricing', [{ intent: 'interested' }])).state.name).toBe('closing');
    expect(names(play('pricing', [{ intent: 'interested' }, {}, {}], { campaign }))).toEqual([
      'decision_maker_check',
      'decision_maker_check',
      'closing',
    ]);
    const told = play('pricing', [{ intent: 'interested', slots: { decisionMaker: '我自己' } }], {
      campaign,
    });
    expect(last(told).state.name).toBe('closing');
    expect(flowFor(FLOW, campaign).states.decision_maker_check!.node).toBe('decision_maker_check');
    expect(flowFor(FLOW, 'no_such_campaign')).toBe(FLOW.base);
    expect(flowFor(FLOW, campaign)).toBe(flowFor(FLOW, campaign));
  });

  it('tries campaign transitions before the global ones, replaces given fields, keeps the rest', () => {
    const c = clone();
    c.campaigns.vip = {
      initial: 'needs_discovery',
      states: {
        pricing: {
          transitions: [
            { to: 'closing', when: { intent: 'objection_price' }, reason: 'vip discount' },
          ],
        },
        closing: { maxTurns: 5 },
      },
    };
    const flow = loadFlow(c);
    expect(startState(flow, 'vip').name).toBe('needs_discovery');
    expect(
      last(play('pricing', [{ intent: 'objection_price' }], { flow, campaign: 'vip' })),
    ).toEqual({
      state: { name: 'closing', turnsInState: 0, callTurns: 2 },
      reason: 'vip discount',
      moved: true,
    });
    expect(last(play('pricing', [{ intent: 'objection_price' }], { flow })).state.name).toBe(
      'objection_handling',
    );
    const vipClosing = flowFor(flow, 'vip').states.closing!;
    expect(vipClosing.maxTurns).toBe(5);
    expect(vipClosing.timeout).toBe('callback_scheduling');
    expect(vipClosing.rules).toEqual(flowFor(flow).states.closing!.rules);
  });
});

describe('loadFlow validation', () => {
  it.each<[string, (c: Record<string, any>) => void, string[]]>([
    [
      'unknown target',
      (c) => (c.states.pricing.transitions[0].to = 'closng'),
      ['states.pricing.transitions[0].to: unknown state "closng"'],
    ],
    [
      'missing standard state',
      (c) => delete c.states.callback_scheduling,
      [
        'states: missing standard state "callback_scheduling"',
        'global[10].to: unknown state "callback_scheduling"',
        'states.closing.timeout: unknown state "callback_scheduling"',
      ],
    ],
    [
      'unreachable state',
      (c) => (c.states.orphan = { transitions: [{ to: 'end', when: {}, reason: 'bye' }] }),
      ['states.orphan: unreachable from "opening"'],
    ],
    [
      'transitions on a terminal state',
      (c) => (c.states.end.transitions = [{ to: 'opening', when: {}, reason: 'again' }]),
      ['states.end.transitions: a terminal state takes no transitions'],
    ],
    [
      'terminal state with a timeout',
      (c) => Object.assign(c.states.do_not_call, { maxTurns: 1, timeout: 'end' }),
      [
        'states.do_not_call.maxTurns: a terminal state takes no maxTurns',
        'states.do_not_call.timeout: a terminal state takes no timeout',
      ],
    ],
    [
      'standard terminal state made non-terminal',
      (c) => (c.states.transfer_to_human = { transitions: [{ to: 'end', when: {}, reason: 'x' }] }),
      ['states.transfer_to_human: must be terminal'],
    ],
    [
      'bad condition key',
      (c) => (c.states.pricing.transitions[0].when = { intnet: 'interested' }),
      ['states.pricing.transitions[0].when: Unrecognized key: "intnet"'],
    ],
    [
      'bad nested condition',
      (c) => (c.global[6].when.all[0].any[1] = { asrBelow: 2 }),
      ['global[6].when.all[0].any[1].asrBelow: Too big: expected number to be <=1'],
    ],
    [
      'unknown intent',
      (c) => (c.states.closing.transitions[0].when.intent = ['agree_purchase', 'buy_now']),
      ['states.closing.transitions[0].when.intent[1]: unknown intent or intent group "buy_now"'],
    ],
    [
      'timesAtLeast without intent',
      (c) => (c.states.pricing.transitions[0].when = { timesAtLeast: 2 }),
      ['states.pricing.transitions[0].when.timesAtLeast: timesAtLeast needs intent'],
    ],
    [
      'asking state that cannot skip',
      (c) => (c.states.needs_discovery.asks = 'competitor'),
      ['states.needs_discovery.asks: no transition has slotKnown "competitor" to skip forward on'],
    ],
    [
      'maxTurns behind an always-matching transition',
      (c) => Object.assign(c.states.send_materials, { maxTurns: 2, timeout: 'end' }),
      [
        'states.send_materials.maxTurns: never reached: states.send_materials.transitions[0] always matches',
      ],
    ],
    [
      'maxTurns without timeout',
      (c) => delete c.states.pricing.timeout,
      ['states.pricing: maxTurns and timeout go together'],
    ],
    [
      'a dead-end state',
      (c) => (c.states.send_materials.transitions = []),
      ['states.send_materials: needs transitions or a timeout'],
    ],
    ['unknown initial state', (c) => (c.initial = 'hello'), ['initial: unknown state "hello"']],
    [
      'campaign transition to an unknown state',
      (c) => (c.campaigns.enterprise_demo.states.pricing.transitions[0].to = 'dm_check'),
      [
        'campaigns.enterprise_demo.states.pricing.transitions[0].to: unknown state "dm_check"',
        'campaigns.enterprise_demo.states.decision_maker_check: unreachable from "opening"',
      ],
    ],
    [
      'campaign making a state with transitions terminal',
      (c) => (c.campaigns.x = { states: { pricing: { terminal: true } } }),
      [
        'campaigns.x.states.pricing.maxTurns: a terminal state takes no maxTurns',
        'campaigns.x.states.pricing.transitions: a terminal state takes no transitions',
      ],
    ],
    [
      'campaign with an unknown initial state',
      (c) => (c.campaigns.x = { initial: 'welcome' }),
      ['campaigns.x.initial: unknown state "welcome"'],
    ],
    ['unknown top-level key', (c) => (c.globals = []), ['(root): Unrecognized key: "globals"']],
  ])('%s', (_name, edit, expected) => {
    const message = problemsOf(edit);
    for (const line of expected) expect(message).toContain(`\n  - ${line}`);
  });

  it('reports every problem at once, shape and meaning, each once', () => {
    const message = problemsOf((c) => {
      c.states.pricing.transitions[0].when = { intnet: 'interested' };
      c.states.opening.transitions[0].to = 'nowhere';
      c.states.end.transitions = [{ to: 'opening', when: {}, reason: 'again' }];
    });
    expect(message.split('\n')).toEqual([
      'invalid dialog flow:',
      '  - states.pricing.transitions[0].when: Unrecognized key: "intnet"',
      '  - states.opening.transitions[0].to: unknown state "nowhere"',
      '  - states.end.transitions: a terminal state takes no transitions',
    ]);
  });

  it('rejects what is not a flow at all', () => {
    expect(() => loadFlow(null)).toThrow(/\(root\): Invalid input: expected object/);
    expect(() => loadFlow({ initial: 'opening' })).toThrow(/states: Invalid input/);
  });
});

describe('concise', () => {
  const trail = (impatience: number[]): Memory =>
    impatience.reduce((m, v, i) => remember(m, i + 1, turn({ impatience: v })), EMPTY_MEMORY);

  it.each([
    ['calm', false, turn(), trail([0])],
    ['impatient now', true, turn({ impatience: 0.5 }), trail([0.5])],
    ['negative now', true, turn({ valence: -0.5 }), trail([0])],
    ['rising over three turns', true, turn({ impatience: 0.35 }), trail([0.1, 0.2, 0.35])],
    ['rising too little', false, turn({ impatience: 0.25 }), trail([0.1, 0.2, 0.25])],
    ['not rising every turn', false, turn({ impatience: 0.4 }), trail([0.1, 0.45, 0.4])],
    [
      'rising over the last three of four',
      true,
      turn({ impatience: 0.35 }),
      trail([0.6, 0.1, 0.2, 0.35]),
    ],
    ['rising over two turns only', false, turn({ impatience: 0.4 }), trail([0.1, 0.4])],
  ])('%s → %s', (_name, expected, signals, memory) => {
    expect(concise(FLOW.concise, signals, memory)).toBe(expected);
  });
});
