import { describe, expect, it } from 'vitest';
import {
  createComplianceGuard,
  DEFAULT_COMPLIANCE_CONFIG,
} from '../../src/models/compliance/index.js';

const guard = createComplianceGuard(DEFAULT_COMPLIANCE_CONFIG);

/** Each hit as [rule, the original text it points at]. */
const spans = (text: string, speaker: 'bot' | 'agent' = 'bot'): [string, string][] =>
  guard.compliance(text, speaker).map((h) => [h.rule, text.slice(h.start, h.end)]);

type Row = [text: string, rule: string, span: string];

describe('compliance: a promise is found through each disguise, with offsets into the original', () => {
  const table: Record<string, Row[]> = {
    plain: [
      ['这款理财产品是保本的，您放心。', 'principal_guarantee', '保本'],
      ['我们平台是刚性兑付的。', 'principal_guarantee', '刚性兑付'],
      ['现在买入基本上是稳赚的。', 'guaranteed_return', '稳赚'],
      ['这个是零风险的。', 'no_risk', '零风险'],
      [
        'This plan offers guaranteed returns of six percent.',
        'guaranteed_return',
        'guaranteed returns',
      ],
    ],
    spaces: [
      ['这款产品保 本，您放心。', 'principal_guarantee', '保 本'],
      ['保.证.收.益，合同里写着。', 'guaranteed_return', '保.证.收.益'],
      ['我们有保*底。', 'principal_guarantee', '保*底'],
      ['保、证、收、益，白纸黑字。', 'guaranteed_return', '保、证、收、益'],
      ['这个投资无\u200b风险。', 'no_risk', '无\u200b风险'],
      ['零\u200d风\u200d险的产品', 'no_risk', '零\u200d风\u200d险'],
      ['我们保\u00a0证\u00a0收\u00a0益。', 'guaranteed_return', '保\u00a0证\u00a0收\u00a0益'],
      ['保😀本型', 'principal_guarantee', '保😀本'],
      ['r i s k - f r e e, trust me.', 'no_risk', 'r i s k - f r e e'],
    ],
    fullwidth: [
      ['这是一个ＲＩＳＫ－ＦＲＥＥ的机会。', 'no_risk', 'ＲＩＳＫ－ＦＲＥＥ'],
      ['这款理财０风险，放心买。', 'no_risk', '０风险'],
      [
        'ＧＵＡＲＡＮＴＥＥＤ　ＲＥＴＵＲＮＳ',
        'guaranteed_return',
        'ＧＵＡＲＡＮＴＥＥＤ　ＲＥＴＵＲＮＳ',
      ],
      ['这个是ｂａｏ ｂｅｎ的。', 'principal_guarantee', 'ｂａｏ ｂｅｎ'],
    ],
    traditional: [
      ['這款產品穩賺不賠，您放心。', 'guaranteed_return', '穩賺不賠'],
      ['平台剛性兌付，從來沒有違約。', 'principal_guarantee', '剛性兌付'],
      ['買這個不會虧。', 'no_risk', '不會虧'],
      ['我們是剛兌的。', 'principal_guarantee', '剛兌'],
    ],
    pinyin: [
      ['这个产品是bao ben的。', 'principal_guarantee', 'bao ben'],
      ['我们这款baoben，收益还不错。', 'principal_guarantee', 'baoben'],
      ['BǍO BĚN型理财', 'principal_guarantee', 'BǍO BĚN'],
      ['bao3 ben3的，放心。', 'principal_guarantee', 'bao3 ben3'],
      ['ling fengxian的机会', 'no_risk', 'ling fengxian'],
      ['LÍNG FĒNG XIǍN的产品', 'no_risk', 'LÍNG FĒNG XIǍN'],
      ['wen zhuan bu pei的', 'guaranteed_return', 'wen zhuan bu pei'],
      ['这款保ben，收益也不错。', 'principal_guarantee', '保ben'],
      ['零feng险，您考虑一下。', 'no_risk', '零feng险'],
    ],
    homophone: [
      ['这款产品是宝本的。', 'principal_guarantee', '宝本'],
      ['我们这个包本，年化五个点。', 'principal_guarantee', '包本'],
      ['保夲型的理财', 'principal_guarantee', '保夲'],
      ['〇风险投资', 'no_risk', '〇风险'],
      ['稳转不赔的项目', 'guaranteed_return', '稳转不赔'],
      ['跟着我们文赚，学员都赚了。', 'guaranteed_return', '文赚'],
      ['平台钢性兑付，您放心。', 'principal_guarantee', '钢性兑付'],
      ['您放心买，不会溃的。', 'no_risk', '不会溃'],
    ],
    paraphrase: [
      ['您放心，本金是肯定不会有损失的。', 'no_risk', '本金是肯定不会有损失'],
      ['这个产品每年至少给您6%的收益。', 'guaranteed_return', '至少给您6%'],
      ['投进去的钱一分都不会少。', 'principal_guarantee', '一分都不会少'],
      ['本金绝对安全，收益也很稳定。', 'principal_guarantee', '本金绝对安全'],
      ['我们承诺年化回报8%。', 'guaranteed_return', '承诺年化回报'],
      ['收益是固定的，每个月按时到账。', 'guaranteed_return', '收益是固定的'],
      ['这款产品的风险几乎为零。', 'no_risk', '风险几乎为零'],
      ['稳稳地赚钱，比存银行强多了。', 'guaranteed_return', '稳稳地赚'],
      ['放心买，亏了算我的。', 'no_risk', '亏了算我的'],
      ['这个产品一点风险都没有。', 'no_risk', '一点风险都没有'],
      ['钱放在我们这儿跟存银行一样安全。', 'no_risk', '跟存银行一样安全'],
      ['您的钱放我们这里，永远不会少。', 'no_risk', '您的钱放我们这里，永远不会少'],
      ['We promise a fixed return every year.', 'guaranteed_return', 'promise a fixed return'],
      ['这不是稳赚吗？', 'guaranteed_return', '稳赚'],
      ['难道还不保本吗？', 'principal_guarantee', '保本'],
    ],
  };

  for (const [kind, rows] of Object.entries(table)) {
    it.each(rows)(`${kind}: %s`, (text, rule, span) => {
      expect(spans(text)).toEqual([[rule, span]]);
    });
  }

  it('reports several promises in one turn, in order, one hit per span', () => {
    expect(spans('本產品保本保息，零風險，稳赚不赔。', 'agent')).toEqual([
      ['principal_guarantee', '保本保息'],
      ['no_risk', '零風險'],
      ['guaranteed_return', '稳赚不赔'],
    ]);
  });

  it('reports the configured term, or the pattern name for a paraphrase', () => {
    expect(guard.compliance('穩賺', 'bot')).toEqual([
      { rule: 'guaranteed_return', term: '稳赚', start: 0, end: 2 },
    ]);
    expect(guard.compliance('宝本的', 'bot')).toEqual([
      { rule: 'principal_guarantee', term: '保本', start: 0, end: 2 },
    ]);
    expect(guard.compliance('收益是固定的', 'bot')[0]?.term).toBe('收益…固定');
  });

  it('keeps offsets right around characters outside the BMP', () => {
    const text = '𠀀😀保😀本😀';
    const [hit] = guard.compliance(text, 'bot');
    expect(text.slice(hit!.start, hit!.end)).toBe('保😀本');
  });

  it('reads typed pinyin only from a word start, and not into a vowel', () => {
    expect(spans('taobao bento box')).toEqual([]);
    expect(spans('bao benefits for staff')).toEqual([]);
    expect(spans('baobenjin')).toEqual([['principal_guarantee', 'baoben']]);
  });
});
