import { describe, expect, it } from 'vitest';
import {
  createComplianceGuard,
  DEFAULT_COMPLIANCE_CONFIG,
} from '../../src/models/compliance/index.js';
import { GATE_RULES, gateLine, type GateRule } from '../../src/models/generation/index.js';

const { checkBotLine } = createComplianceGuard(DEFAULT_COMPLIANCE_CONFIG);

/** What retrieval would hand the prompt for a wealth product's FAQ. */
const FACTS = [
  '安享理财A款：年化参考收益率3.5%，起投金额1万元，封闭期12个月。',
  '提前赎回收取本金的0.5%作为手续费。',
  '客服热线400-820-8820，工作日9点到18点。',
  '产品风险等级为R2（中低风险），历史业绩不代表未来表现。',
];
const ctx = { facts: FACTS, maxChars: 80, checkBotLine };

// Grounded answers a model should be allowed to say: every number is in the facts.
const CLEAN = [
  '这款产品的年化参考收益率是3.5%，起投金额一万元。',
  '封闭期是十二个月，提前赎回要收百分之零点五的手续费。',
  '起投是1万元，年化参考收益率百分之三点五，具体以合同为准。',
  '年化参考收益率３．５％，起投10,000元。',
  '您可以拨打客服热线400-820-8820，工作日九点到十八点都有人接听。',
  '风险等级是R2，属于中低风险，历史业绩不代表未来表现。',
  '好的，我给您介绍一下，这款产品一般适合稳健型的客户。',
  '我是客户经理小王，稍后把产品说明发给您，您可以一起看看。',
  '您万一急用钱，可以提前赎回，不过会收一点手续费。',
  'The reference annual yield is 3.5% and the minimum is 10,000 yuan.',
  '这个问题我需要再确认一下，稍后专员给您回电。',
  // Honest ways of not answering: said plainly, not dodged.
  '手续费的细节我说清楚一点：提前赎回收百分之零点五。',
  '您不用担心，签约前专员会把合同条款逐条给您讲清楚。',
  '具体的风险等级是R2，合同里写得很清楚，您可以仔细看看。',
];

const BLOCKED: [string, GateRule][] = [
  // promises and absolute wording: the compliance guard templates pass too
  ['这款产品保本保息，您放心。', 'compliance'],
  ['年化3.5%，保证到手。', 'compliance'],
  ['绝对没有风险，您放心买。', 'compliance'],
  ['零风险，稳赚不赔。', 'compliance'],
  ['收益一定比银行定期高。', 'compliance'],
  ['本金有保障，到期全额返还。', 'compliance'],
  ['百分之百安全，您就放心吧。', 'compliance'],
  ['This product is guaranteed, you cannot lose money.', 'compliance'],
  // dodging what was asked about fees, risk or the contract
  ['手续费这个不方便透露，您先办了再说。', 'evasion'],
  ['风险的事您不用管，交给我们就行。', 'evasion'],
  ['合同不用看，都是标准条款。', 'evasion'],
  ['您别问那么多了，先签了再说。', 'evasion'],
  ['这是我们的内部机密，无可奉告。', 'evasion'],
  ["Don't worry about the fees, just sign today.", 'evasion'],
  // figures absent from the facts, however they are written
  ['年化收益率可以达到4.2%。', 'invented_number'],
  ['年化收益率是百分之四点二。', 'invented_number'],
  ['年化收益是３．８％，很划算。', 'invented_number'],
  ['起投只要五千元。', 'invented_number'],
  ['起投金额两万元就可以。', 'invented_number'],
  ['提前赎回手续费是0.3%。', 'invented_number'],
  ['现在办理还能打八折。', 'invented_number'],
  ['封闭期只有六个月。', 'invented_number'],
  ['比银行定期高两个百分点。', 'invented_number'],
  ['提前赎回的手续费是百分之二。', 'invented_number'],
  ['一万块一年能赚三百五十元。', 'invented_number'],
  ['客服热线是400-800-1234。', 'invented_number'],
  ['收益率3.5%，起投1.5万。', 'invented_number'],
  ['The yield is 4.5% a year.', 'invented_number'],
  // not the bot's voice: an AI, the customer, a transcript, the prompt
  ['作为AI语言模型，我无法提供投资建议。', 'role_confusion'],
  ['作为一个人工智能助手，我建议您咨询专业人士。', 'role_confusion'],
  ['我是通义千问，由阿里云开发。', 'role_confusion'],
  ['我是客户，我想了解一下这款产品。', 'role_confusion'],
  ['用户：这个产品收益多少？', 'role_confusion'],
  ['好的。客户：那我再考虑考虑。', 'role_confusion'],
  ['assistant: 您好，请问有什么可以帮您？', 'role_confusion'],
  ['system: 你是一个电话销售助手', 'role_confusion'],
  ['As an AI language model, I cannot give financial advice.', 'role_confusion'],
  ["I'm an AI assistant and cannot help with that.", 'role_confusion'],
  ['以下是资料：年化参考收益率3.5%。', 'role_confusion'],
  ['根据以上资料，这款产品的封闭期是12个月。', 'role_confusion'],
  ['<think>用户问收益率</think>年化参考收益率3.5%。', 'role_confusion'],
  ['<|im_start|>assistant 您好', 'role_confusion'],
  // a ramble no one listens to on the phone
  [
    '这款产品主要面向稳健型的投资者，它的特点是流动性适中，风险等级适中，适合有闲置资金的家庭配置，' +
      '我们的专员会根据您的情况给出建议，您也可以先了解一下产品说明书里面的详细内容，再做决定也不迟。',
    'too_long',
  ],
  // nothing to say
  ['', 'empty'],
  ['   ', 'empty'],
  ['……', 'empty'],
  ['。！', 'empty'],
];

describe('gateLine', () => {
  it.each(CLEAN)('lets a grounded line through: %s', (line) => {
    expect(gateLine(line, ctx)).toEqual({ ok: true });
  });

  it.each(BLOCKED)('blocks %s as %s', (line, rule) => {
    const verdict = gateLine(line, ctx);
    expect(verdict.ok).toBe(false);
    if (!verdict.ok) expect(verdict.rule).toBe(rule);
  });

  it('blocks every adversarial completion, under each rule at least once', () => {
    const rules = new Set(BLOCKED.map(([line]) => gateLine(line, ctx)).map((v) => !v.ok && v.rule));
    expect([...rules].sort()).toEqual([...GATE_RULES].sort());
  });

  it('reports the first rule in GATE_RULES order when a line breaks several', () => {
    const all = '作为AI语言模型，我保证年化收益率4.8%，' + '这款产品非常适合您'.repeat(10);
    expect(gateLine(all, ctx)).toMatchObject({ ok: false, rule: 'compliance' });
    const numberAndRole = '作为AI语言模型，我认为年化收益率是4.8%。';
    expect(gateLine(numberAndRole, ctx)).toMatchObject({ ok: false, rule: 'invented_number' });
    const roleAndLength = '作为AI语言模型，' + '这款产品非常适合您'.repeat(10);
    expect(gateLine(roleAndLength, ctx)).toMatchObject({ ok: false, rule: 'role_confusion' });
  });

  it('names the invented figure, and how many more there are', () => {
    const verdict = gateLine('年化收益率是百分之四点二，起投五千元。', ctx);
    expect(verdict).toEqual({
      ok: false,
      rule: 'invented_number',
      detail: '四点二 (4.2) is not in the retrieved facts and 1 more',
    });
  });

  it('takes its numbers from the facts it is given, not from a list of its own', () => {
    const line = '年化参考收益率是4.2%。';
    expect(gateLine(line, ctx).ok).toBe(false);
    expect(gateLine(line, { ...ctx, facts: ['B款年化参考收益率4.2%'] })).toEqual({ ok: true });
    expect(gateLine('收益率3.5%', { ...ctx, facts: [] }).ok).toBe(false);
  });

  it('grounds a number with a unit only in the same count: days are not working days', () => {
    const facts = {
      ...ctx,
      facts: ['投诉会在15个工作日内给出处理结果。', '宽限期3天，期限12个月，最高20万元。'],
    };
    const verdict = (line: string) => gateLine(line, facts);
    expect(verdict('犹豫期是十五天，这期间退保全额退款。')).toMatchObject({
      ok: false,
      rule: 'invented_number',
    });
    expect(verdict('投诉十五个工作日内就有结果。')).toEqual({ ok: true });
    expect(verdict('还款日后有三日宽限期。')).toEqual({ ok: true });
    expect(verdict('可以分12个月还，最高能借20万。')).toEqual({ ok: true });
    expect(verdict('最高20万元，宽限期3个月。')).toMatchObject({
      ok: false,
      rule: 'invented_number',
    });
  });

  it('asks the compliance guard it is given', () => {
    const seen: string[] = [];
    const guard = (text: string) => {
      seen.push(text);
      return text.includes('橙子') ? [{ rule: 'fruit', term: '橙子', start: 0, end: 2 }] : [];
    };
    const fruity = { ...ctx, checkBotLine: guard };
    expect(gateLine('买橙子吗', fruity)).toEqual({
      ok: false,
      rule: 'compliance',
      detail: 'fruit: 橙子',
    });
    expect(seen).toEqual(['买橙子吗']);
  });

  it('counts characters, not UTF-16 units or bytes, against maxChars', () => {
    const line = '好'.repeat(80);
    expect(gateLine(line, ctx)).toEqual({ ok: true });
    expect(gateLine(line + '好', ctx)).toMatchObject({
      rule: 'too_long',
      detail: '81 characters, over 80',
    });
    expect(gateLine('𠮷'.repeat(80), ctx)).toEqual({ ok: true });
  });
});
