import { describe, expect, it } from 'vitest';
import {
  createComplianceGuard,
  DEFAULT_COMPLIANCE_CONFIG,
} from '../../src/models/compliance/index.js';

const guard = createComplianceGuard(DEFAULT_COMPLIANCE_CONFIG);

describe('compliance: what is not a promise', () => {
  const table: Record<string, string[]> = {
    negation: [
      '这款产品不保本，净值会有波动。',
      '我们不承诺收益，具体以实际运作为准。',
      '任何投资都不可能零风险。',
      '这款理财并非保本产品。',
      '我们无法保证收益，业绩比较基准仅供参考。',
      '零风险的投资是不存在的。',
      '资管新规以后，刚性兑付已经被打破了。',
      '并不是所有理财都保本，这款就不是。',
      '保本？不是的，这款是浮动收益型。',
      '本金不是不会亏的，这点我得提醒您。',
      '收益不固定，跟市场表现挂钩。',
      'It is not a guaranteed return product.',
      'No one can promise guaranteed returns.',
    ],
    'disguised negation': [
      '这个产品不 保 本，您要注意。',
      '本產品不保證收益。',
      '不可能零風險，這點我必須跟您說清楚。',
      '这个是bu bao ben的。',
      'wo men bu cheng nuo shou yi.',
      '不可能 ling feng xian 的。',
      '这款不是保夲的。',
      '这只基金不是稳转不赔的。',
    ],
    disclosure: [
      '投资有风险，入市需谨慎。',
      '理财非存款，产品有风险，投资须谨慎。',
      '过往业绩不代表未来表现。',
      '低风险不等于没有风险。',
      '无论哪种产品，都不可能百分之百保本。',
      '即使是低风险产品，也不能保证不亏损。',
    ],
    'benign wording': [
      '我保证下午三点前给您回电话。',
      '这边需要先做一个风险测评，大概五分钟。',
      '为了确保本次通话质量，我们会全程录音。',
      '没有风险测评记录的话暂时不能购买。',
      '无风险利率一般参考国债收益率。',
      '我们不会亏待老客户的。',
      '您的保证金已经退回到原账户了。',
      '我们的志愿填报服务会帮孩子选好冲刺、稳妥和保底院校。',
      '我们的贷款是固定利率，每个月还款金额不变。',
    ],
    'same sound, other word': [
      '我先跟经理汇报本次的申请结果。',
      '任何投资的回报本身都有不确定性。',
      '电子资料包本周内发到您邮箱。',
      '比较保守一点的客户，我们一般推荐存款类产品。',
      '我把活动原文转发到您微信上。',
      '您家那边可是块风水宝地啊。',
    ],
    "the seller restating the customer's question": [
      '您是问这款产品是否保本吗？',
      '您刚才问的是零风险的产品，对吗？',
      '您是问是否 bao ben 吗？',
      '您问的保本，我们这款是不保本的。',
      'Are you asking whether the returns are guaranteed?',
    ],
  };

  for (const [kind, texts] of Object.entries(table)) {
    it.each(texts)(`${kind}: %s`, (text) => {
      expect(guard.compliance(text, 'bot')).toEqual([]);
      expect(guard.compliance(text, 'agent')).toEqual([]);
    });
  }

  it('does not let a disclosure or a negation excuse a promise elsewhere in the turn', () => {
    expect(guard.compliance('投资有风险，但这款产品保本。', 'bot')).toHaveLength(1);
    expect(guard.compliance('不保本，但是稳赚。', 'bot').map((h) => h.term)).toEqual(['稳赚']);
    expect(guard.compliance('不仅保本，还保证收益。', 'bot')).toHaveLength(2);
    expect(guard.compliance('您说的没错，这个产品保本。', 'bot')).toHaveLength(1);
  });

  it('still flags a bare question from the seller: it is a rhetorical promise', () => {
    expect(guard.compliance('这款产品保本吗？', 'bot')).toHaveLength(1);
    expect(guard.compliance('您是问保本吗？我们这款就是保本的。', 'bot')).toHaveLength(1);
  });
});

describe('compliance: customers are never flagged', () => {
  it.each([
    '这个保本吗？',
    '能不能保证收益？',
    '上次那个小伙子说稳赚不赔，是这样吗？',
    '我就想要保本的，别的不考虑。',
    'bao ben ma?',
    '保 本 吗 ？',
    'Is this risk-free?',
  ])('%s', (text) => {
    expect(guard.compliance(text, 'customer')).toEqual([]);
  });

  it('flags the same words from a bot', () => {
    expect(guard.compliance('我就想要保本的，别的不考虑。', 'bot')).not.toEqual([]);
  });
});

describe('compliance: bot lines also keep out absolute wording', () => {
  it.each<[string, string[]]>([
    ['我保证下午三点前给您回电话。', ['保证']],
    ['这款产品绝对是市面上最好的选择。', ['绝对']],
    ['我们100%按时放款。', ['100%']],
    ['１００％通过率', ['100%']],
    ['百分之百的学员都拿到了证书。', ['百分之百']],
    ['您的贷款肯定能批下来。', ['肯定']],
    ['I absolutely guarantee you will love it.', ['absolutely', 'guarantee']],
    ['这款产品保本，绝对安全。', ['保本', '绝对']],
  ])('%s', (text, terms) => {
    expect(guard.checkBotLine(text).map((h) => h.term)).toEqual(terms);
  });

  it('reports absolute wording under its own rule, and only for bot lines', () => {
    const text = '我保证下午三点前给您回电话。';
    expect(guard.checkBotLine(text)).toEqual([
      { rule: 'absolute_wording', term: '保证', start: 1, end: 3 },
    ]);
    expect(guard.compliance(text, 'bot')).toEqual([]);
  });

  it('reports a promise once, as the promise, where absolute wording overlaps it', () => {
    expect(guard.checkBotLine('我们保证收益。').map((h) => h.rule)).toEqual(['guaranteed_return']);
  });

  it.each([
    '我们无法保证收益，具体以合同为准。',
    '收益不一定，要看市场表现。',
    '产品净值会有一定的波动，请您知悉。',
    '您一定要注意保管好自己的账户密码。',
    '这个我不能百分之百保证，需要以审核结果为准。',
    '您是问这款产品是否保本吗？',
    '您好，我是理财顾问小王，耽误您两分钟可以吗？',
  ])('passes %s', (text) => {
    expect(guard.checkBotLine(text)).toEqual([]);
  });
});
