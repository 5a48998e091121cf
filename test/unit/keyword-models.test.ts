import { describe, expect, it } from 'vitest';
import {
  createKeywordModels,
  DEFAULT_COMPLIANCE_CONFIG,
  type ComplianceConfig,
} from '../../src/models/keyword/index.js';
import { CORE_INTENTS } from '../../src/models/intent-taxonomy.js';
import type { EmotionLabel, SlotFacts } from '../../src/models/types.js';

const models = createKeywordModels();

describe('keyword intent', () => {
  it('knows the core labels of the intent taxonomy, out_of_scope last', () => {
    expect(CORE_INTENTS).toHaveLength(28);
    expect(CORE_INTENTS.at(-1)).toBe('out_of_scope');
  });

  it.each([
    ['您好', 'greeting'],
    ['Hello, good morning', 'greeting'],
    ['你好，请问多少钱？', 'ask_price'],
    ['How much does it cost?', 'ask_price'],
    ['能详细介绍一下吗', 'ask_details'],
    ['How does it work?', 'ask_details'],
    ['听起来不错，可以考虑', 'interested'],
    ['That sounds interesting', 'interested'],
    ['我要买，怎么付款', 'agree_purchase'],
    ["OK, I'll take it", 'agree_purchase'],
    ['不感兴趣，谢谢', 'not_interested'],
    ['I am not interested', 'not_interested'],
    ['發點資料給我吧', 'ask_materials'],
    ['Can you send me some brochures?', 'ask_materials'],
    ['现在不方便，晚点再打给我', 'request_callback'],
    ['Call me back tomorrow', 'request_callback'],
    ['转人工', 'request_human'],
    ['I want to speak to a real person', 'request_human'],
    ['我们能不能见面聊一下', 'ask_meeting'],
    ['Could we schedule a demo?', 'ask_meeting'],
    ['你们天天打，我要投诉', 'complaint'],
    ['This is harassment', 'complaint'],
    ['太贵了', 'objection_price'],
    ['That is too expensive for us', 'objection_price'],
    ['现在没时间', 'objection_timing'],
    ['Not now, maybe later', 'objection_timing'],
    ['你们是骗子吧', 'objection_trust'],
    ['How did you get my number?', 'privacy_concern'],
    ['你们怎么有我电话的', 'privacy_concern'],
    ['以后别给我打电话了', 'opt_out'],
    ['能便宜点吗', 'ask_discount'],
    ['能开发票吗', 'ask_terms'],
    ['我们用不上这个', 'objection_no_need'],
    ['我是老板，我说了算', 'decision_maker_self'],
    ['预算的话大概十万吧', 'inform_budget'],
    ['没听清，再说一遍', 'ask_repeat'],
    ['我们已经在用别家的了', 'objection_competitor'],
    ['We already have one', 'objection_competitor'],
    ['是我', 'confirm_identity'],
    ['Yes, speaking', 'confirm_identity'],
    ['你打错了，不是我', 'deny_identity'],
    ['Sorry, wrong number', 'deny_identity'],
    ['ＨＯＷ ＭＵＣＨ', 'ask_price'],
  ])('%s → %s', (text, intent) => {
    const r = models.intent(text);
    expect(r).toMatchObject({ intent, outOfScope: false });
    expect(r.confidence).toBeGreaterThan(0.5);
    expect(r.confidence).toBeLessThan(1);
  });

  it.each([
    ['今天天气怎么样'],
    ['不要紧'],
    ['The weather is nice today'],
    [''],
    ['不贵'],
    ['not too expensive'],
  ])('%j is out of scope', (text) => {
    expect(models.intent(text)).toEqual({
      intent: 'out_of_scope',
      confidence: 0,
      outOfScope: true,
    });
  });

  it('is less sure when a rival intent is heard too', () => {
    const alone = models.intent('晚点再打给我').confidence;
    const contested = models.intent('现在不方便，晚点再打给我').confidence;
    expect(contested).toBeLessThan(alone);
  });
});

describe('keyword emotion', () => {
  it.each<[string, EmotionLabel, 'pos' | 'neg' | 'zero']>([
    ['好的，谢谢', 'positive', 'pos'],
    ['Great, thanks!', 'positive', 'pos'],
    ['这个不错，我挺喜欢', 'positive', 'pos'],
    ['我不满意', 'negative', 'neg'],
    ['This is terrible', 'negative', 'neg'],
    ['不太好', 'negative', 'neg'],
    ['滚！别再打了', 'angry', 'neg'],
    ['Stop calling me, you idiot', 'angry', 'neg'],
    ['太差了！！', 'angry', 'neg'],
    ['烦死了！！', 'angry', 'neg'],
    ['快点说重点，我没时间', 'impatient', 'neg'],
    ['Hurry up, get to the point', 'impatient', 'neg'],
    ["I'm busy", 'impatient', 'neg'],
    ['你好', 'neutral', 'zero'],
    ['不好意思，麻烦你再说一遍', 'neutral', 'zero'],
    ['What!!', 'neutral', 'zero'],
  ])('%s → %s', (text, label, sign) => {
    const r = models.emotion(text);
    expect(r.label).toBe(label);
    expect(r.valence).toBeGreaterThanOrEqual(-1);
    expect(r.valence).toBeLessThanOrEqual(1);
    if (sign === 'pos') expect(r.valence).toBeGreaterThan(0);
    if (sign === 'neg') expect(r.valence).toBeLessThan(0);
    if (sign === 'zero') expect(r.valence).toBe(0);
  });

  it('reads shouting as stronger', () => {
    expect(models.emotion('Thank you!!!').valence).toBeGreaterThan(
      models.emotion('Thank you').valence,
    );
    expect(models.emotion('快点！！').valence).toBeLessThan(models.emotion('快点').valence);
  });
});

describe('keyword compliance', () => {
  // Each expected hit is [rule, the original text it points at].
  it.each<[string, 'bot' | 'agent', [string, string][]]>([
    [
      '这款产品保本保收益',
      'bot',
      [
        ['principal_guarantee', '保本'],
        ['guaranteed_return', '保收益'],
      ],
    ],
    ['这是零风险的', 'agent', [['no_risk', '零风险']]],
    ['买了稳赚', 'bot', [['guaranteed_return', '稳赚']]],
    [
      '有保底，也是刚性兑付',
      'bot',
      [
        ['principal_guarantee', '保底'],
        ['principal_guarantee', '刚性兑付'],
      ],
    ],
    ['肯定不会亏', 'bot', [['no_risk', '不会亏']]],
    ['我们保证收益', 'bot', [['guaranteed_return', '保证收益']]],
    ['完全无风险', 'bot', [['no_risk', '无风险']]],
    ['放心，保 本的', 'bot', [['principal_guarantee', '保 本']]],
    ['保-证-收-益', 'bot', [['guaranteed_return', '保-证-收-益']]],
    ['穩賺不賠', 'bot', [['guaranteed_return', '穩賺不賠']]],
    ['零 風 險', 'bot', [['no_risk', '零 風 險']]],
    // Offsets stay right around characters outside the BMP.
    ['😀保😀本😀', 'bot', [['principal_guarantee', '保😀本']]],
    ['這個保證收益', 'bot', [['guaranteed_return', '保證收益']]],
    [
      '絕對無風險，不會虧',
      'bot',
      [
        ['no_risk', '無風險'],
        ['no_risk', '不會虧'],
      ],
    ],
    [
      'ＧＵＡＲＡＮＴＥＥＤ ＲＥＴＵＲＮＳ',
      'bot',
      [['guaranteed_return', 'ＧＵＡＲＡＮＴＥＥＤ ＲＥＴＵＲＮＳ']],
    ],
    ['We offer Guaranteed Returns.', 'bot', [['guaranteed_return', 'Guaranteed Returns']]],
    ['It is risk-free', 'agent', [['no_risk', 'risk-free']]],
    ['totally risk free!', 'bot', [['no_risk', 'risk free']]],
    ["You can't lose with this", 'bot', [['no_risk', "can't lose"]]],
    ['you can’t lose', 'bot', [['no_risk', 'can’t lose']]],
    [
      'Your principal guaranteed, of course',
      'bot',
      [['principal_guarantee', 'principal guaranteed']],
    ],
    [
      'g u a r a n t e e d  r e t u r n',
      'bot',
      [['guaranteed_return', 'g u a r a n t e e d  r e t u r n']],
    ],
    // A disclosure elsewhere does not excuse a promise.
    ['投资有风险，但这款产品保本', 'bot', [['principal_guarantee', '保本']]],
    [
      '我们不仅保本，还保证收益',
      'bot',
      [
        ['principal_guarantee', '保本'],
        ['guaranteed_return', '保证收益'],
      ],
    ],
  ])('flags %s', (text, speaker, expected) => {
    const hits = models.compliance(text, speaker);
    expect(hits.map((h) => [h.rule, text.slice(h.start, h.end)])).toEqual(expected);
  });

  it.each([
    ['这款产品不保本'],
    ['这款产品不 保 本'],
    ['我们不承诺收益'],
    ['投资有风险，入市需谨慎'],
    ['不可能零风险'],
    ['并非保本产品'],
    ['这不是零风险的'],
    ['零风险是不可能的'],
    ['我们不保证收益'],
    ['The returns are not guaranteed'],
    ['These are not guaranteed returns'],
    ['It is not risk-free, there is risk'],
    ["It isn't risk-free"],
    ['There is no such thing as a risk-free investment'],
    ['我们确保本次通话录音'],
    ['为了确保。本公司合规经营'],
    ['无风险利率是2%'],
    ['unguaranteed returns'],
  ])('does not flag %s', (text) => {
    expect(models.compliance(text, 'bot')).toEqual([]);
  });

  it.each([['这款产品保本吗？'], ['Is it risk-free?'], ['你们说稳赚，是真的吗']])(
    'never flags the customer: %s',
    (text) => {
      expect(models.compliance(text, 'customer')).toEqual([]);
      expect(models.compliance(text, 'bot')).not.toEqual([]);
    },
  );

  it('reports the configured term and the original offsets', () => {
    expect(models.compliance('穩賺', 'bot')).toEqual([
      { rule: 'guaranteed_return', term: '稳赚', start: 0, end: 2 },
    ]);
  });

  it('takes terms and negations from configuration', () => {
    const config: ComplianceConfig = {
      ...DEFAULT_COMPLIANCE_CONFIG,
      rules: [{ name: 'doubling', terms: ['翻倍'] }],
    };
    const custom = createKeywordModels({ compliance: config });
    expect(custom.compliance('一年翻倍', 'bot')).toEqual([
      { rule: 'doubling', term: '翻倍', start: 2, end: 4 },
    ]);
    expect(custom.compliance('不翻倍', 'bot')).toEqual([]);
    expect(custom.compliance('保本', 'bot')).toEqual([]);
  });

  it.each<[string, unknown]>([
    ['a rule name that is not snake_case', { rules: [{ name: 'No Risk', terms: ['x'] }] }],
    ['a rule without terms', { rules: [{ name: 'empty', terms: [] }] }],
    ['a term that is only punctuation', { rules: [{ name: 'dots', terms: ['...'] }] }],
  ])('rejects a config with %s at creation', (_why, patch) => {
    const config = { ...DEFAULT_COMPLIANCE_CONFIG, ...(patch as object) } as ComplianceConfig;
    expect(() => createKeywordModels({ compliance: config })).toThrow();
  });
});

describe('keyword slots', () => {
  it.each<[string, SlotFacts]>([
    [
      '预算在二十万左右',
      {
        budget: '二十万',
        budgetRange: { min: 180000, max: 220000, period: 'once', currency: 'CNY' },
      },
    ],
    [
      '预算一般是五十万',
      {
        budget: '五十万',
        budgetRange: { min: 500000, max: 500000, period: 'once', currency: 'CNY' },
      },
    ],
    [
      '我们预算大概30万元',
      {
        budget: '30万元',
        budgetRange: { min: 270000, max: 330000, period: 'once', currency: 'CNY' },
      },
    ],
    [
      'Our budget is about $50k',
      { budget: '$50k', budgetRange: { min: 45000, max: 55000, period: 'once', currency: 'USD' } },
    ],
    [
      'We can spend up to 200 thousand',
      {
        budget: '200 thousand',
        budgetRange: { min: 0, max: 200000, period: 'once', currency: 'USD' },
      },
    ],
    ['预算还没定', {}],
    ['下个月再说吧', { timeline: '下个月', objection: 'timing' }],
    ['年底前要定下来', { timeline: '年底前' }],
    ['今年底之前上线', { timeline: '今年底之前' }],
    ['三个月内上线', { timeline: '三个月内' }],
    ['We plan to buy next month', { timeline: 'next month' }],
    ['Probably this quarter', { timeline: 'this quarter' }],
    ['By the end of the year', { timeline: 'by the end of the year' }],
    ['我得问问老板', { decisionMaker: 'boss' }],
    ['这个需要领导批准', { decisionMaker: 'manager' }],
    ['My boss decides', { decisionMaker: 'boss' }],
    ['I need to check with my wife', { decisionMaker: 'spouse' }],
    ['我自己就能做主', { decisionMaker: 'self' }],
    ['我不能做主', { decisionMaker: 'other' }],
    ['我们用的是平安的', { competitor: '平安' }],
    ['祝你平平安安', {}],
    ['We use Acme', { competitor: 'Acme' }],
    ['太贵了', { objection: 'price' }],
    ['一点都不贵', {}],
    ['现在不方便', { objection: 'timing' }],
    ['你们是骗子', { objection: 'trust' }],
    ['不需要', { objection: 'need' }],
    ['我们已经有了', { objection: 'competitor' }],
    ['That is too expensive', { objection: 'price' }],
    ['Not now', { objection: 'timing' }],
    ['That sounds like a scam', { objection: 'trust' }],
    ["We don't need it", { objection: 'need' }],
    ['We already have one from Acme', { competitor: 'Acme', objection: 'competitor' }],
    [
      '預算在二十萬左右，下個月要問問老闆',
      {
        budget: '二十万',
        budgetRange: { min: 180000, max: 220000, period: 'once', currency: 'CNY' },
        timeline: '下个月',
        decisionMaker: 'boss',
      },
    ],
  ])('%s', (text, expected) => {
    expect(models.slots(text)).toEqual(expected);
  });

  it('takes its competitor list from configuration', () => {
    const custom = createKeywordModels({
      competitors: [{ name: 'Globex', aliases: ['globex', '环球'] }],
    });
    expect(custom.slots('我们在用环球的系统')).toEqual({ competitor: 'Globex' });
    // Off the configured list, Acme is only a name heard after "we use", reported as heard.
    expect(custom.slots('We use Acme')).toEqual({ competitor: 'acme' });
  });
});

it('reports its version', () => {
  expect(models.version).toBe('keyword-1');
});
