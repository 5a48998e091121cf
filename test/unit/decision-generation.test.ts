/**
 * Generated lines in the decision engine: where config/generation.json lets
 * a turn generate, what the generator is asked (the facts are the
 * generator's own business; here the turn, profile without personal data
 * and the last turns), the line spoken when it passes, the template with
 * the cause when it does not, and a second turn of the call refused while
 * the first waits.
 */
import { describe, expect, it } from 'vitest';
import {
  buildPrompt,
  DEFAULT_GENERATION_POLICY,
  mayGenerate,
  type Generated,
  type GenerationAsk,
} from '../../src/decision/generation/index.js';
import { engine, turn } from '../helpers/decision-engine.js';

const P = DEFAULT_GENERATION_POLICY;

describe('where a line may be generated', () => {
  it.each([
    ['product_pitch', 'ask_terms', [], 'question'],
    ['product_pitch', 'ask_details', [], 'question'],
    ['pricing', 'ask_price', [], null],
    ['pricing', 'ask_price', ['pricing'], 'after_script'],
    ['objection_handling', 'objection_price', ['objection_handling'], 'after_script'],
    ['needs_discovery', 'out_of_scope', [], 'on_topic'],
    ['opening', 'ask_terms', [], null],
    ['identity_check', 'ask_details', [], null],
    ['closing', 'ask_terms', [], null],
    ['do_not_call', 'ask_terms', [], null],
    ['product_pitch', 'opt_out', [], null],
    ['product_pitch', 'greeting', [], null],
  ])('%s, %s (said before: %j) → %s', (state, intent, said, ground) => {
    expect(mayGenerate(P, { state, intent, node: state, saidNodes: said })).toBe(ground);
  });
});

describe('the prompt', () => {
  it('carries the facts, the state, the last 3 turns and the profile, and asks for a short line', () => {
    const [system, user] = buildPrompt({
      question: '合同里违约金怎么算',
      state: 'product_pitch',
      intent: 'ask_terms',
      productLine: 'loan',
      template: '我们的方案可以帮助企业提升运营效率',
      facts: [{ id: 'loan#违约金', text: '提前还款违约金为剩余本金的1%。' }],
      profile: {
        segment: 'manufacturing/none',
        tags: ['high_intent'],
        stated: { budget: '二十万' },
      },
      lastTurns: [
        { speaker: 'bot', text: 'A' },
        { speaker: 'customer', text: 'B' },
        { speaker: 'bot', text: 'C' },
        { speaker: 'customer', text: 'D' },
      ],
      maxChars: 60,
    });
    expect(system!.content).toMatch(/不超过60个字/);
    expect(system!.content).toMatch(/不承诺收益/);
    expect(user!.content).toContain('提前还款违约金为剩余本金的1%。');
    expect(user!.content).toContain('product_pitch');
    expect(user!.content).toContain('budget=二十万');
    expect(user!.content).toContain('high_intent');
    expect(user!.content).not.toMatch(/坐席：A/);
    expect(user!.content).toMatch(/客户：B\n坐席：C\n客户：D/);
    expect(user!.content).toMatch(/客户刚才说：合同里违约金怎么算/);
  });
});

describe('the engine with a generator', () => {
  const spoken = (text: string): Generated => ({
    spoken: true,
    text,
    facts: ['loan#违约金'],
    tokens: 42,
    ms: 12,
    cached: false,
  });
  const setup = (generate: (ask: GenerationAsk) => Promise<Generated>) => {
    const asks: GenerationAsk[] = [];
    const x = engine({
      generation: P,
      customer: { name: '王小明', phone: '13800001111' } as never,
      generate: (ask) => {
        asks.push(ask);
        return generate(ask);
      },
    });
    return { ...x, asks };
  };

  it('speaks a generated answer to a question no template covers, and logs it', async () => {
    const { e, asks, logged, emitted } = setup(async () =>
      spoken('违约金是剩余本金的1%，我请顾问把合同发您。'),
    );
    await e.converse(turn('g1', '喂，你好'));
    const d = await e.converse(turn('g1', '合同里违约金怎么算'));
    expect(asks).toHaveLength(1);
    expect(asks[0]).toMatchObject({
      intent: 'ask_terms',
      question: '合同里违约金怎么算',
      ground: 'question',
    });
    expect(JSON.stringify(asks[0])).not.toMatch(/王小明|13800001111/);
    expect(asks[0]!.lastTurns.map((t) => t.text)).toContain('喂，你好');
    expect(d).toMatchObject({
      action: 'say',
      variant: 'generated',
      text: '违约金是剩余本金的1%，我请顾问把合同发您。',
    });
    expect(d.generation).toMatchObject({ spoken: true, facts: ['loan#违约金'], tokens: 42 });
    expect(logged.at(-1)).toMatchObject({ variant: 'generated', generation: 'spoken', tokens: 42 });
    const bot = emitted.filter((x) => x.type === 'dialog.turn' && x.speaker === 'bot').at(-1);
    expect(bot).toMatchObject({ text: d.text });
    // The sync path never asks: templates only.
    const t = e.turn(turn('g2', '合同里违约金怎么算'));
    expect(t.variant).not.toBe('generated');
    expect(asks).toHaveLength(1);
  });

  it('speaks the template when the line is not spoken, with the cause', async () => {
    const { e, logged } = setup(async () => ({
      spoken: false,
      cause: 'gate:compliance',
      detail: '保本',
      tokens: 30,
      ms: 9,
    }));
    await e.converse(turn('g3', '喂，你好'));
    const d = await e.converse(turn('g3', '合同里违约金怎么算'));
    expect(d.variant).not.toBe('generated');
    expect(d.text).not.toMatch(/保本/);
    expect(d.generation).toEqual({ spoken: false, cause: 'gate:compliance', tokens: 30, ms: 9 });
    expect(logged.at(-1)).toMatchObject({ generation: 'gate:compliance', tokens: 30 });
  });

  it('never asks in a scripted step', async () => {
    const { e, asks } = setup(async () => spoken('x'));
    await e.converse(turn('g4', '喂，你好'));
    await e.converse(turn('g4', '不要再打了'));
    expect(asks).toEqual([]);
  });

  it('refuses a second turn of the call while the first waits for its line', async () => {
    let release!: () => void;
    const { e } = setup(
      () => new Promise<Generated>((r) => (release = () => r(spoken('好的，稍后发您。')))),
    );
    await e.converse(turn('g5', '喂，你好'));
    const first = e.converse(turn('g5', '合同里违约金怎么算'));
    await expect(e.converse(turn('g5', '喂？'))).rejects.toMatchObject({ code: 'CONFLICT' });
    release();
    expect((await first).text).toBe('好的，稍后发您。');
    // And then the call goes on.
    expect(e.turn(turn('g5', '好的'))).toMatchObject({ call_id: 'g5' });
  });

  it('makes generated vs template an arm of the experiments per node and segment, when asked to', async () => {
    const x = engine({
      generation: { ...P, experiment: true },
      generate: async () => spoken('好的，我请顾问把合同条款发您。'),
    });
    const sources = new Set<string>();
    for (let i = 0; i < 40; i++) {
      await x.e.converse(turn(`arm-${i}`, '喂，你好'));
      const d = await x.e.converse(turn(`arm-${i}`, '合同里违约金怎么算'));
      sources.add(d.variant === 'generated' ? 'generated' : 'template');
      x.e.observe([
        {
          event_id: `end-${i}`,
          type: 'call.ended',
          ts: new Date(x.clock.now()).toISOString(),
          schema_version: 1,
          customer_id: 'c-1',
          call_id: `arm-${i}`,
          outcome: d.variant === 'generated' ? 'converted' : 'interested',
          duration_s: 60,
        } as never,
      ]);
    }
    // Both arms were tried, and the cell learned which converts.
    expect(sources).toEqual(new Set(['generated', 'template']));
    const cell = x.e.experimentCells().find((c) => c.node.startsWith('generate:'))!;
    expect(cell.trials).toBe(40);
    const arms = x.e.experimentReport(cell.node, cell.segment);
    const generated = arms.find((a) => a.variant === 'generated')!;
    const template = arms.find((a) => a.variant === 'template')!;
    expect(generated.conversions).toBe(generated.trials);
    expect(template.conversions).toBe(0);
  });
});
