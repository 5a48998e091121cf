import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  EMPTY_MEMORY,
  isKnown,
  known,
  loadFlow,
  MEMORY_TURNS,
  remember,
  step,
  type FlowState,
  type Memory,
} from '../../src/decision/flow/index.js';
import type { TurnSignals } from '../../src/decision/index.js';
import { signals } from '../helpers/decision.js';
import type { SlotFacts } from '../../src/models/types.js';

const turn = (slots: SlotFacts = {}, over: Partial<TurnSignals> = {}): TurnSignals =>
  signals({ slots, ...over });

/** Memory after these customer turns, numbered from 1. */
const after = (turns: SlotFacts[]): Memory =>
  turns.reduce((m, slots, i) => remember(m, i + 1, turn(slots)), EMPTY_MEMORY);

describe('remember', () => {
  it('keeps the last three customer turns and is pure', () => {
    expect(MEMORY_TURNS).toBe(3);
    const three = after([{ budget: '1万' }, {}, { timeline: '下个月' }]);
    const four = remember(
      three,
      4,
      turn({ competitor: '竞品A' }, { valence: -0.2, impatience: 0.3 }),
    );
    expect(three.recent.map((t) => t.turnNo)).toEqual([1, 2, 3]);
    expect(four.recent.map((t) => t.turnNo)).toEqual([2, 3, 4]);
    expect(four.recent.at(-1)).toEqual({
      turnNo: 4,
      slots: { competitor: '竞品A' },
      valence: -0.2,
      impatience: 0.3,
    });
    expect(EMPTY_MEMORY).toEqual({ recent: [], intents: {} });
  });

  it('keeps only the slots that were stated', () => {
    const m = remember(
      EMPTY_MEMORY,
      1,
      turn({ budget: '', timeline: undefined, objection: 'price' }),
    );
    expect(m.recent[0]!.slots).toEqual({ objection: 'price' });
  });

  it('counts intents over the whole call, not just the window', () => {
    const intents = ['not_interested', 'other', 'other', 'other', 'not_interested'];
    const m = intents.reduce(
      (mem, intent, i) => remember(mem, i + 1, turn({}, { intent })),
      EMPTY_MEMORY,
    );
    expect(m.intents).toEqual({ not_interested: 2, other: 3 });
    expect(m.recent).toHaveLength(3);
  });
});

describe('known', () => {
  it.each<{
    name: string;
    turns: SlotFacts[];
    profile?: Record<string, string>;
    expected: SlotFacts;
  }>([
    { name: 'nothing said, no profile', turns: [], expected: {} },
    {
      name: 'slots from different turns add up',
      turns: [{ budget: '5万' }, { timeline: '下个月' }, { decisionMaker: '老板' }],
      expected: { budget: '5万', timeline: '下个月', decisionMaker: '老板' },
    },
    {
      name: 'the newest turn wins',
      turns: [{ budget: '5万' }, { budget: '8万' }, {}],
      expected: { budget: '8万' },
    },
    {
      name: 'a slot older than three turns drops out',
      turns: [{ budget: '5万' }, {}, {}, { timeline: 'Q3' }],
      expected: { timeline: 'Q3' },
    },
    {
      name: 'the profile fills in what memory lost',
      turns: [{ budget: '5万' }, {}, {}, {}],
      profile: { budget: '5万', decision_maker: 'CFO', competitor: 'Acme', industry: 'retail' },
      expected: { budget: '5万', decisionMaker: 'CFO', competitor: 'Acme' },
    },
    {
      name: 'recent turns win over the profile',
      turns: [{ budget: '8万', competitor: 'Beta' }],
      profile: { budget: '5万', competitor: 'Acme', timeline: '明年' },
      expected: { budget: '8万', competitor: 'Beta', timeline: '明年' },
    },
  ])('$name', ({ turns, profile, expected }) => {
    expect(known(after(turns), profile)).toEqual(expected);
  });

  it('isKnown reads memory and profile', () => {
    const m = after([{ objection: 'trust' }]);
    expect(isKnown(m, 'objection')).toBe(true);
    expect(isKnown(m, 'budget')).toBe(false);
    expect(isKnown(m, 'budget', { budget: '3万' })).toBe(true);
    expect(isKnown(m, 'decisionMaker', { decision_maker: '我' })).toBe(true);
  });
});

describe('the flow never asks for what it was just told', () => {
  const flow = loadFlow(
    JSON.parse(readFileSync(new URL('../../config/dialog-flow.json', import.meta.url), 'utf8')),
  );

  /** Customer turns through the default flow; returns the state names visited. */
  function call(turns: TurnSignals[], facts: Record<string, string> = {}): string[] {
    let memory = EMPTY_MEMORY;
    let state: FlowState = { name: 'opening', turnsInState: 0, callTurns: 0 };
    return turns.map((t, i) => {
      memory = remember(memory, i + 1, t);
      state = step(flow, undefined, state, t, memory, facts).state;
      return state.name;
    });
  }

  it.each<{ name: string; turns: TurnSignals[]; facts?: Record<string, string>; path: string[] }>([
    {
      name: 'budget said while greeting: discovery is skipped',
      turns: [
        turn({ budget: '5万' }, { intent: 'greeting' }),
        turn({}, { intent: 'confirm_identity' }),
      ],
      path: ['opening', 'product_pitch'],
    },
    {
      name: 'no budget said: discovery asks for it',
      turns: [turn({}, { intent: 'greeting' }), turn({}, { intent: 'confirm_identity' })],
      path: ['opening', 'needs_discovery'],
    },
    {
      name: 'budget from an earlier call (profile): skipped too',
      turns: [turn({}, { intent: 'greeting' }), turn({}, { intent: 'confirm_identity' })],
      facts: { budget: '10万' },
      path: ['opening', 'product_pitch'],
    },
    {
      name: 'callback time said with the request: no need to ask when',
      turns: [turn({ timeline: '明天下午' }, { intent: 'request_callback' })],
      path: ['end'],
    },
  ])('$name', ({ turns, facts, path }) => {
    expect(call(turns, facts)).toEqual(path);
  });
});
