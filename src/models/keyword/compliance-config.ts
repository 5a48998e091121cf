import { z } from 'zod';

/**
 * What counts as a risky promise, as data: compliance staff change terms and
 * negations without touching code. Terms are matched after normalisation
 * (see normalize.ts), so "保 本", "穩賺" and "ＧＵＡＲＡＮＴＥＥＤ" need no entries of their own.
 */
export const complianceConfigSchema = z.strictObject({
  rules: z
    .array(
      z.strictObject({
        name: z.string().regex(/^[a-z][a-z0-9_]*$/, 'rule names are snake_case'),
        terms: z.array(z.string().min(1)).min(1),
      }),
    )
    .min(1),
  /**
   * A term right after one of these (same sentence) is being denied, as in
   * 不保本 or "not risk-free". Only the words right before count: "不仅保本"
   * still promises.
   */
  negatedAfter: z.array(z.string().min(1)),
  /** A term right before one of these is being denied, as in "零风险是不可能的". */
  negatedBefore: z.array(z.string().min(1)),
  /** Harmless phrases that happen to contain a term, as 确保本次 contains 保本. */
  allow: z.array(z.string().min(1)),
});

export type ComplianceConfig = z.infer<typeof complianceConfigSchema>;

// prettier-ignore
export const DEFAULT_COMPLIANCE_CONFIG: ComplianceConfig = {
  rules: [
    {
      name: 'principal_guarantee',
      terms: ['保本', '保底', '刚性兑付', '本金无忧', 'principal guaranteed', 'guaranteed principal'],
    },
    {
      name: 'guaranteed_return',
      terms: ['保证收益', '保收益', '承诺收益', '稳赚', '稳赚不赔', 'guaranteed return', 'guaranteed returns', 'guaranteed profit', 'guaranteed profits'],
    },
    {
      name: 'no_risk',
      terms: ['零风险', '无风险', '没有风险', '不会亏', 'risk-free', 'zero risk', 'riskless', "can't lose", 'cannot lose'],
    },
  ],
  negatedAfter: ['不', '非', '不是', '没有', '不存在', '不能', '不可能', '无法', '未必', '不一定', '不承诺', '不保证', '不能保证', '无法保证', '不敢保证', '没人能保证', '谁也不能保证', 'not', 'no', 'never', 'isnt', 'arent', 'cannot be', "can't be", 'cannot promise', 'no such thing as a', 'no such thing as'],
  negatedBefore: ['是不可能的', '不可能', '是不存在的', '不存在', "isn't possible", 'is not possible', "doesn't exist", 'is a myth'],
  allow: ['确保本次', '确保本人', '无风险利率', 'risk-free rate'],
};
