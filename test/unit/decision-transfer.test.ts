import { customerView, ledger, signals } from '../helpers/decision.js';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  buildHandoff,
  chooseAgent,
  firstTrigger,
  hybridPlan,
  initialCounters,
  loadSkillModel,
  loadTransferConfig,
  onNoPickup,
  pickupDeadline,
  recordOutcome,
  updateCounters,
  type Agent,
  type TransferConfig,
  type TransferInput,
  type Trigger,
} from '../../src/decision/transfer/index.js';
import type { CustomerView, TurnSignals } from '../../src/decision/index.js';

const configJson: unknown = JSON.parse(
  readFileSync(new URL('../../config/transfer.json', import.meta.url), 'utf8'),
);
const config = loadTransferConfig(configJson);

const customer = (over: Partial<CustomerView> = {}): CustomerView =>
  customerView({
    crm: { name: '王建国', phone: '13800138000', customer_tier: 'C', industry: 'retail' },
    consent: ledger({ call: true }),
    ...over,
  });

/** A call so far: customer turns in order (the last is the current one), each optionally in its own state. */
interface Scenario {
  turns: (Partial<TurnSignals> & { state?: string })[];
  state?: string;
  customer?: Partial<CustomerView>;
}

function input(s: Scenario): TransferInput {
  const state = s.state ?? 'product_pitch';
  let counters = initialCounters();
  let last = signals();
  for (const { state: turnState, ...turn } of s.turns) {
    last = signals(turn);
    counters = updateCounters(counters, last, turnState ?? state, config.counting);
  }
  const current = s.turns.at(-1)?.state ?? state;
  return { signals: last, counters, state: current, customer: customer(s.customer) };
}

const only = (id: string): TransferConfig => ({
  ...config,
  triggers: config.triggers.filter((t) => t.id === id),
});
const times = <T>(n: number, turn: T): T[] => Array.from({ length: n }, () => turn);

const rows: { id: string; fires: Scenario; miss: Scenario }[] = [
  {
    id: 'legal_threat',
    fires: { turns: [{ text: 'I will sue you' }] },
    miss: { turns: [{ text: 'no issue at all' }] },
  },
  {
    id: 'regulator_mention',
    fires: { turns: [{ text: '我要去银保监会反映' }] },
    miss: { turns: [{ text: 'we regulate our own spending' }] },
  },
  {
    id: 'complaint_words',
    fires: { turns: [{ text: '我要投诉你们' }] },
    miss: { turns: [{ text: 'send me the report, thanks' }] },
  },
  {
    id: 'complaint_intent',
    fires: { turns: [{ text: '天天打骚扰电话', intent: 'complaint' }] },
    miss: { turns: [{ text: '不需要', intent: 'not_interested' }] },
  },
  {
    id: 'payment_dispute',
    fires: { turns: [{ text: '你们上个月乱扣款' }] },
    miss: { turns: [{ text: 'after my discharge from hospital' }] },
  },
  {
    id: 'vulnerable_customer',
    fires: { turns: [{ text: 'sorry, I am hard of hearing' }] },
    miss: { turns: [{ text: '我看得清楚' }] },
  },
  {
    id: 'negative_emotion',
    fires: { turns: [{ emotion: 'angry', valence: -0.5 }] },
    miss: { turns: [{ emotion: 'negative', valence: -0.5 }] },
  },
  {
    id: 'negative_emotion',
    fires: { turns: [{ emotion: 'negative', valence: -0.7 }] },
    miss: { turns: [{ emotion: 'negative', valence: -0.6 }] },
  },
  {
    id: 'identity_mismatch',
    fires: { turns: [{ intent: 'deny_identity' }], state: 'pricing' },
    miss: { turns: [{ intent: 'deny_identity' }], state: 'identity_check' },
  },
  {
    id: 'request_human',
    fires: { turns: [{ intent: 'request_human' }] },
    miss: { turns: [{ intent: 'request_callback' }] },
  },
  {
    id: 'impatience',
    fires: { turns: [{ impatience: 0.85 }] },
    miss: { turns: [{ impatience: 0.79 }] },
  },
  {
    id: 'language_request',
    fires: { turns: [{ text: '可以讲粤语吗' }] },
    miss: { turns: [{ text: '我在广州' }] },
  },
  {
    id: 'high_value_closing',
    fires: { turns: [{}], state: 'closing', customer: { tags: ['vip'] } },
    miss: { turns: [{}], state: 'product_pitch', customer: { tags: ['vip'] } },
  },
  {
    id: 'high_value_closing',
    fires: { turns: [{}], state: 'pricing', customer: { crm: { customer_tier: '钻石' } } },
    miss: { turns: [{}], state: 'pricing', customer: { crm: { customer_tier: 'B' } } },
  },
  {
    id: 'hot_purchase',
    fires: { turns: [{ intent: 'agree_purchase' }], customer: { intentScore: 0.8 } },
    miss: { turns: [{ intent: 'agree_purchase' }], customer: { intentScore: 0.5 } },
  },
  {
    id: 'hot_callback_time',
    fires: {
      turns: [{ intent: 'request_callback', text: '明天下午三点再打给我' }],
      customer: { intentScore: 0.8 },
    },
    miss: {
      turns: [{ intent: 'request_callback', text: 'call me back later' }],
      customer: { intentScore: 0.8 },
    },
  },
  {
    id: 'wants_meeting',
    fires: { turns: [{ intent: 'ask_meeting' }] },
    miss: { turns: [{ intent: 'interested' }] },
  },
  {
    id: 'competitor_comparison',
    fires: { turns: [{ text: 'how do you compare to your competitors?' }] },
    miss: { turns: [{ text: '我们已经在用别家了', intent: 'objection_competitor' }] },
  },
  {
    id: 'repeated_price_objection',
    fires: { turns: times(3, { intent: 'objection_price' }) },
    miss: { turns: times(2, { intent: 'objection_price' }) },
  },
  {
    id: 'technical_detail',
    fires: { turns: times(3, { intent: 'ask_details' }) },
    miss: { turns: [...times(3, { intent: 'ask_details' }), { intent: 'ask_price' }] },
  },
  {
    id: 'asks_materials',
    fires: { turns: [{ intent: 'ask_materials' }] },
    miss: { turns: [{ intent: 'interested' }] },
  },
  {
    id: 'negative_mood_persistent',
    fires: { turns: times(3, { emotion: 'negative', valence: -0.4 }) },
    miss: { turns: times(2, { emotion: 'negative', valence: -0.4 }) },
  },
  {
    id: 'many_objections',
    fires: {
      turns: [
        { intent: 'objection_price' },
        { intent: 'objection_timing' },
        { intent: 'objection_trust' },
        { intent: 'objection_timing' },
      ],
    },
    miss: {
      turns: [{ intent: 'objection_price' }, { intent: 'objection_timing' }, {}],
    },
  },
  {
    id: 'out_of_scope_twice',
    fires: { turns: times(2, { outOfScope: true }) },
    miss: { turns: [{ outOfScope: true }] },
  },
  {
    id: 'out_of_scope_twice',
    fires: { turns: [{}, { outOfScope: true }, { outOfScope: true }] },
    miss: { turns: [{ outOfScope: true }, {}, { outOfScope: true }] },
  },
  {
    id: 'low_asr_twice',
    fires: { turns: times(2, { asrConfidence: 0.4 }) },
    miss: { turns: [{ asrConfidence: 0.4 }, { asrConfidence: 0.9 }, { asrConfidence: 0.4 }] },
  },
  {
    id: 'long_call',
    fires: { turns: times(20, {}) },
    miss: { turns: times(19, {}) },
  },
  {
    id: 'stuck_in_state',
    fires: { turns: times(8, {}) },
    miss: {
      turns: [...times(4, { state: 'product_pitch' }), ...times(4, { state: 'pricing' })],
    },
  },
];

describe('transfer triggers (config/transfer.json)', () => {
  it('ships at least 20 triggers, each covered below', () => {
    expect(config.triggers.length).toBeGreaterThanOrEqual(20);
    expect(new Set(rows.map((r) => r.id))).toEqual(new Set(config.triggers.map((t) => t.id)));
  });

  // Each shipped trigger's condition, switched on whether or not it ships enabled.
  const allOn: TransferConfig = {
    ...config,
    triggers: config.triggers.map((t) => ({ ...t, enabled: true })),
  };
  it.each(rows)('$id fires, and only the near miss does not', ({ id, fires, miss }) => {
    expect(firstTrigger(allOn, input(fires))?.id).toBe(id);
    expect(
      firstTrigger(
        { ...allOn, triggers: only(id).triggers.map((t) => ({ ...t, enabled: true })) },
        input(miss),
      ),
    ).toBeUndefined();
  });

  it('ships the triggers that would pull an agent from a call the bot finishes (materials, a callback time) switched off', () => {
    const off = config.triggers.filter((t) => !t.enabled).map((t) => t.id);
    expect(off.sort()).toEqual(['asks_materials', 'hot_callback_time']);
    expect(firstTrigger(config, input({ turns: [{ intent: 'ask_materials' }] }))).toBeUndefined();
  });

  it('a calm in-scope turn fires nothing', () => {
    expect(firstTrigger(config, input({ turns: [{}] }))).toBeUndefined();
  });

  it('the highest priority wins, a disabled trigger is skipped', () => {
    const x = input({ turns: [{ text: '再这样我就投诉，还要找律师', intent: 'complaint' }] });
    expect(firstTrigger(config, x)?.id).toBe('legal_threat');
    const off: TransferConfig = {
      ...config,
      triggers: config.triggers.map((t) =>
        t.id === 'legal_threat' ? { ...t, enabled: false } : t,
      ),
    };
    expect(firstTrigger(off, x)?.id).toBe('complaint_words');
  });

  it('equal priorities go by order in the file', () => {
    const t = (id: string): Trigger => ({
      id,
      description: id,
      enabled: true,
      priority: 1,
      queue: 'general',
      when: { intent: ['request_human'] },
    });
    const two = { ...config, triggers: [t('first'), t('second')] };
    expect(firstTrigger(two, input({ turns: [{ intent: 'request_human' }] }))?.id).toBe('first');
  });

  it('counters: streaks break, counts grow, turns-in-state restart', () => {
    const seq: [TurnSignals, string][] = [
      [signals({ outOfScope: true, asrConfidence: 0.3, intent: 'objection_price' }), 'pricing'],
      [signals({ emotion: 'angry', valence: -0.8 }), 'pricing'],
      [signals({ outOfScope: true, slots: { objection: 'timing' } }), 'closing'],
    ];
    const c = seq.reduce((acc, [s, st]) => updateCounters(acc, s, st), initialCounters());
    expect(c).toEqual({
      customerTurns: 3,
      outOfScopeStreak: 1,
      lowAsrStreak: 0,
      negativeTurns: 1,
      objections: 2,
      turnsInState: 1,
      state: 'closing',
      intentCounts: { objection_price: 1, out_of_scope: 2 },
    });
  });
});

describe('loadTransferConfig validation', () => {
  const base = configJson as { triggers: object[] };
  const broken = (triggers: unknown[]) => ({ ...base, triggers });
  const messageOf = (json: unknown): string => {
    try {
      loadTransferConfig(json);
    } catch (err) {
      return (err as Error).message;
    }
    throw new Error('expected an error');
  };

  it('names the path of every problem', () => {
    const t0 = base.triggers[0]!;
    const msg = messageOf(
      broken([
        { ...t0, when: { any: [{ intnet: ['agree_purchase'] }] } },
        { ...t0, id: 'b', priority: 'high' },
        { ...t0, id: 'c', when: { counterAtLeast: { streak: 2 } } },
        { ...t0, id: 'd', when: {} },
        { ...t0, id: 'e', when: { emotion: ['furious'] } },
      ]),
    );
    expect(msg).toMatch(/^invalid transfer config/);
    expect(msg).toContain('triggers.0.when.any.0: Unrecognized key: "intnet"');
    expect(msg).toContain('triggers.1.priority:');
    expect(msg).toContain('triggers.2.when.counterAtLeast: Unrecognized key: "streak"');
    expect(msg).toContain('triggers.3.when: a condition needs at least one operator');
    expect(msg).toContain('triggers.4.when.emotion.0:');
    expect(msg.split('\n')).toHaveLength(6);
  });

  it('reports duplicate trigger ids', () => {
    const [t0, t1] = base.triggers;
    expect(messageOf(broken([t0, t1, t0]))).toContain(
      'triggers.2.id: duplicate trigger "legal_threat"',
    );
  });

  it('rejects unknown top-level and trigger fields', () => {
    const msg = messageOf({ ...broken([{ ...base.triggers[0], colour: 'red' }]), extra: 1 });
    expect(msg).toContain('(root): Unrecognized key: "extra"');
    expect(msg).toContain('triggers.0: Unrecognized key: "colour"');
  });
});

const trigger = (id: string): Trigger => config.triggers.find((t) => t.id === id)!;

describe('buildHandoff', () => {
  const turns = Array.from({ length: 9 }, (_, i) => ({
    speaker: i % 2 === 0 ? ('customer' as const) : ('bot' as const),
    text: `第${i}句`,
  }));
  const handoff = buildHandoff({
    trigger: trigger('hot_purchase'),
    state: 'closing',
    signals: signals({ text: '我要买，王建国，电话13800138000', intent: 'agree_purchase' }),
    memorySlots: { budget: '5万', objection: 'price' },
    customer: customer({ tags: ['vip'], intentScore: 0.82 }),
    lastTurns: [...turns, { speaker: 'customer', text: '我是王建国，回拨 138-0013-8000' }],
    callId: 'call-9',
  });

  it('carries reason, queue, slots, profile and the last 6 turns', () => {
    expect(handoff.reason).toEqual({
      trigger: 'hot_purchase',
      description: 'High-intent customer wants to buy',
    });
    expect(handoff.queue).toBe('sales_closing');
    expect(handoff.slots).toEqual({ budget: '5万', objection: 'price' });
    expect(handoff.profile).toEqual({
      tags: ['vip'],
      tier: 'C',
      industry: 'retail',
      intentScore: 0.82,
    });
    expect(handoff.intentScore).toBe(0.82);
    expect(handoff.lastTurns).toHaveLength(6);
    expect(handoff.lastTurns[0]?.text).toBe('第4句');
  });

  it('summarises in the customer language', () => {
    expect(handoff.language).toBe('zh');
    expect(handoff.summary).toBe(
      '客户同意购买、开通、签约。异议：价格。已知：预算 5万。转人工原因：高意向客户想购买。',
    );
  });

  it('never carries the phone number or name', () => {
    const text = JSON.stringify(handoff);
    expect(text).not.toContain('王建国');
    expect(text).not.toMatch(/138-?0013-?8000/);
    expect(handoff.lastTurns.at(-1)?.text).toBe('我是[name]，回拨 [phone]');
  });

  it('writes English for an English-speaking customer, and keeps a given summary', () => {
    const en = buildHandoff({
      trigger: trigger('repeated_price_objection'),
      state: 'objection_handling',
      signals: signals({ text: 'still too expensive', intent: 'objection_price' }),
      memorySlots: { timeline: 'next quarter' },
      customer: customer(),
      lastTurns: [{ speaker: 'customer', text: 'too expensive' }],
      callId: 'call-10',
    });
    expect(en.summary).toBe(
      'Customer finds it too expensive. Known: timeline next quarter. ' +
        'Transferred because: Customer objected to the price three times.',
    );
    const given = buildHandoff({
      trigger: trigger('request_human'),
      state: 'pricing',
      signals: signals(),
      memorySlots: {},
      customer: customer(),
      lastTurns: [],
      callId: 'call-11',
      summary: '王建国 wants a person',
    });
    expect(given.summary).toBe('[name] wants a person');
  });
});

describe('agents', () => {
  const skills = loadSkillModel({
    priorStrength: 10,
    defaultKnowledge: 0.5,
    knowledge: { ann: { loans: 0.9 }, bob: { loans: 0.6 }, cai: { loans: 0.6 } },
    outcomes: {},
  });
  const agent = (id: string, over: Partial<Agent> = {}): Agent => ({
    id,
    queues: ['sales_closing'],
    languages: ['zh', 'en'],
    available: true,
    ...over,
  });
  const need = { queue: 'sales_closing', productLine: 'loans' };

  it('picks the most skilled available agent in the queue', () => {
    const agents = [agent('bob'), agent('ann'), agent('cai')];
    expect(chooseAgent(agents, need, skills)?.id).toBe('ann');
    const annBusy = [agent('bob'), agent('ann', { available: false }), agent('cai')];
    expect(chooseAgent(annBusy, need, skills)?.id).toBe('bob');
    const annElsewhere = [agent('cai'), agent('ann', { queues: ['billing'] })];
    expect(chooseAgent(annElsewhere, need, skills)?.id).toBe('cai');
    const cantonese = { ...need, language: 'yue' };
    expect(chooseAgent(agents, cantonese, skills)).toBeUndefined();
    const withCai = [...agents.slice(0, 2), agent('cai', { languages: ['yue'] })];
    expect(chooseAgent(withCai, cantonese, skills)?.id).toBe('cai');
  });

  it('breaks skill ties by least recent assignment', () => {
    const agents = [agent('bob', { lastAssignedAt: 2000 }), agent('cai', { lastAssignedAt: 1000 })];
    expect(chooseAgent(agents, need, skills)?.id).toBe('cai');
    expect(
      chooseAgent([agent('cai', { lastAssignedAt: 1000 }), agent('bob')], need, skills)?.id,
    ).toBe('bob');
  });

  it('follows learned skill once outcomes outweigh knowledge', () => {
    let learned = skills;
    for (let i = 0; i < 30; i++) learned = recordOutcome(learned, 'ann', 'loans', false);
    expect(chooseAgent([agent('ann'), agent('bob')], need, learned)?.id).toBe('bob');
  });

  it('returns undefined when nobody is available', () => {
    const agents = [agent('ann', { available: false }), agent('bob', { available: false })];
    expect(chooseAgent(agents, need, skills)).toBeUndefined();
    expect(chooseAgent([], need, skills)).toBeUndefined();
  });
});

describe('no pickup and hybrid mode', () => {
  const handoffTo = (id: string) =>
    buildHandoff({
      trigger: trigger(id),
      state: 'pricing',
      signals: signals(),
      memorySlots: {},
      customer: customer(),
      lastTurns: [],
      callId: 'call-7',
    });

  it('gives the pickup deadline', () => {
    expect(pickupDeadline(1_000, config.noPickup.timeoutMs)).toBe(31_000);
  });

  it('falls back per queue and raises an alert', () => {
    expect(onNoPickup(handoffTo('complaint_words'), config)).toEqual({
      fallback: 'callback_task',
      alert:
        'no agent in queue complaints picked up call call-7 within 30s ' +
        '(trigger complaint_words); fallback: callback_task',
    });
    expect(onNoPickup(handoffTo('request_human'), config).fallback).toBe('bot_continue');
    expect(onNoPickup(handoffTo('language_request'), config).fallback).toBe('voicemail');
  });

  it('plans bot screening and an agent follow-up for high-value customers only', () => {
    const plan = { screening: 'bot', followUp: { queue: 'key_accounts', dueInHours: 4 } };
    expect(hybridPlan(customer({ tags: ['vip'] }), config)).toEqual(plan);
    expect(hybridPlan(customer({ crm: { customer_tier: 'A' } }), config)).toEqual(plan);
    expect(hybridPlan(customer(), config)).toBeUndefined();
    const off = { ...config, hybrid: { ...config.hybrid, enabled: false } };
    expect(hybridPlan(customer({ tags: ['vip'] }), off)).toBeUndefined();
  });
});
