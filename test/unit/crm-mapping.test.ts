import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { eligibility, industryOf, loadDialingRules } from '../../src/decision/dialing/index.js';
import {
  applyCustomerUpdate,
  crmMappingSchema,
  loadCrmMapping,
  mapCrmFields,
  newProfile,
} from '../../src/pipelines/index.js';
import { customerView } from '../helpers/decision.js';

const configJson: unknown = JSON.parse(
  readFileSync(new URL('../../config/crm-mapping.json', import.meta.url), 'utf8'),
);
const mapping = loadCrmMapping(configJson);
const one = (source: string, value: unknown) => mapCrmFields(mapping, { [source]: value });

describe('mapCrmFields: source names', () => {
  it.each([
    ['姓名', 'name'],
    ['Name', 'name'],
    ['手机', 'phone'],
    ['Mobile', 'phone'],
    ['地区', 'region'],
    ['Region', 'region'],
    ['行业', 'industry'],
    ['Industry', 'industry'],
    ['公司规模', 'company_size'],
    ['Company Size', 'company_size'],
    ['客户等级', 'customer_tier'],
    ['Customer Level', 'customer_tier'],
    ['时区', 'timezone'],
    ['Time Zone', 'timezone'],
    ['年营收(万)', 'annual_revenue_wan'],
    ['是否决策人', 'is_decision_maker'],
    ['最近联系日期', 'last_contacted_on'],
    // Tolerant: surrounding space, ASCII case, inner runs of space, full-width forms.
    ['  customer level ', 'customer_tier'],
    ['MOBILE', 'phone'],
    ['Time   Zone', 'timezone'],
    [' 行业 ', 'industry'],
    ['年营收（万）', 'annual_revenue_wan'],
  ])('%j → %s', (source, to) => {
    const sample = {
      name: '张三',
      phone: '13800138000',
      region: 'east',
      industry: 'retail',
      company_size: '51-500',
      customer_tier: 'A',
      timezone: 'Asia/Shanghai',
      annual_revenue_wan: '3200',
      is_decision_maker: '是',
      last_contacted_on: '2026-11-20',
    }[to];
    const r = one(source, sample);
    expect(r.errors).toEqual([]);
    expect(Object.keys(r.fields)).toEqual([to]);
    expect(r.unmapped).toEqual({});
  });
});

describe('mapCrmFields: values', () => {
  it.each<[string, unknown, string | number | boolean | null]>([
    // string
    ['行业', '  零售 ', 'retail'],
    ['地区', '  华东 ', '华东'],
    ['Customer Level', 'VIP', 'VIP'],
    ['公司规模', 120, '120'],
    // number
    ['年营收(万)', 3200, 3200],
    ['年营收(万)', '3,200', 3200],
    ['年营收(万)', '1,234,567.5', 1234567.5],
    ['年营收(万)', '３２００', 3200],
    ['年营收(万)', '３，２００', 3200],
    ['Employees', ' -12 ', -12],
    // boolean
    ['是否决策人', '是', true],
    ['是否决策人', '否', false],
    ['Decision Maker', 'Yes', true],
    ['Decision Maker', 'no', false],
    ['Decision Maker', 'Y', true],
    ['Decision Maker', 'n', false],
    ['Decision Maker', 'TRUE', true],
    ['Decision Maker', false, false],
    ['Decision Maker', 1, true],
    ['Decision Maker', '0', false],
    // date: the calendar date as written, not shifted to UTC
    ['最近联系日期', '2026-11-20', '2026-11-20'],
    ['最近联系日期', '2026-11-20T01:00:00+08:00', '2026-11-20'],
    ['最近联系日期', '2026-11-20 09:15', '2026-11-20'],
    ['最近联系日期', '2026-11-20T23:59:59.999Z', '2026-11-20'],
    ['最近联系日期', '2026年11月20日 14:30', '2026-11-20'],
    ['最近联系日期', '2026/11/20', '2026-11-20'],
    ['最近联系日期', '2026/1/5', '2026-01-05'],
    ['最近联系日期', '2026年11月20日', '2026-11-20'],
    ['最近联系日期', '２０２６年１１月２０日', '2026-11-20'],
    ['Last Contacted', '2024-02-29', '2024-02-29'],
    // phone
    ['手机', '13800138000', '13800138000'],
    ['手机', 13800138000, '13800138000'],
    ['Mobile', '+86 138-0013-8000', '+86 138-0013-8000'],
    ['Mobile', '(010)  6552 9988', '(010) 6552 9988'],
    ['Mobile', '＋８６ １３８００１３８０００', '+86 13800138000'],
    // empty clears
    ['行业', '', null],
    ['行业', '   ', null],
    ['年营收(万)', null, null],
    ['是否决策人', undefined, null],
  ])('%s = %j → %j', (source, value, expected) => {
    const r = one(source, value);
    expect(r.errors).toEqual([]);
    expect(Object.values(r.fields)).toEqual([expected]);
    expect(r.unmapped).toEqual({});
  });

  it.each<[string, unknown, RegExp]>([
    ['行业', { a: 1 }, /expected text/],
    ['行业', true, /expected text/],
    ['年营收(万)', 'abc', /expected a number/],
    ['年营收(万)', '1,2', /expected a number/],
    ['年营收(万)', '3200万', /expected a number/],
    ['年营收(万)', Number.NaN, /finite/],
    ['是否决策人', 'maybe', /expected yes\/no/],
    ['是否决策人', 2, /expected yes\/no/],
    ['最近联系日期', '2026-02-30', /expected a date/],
    ['最近联系日期', '2026-13-01', /expected a date/],
    ['最近联系日期', '20/11/2026', /expected a date/],
    ['最近联系日期', '2026-11/20', /expected a date/],
    ['最近联系日期', 45000, /expected a date/],
    ['最近联系日期', '2026-11-20T25:00', /expected a date/],
    ['Last Contacted', '2026年11月20日 9:75', /expected a date/],
    ['手机', '1234', /5–20 digits/],
    ['手机', '1'.repeat(21), /5–20 digits/],
    ['手机', '138 0013 8000 ext 5', /only digits/],
    ['手机', '86+13800138000', /only digits/],
  ])('%s = %j is an error', (source, value, reason) => {
    const r = one(source, value);
    expect(r.fields).toEqual({});
    expect(r.errors).toEqual([{ field: source, reason: expect.stringMatching(reason) }]);
    // Nothing is lost: the value is kept aside as received.
    expect(r.unmapped).toEqual({ [source]: value });
  });
});

describe('mapCrmFields: whole records', () => {
  it('maps what it knows, keeps the rest aside and reports failures by source name', () => {
    const r = mapCrmFields(mapping, {
      姓名: '张三',
      ' Mobile ': '138-0013-8000',
      客户等级: 'A',
      年营收: '500',
      微信号: 'zhangsan88',
      Employees: 'lots',
    });
    expect(r.fields).toEqual({ name: '张三', phone: '138-0013-8000', customer_tier: 'A' });
    expect(r.unmapped).toEqual({
      年营收: '500',
      微信号: 'zhangsan88',
      Employees: 'lots',
    });
    expect(r.errors).toEqual([{ field: 'Employees', reason: expect.stringContaining('number') }]);
  });

  it('keeps a "__proto__" column as data, not as a prototype', () => {
    const raw = JSON.parse('{"__proto__": {"polluted": true}, "Industry": "retail"}');
    const r = mapCrmFields(mapping, raw);
    expect(Object.getPrototypeOf(r.unmapped)).toBe(Object.prototype);
    expect(Object.keys(r.unmapped)).toEqual(['__proto__']);
    expect(r.fields).toEqual({ industry: 'retail' });
  });

  it('lets the later of two names for one field win', () => {
    expect(mapCrmFields(mapping, { 手机: '13800138000', Mobile: '13900139000' }).fields).toEqual({
      phone: '13900139000',
    });
  });

  it('maps an empty record to nothing', () => {
    expect(mapCrmFields(mapping, {})).toEqual({ fields: {}, unmapped: {}, errors: [] });
  });
});

describe('loadCrmMapping: config validation', () => {
  it.each<[string, unknown, RegExp]>([
    [
      'unknown type',
      { fields: { 客户等级: { to: 'customer_tier', type: 'text' } } },
      /fields\.客户等级\.type: unknown type "text"/,
    ],
    [
      'target not snake_case',
      { fields: { Score: { to: 'Score', type: 'number' } } },
      /fields\.Score\.to: .*snake_case/,
    ],
    ['missing target', { fields: { Score: { type: 'number' } } }, /fields\.Score\.to/],
    [
      'unknown key in a rule',
      { fields: { Score: { to: 'score', type: 'number', unit: 'x' } } },
      /fields\.Score/,
    ],
    ['unknown top-level key', { fields: {}, extra: 1 }, /extra/],
    ['not an object', [], /expected object/],
    [
      'a platform field with the wrong type',
      { fields: { Region: { to: 'region', type: 'number' } } },
      /region must have type string/,
    ],
    [
      'phone not typed phone',
      { fields: { Tel: { to: 'phone', type: 'string' } } },
      /phone must have type phone/,
    ],
    [
      'values for a field no rule maps to',
      { fields: {}, values: { industry: { 零售: 'retail' } } },
      /values\.industry: no field of type string maps to "industry"/,
    ],
    [
      'values for a field that is not text',
      {
        fields: { Employees: { to: 'employee_count', type: 'number' } },
        values: { employee_count: { 很多: '1000' } },
      },
      /values\.employee_count: no field of type string/,
    ],
    [
      'an empty canonical value',
      { fields: { 行业: { to: 'industry', type: 'string' } }, values: { industry: { 零售: ' ' } } },
      /values\.industry\.零售/,
    ],
    [
      'two spellings of one name, two targets',
      {
        fields: {
          Region: { to: 'region', type: 'string' },
          ' region': { to: 'area', type: 'string' },
        },
      },
      /same source name as "Region"/,
    ],
  ])('rejects %s', (_why, json, message) => {
    expect(() => loadCrmMapping(json)).toThrow(message);
  });

  it('reports every problem in one error', () => {
    const json = {
      fields: { A: { to: 'a', type: 'bogus' }, B: { to: 'Bad Name', type: 'string' } },
    };
    expect(() => loadCrmMapping(json)).toThrow(/fields\.A\.type: .*; fields\.B\.to: /);
  });

  it('accepts the shipped config and two spellings that agree', () => {
    expect(crmMappingSchema.safeParse(configJson).success).toBe(true);
    const m = loadCrmMapping({
      fields: {
        Region: { to: 'region', type: 'string' },
        ' REGION ': { to: 'region', type: 'string' },
      },
    });
    expect(m.rules.size).toBe(1);
  });

  it('treats a target named like an Object property as a free field', () => {
    const m = loadCrmMapping({ fields: { C: { to: 'constructor', type: 'number' } } });
    expect(mapCrmFields(m, { C: '7' }).fields).toEqual({ constructor: 7 });
  });
});

describe('mapCrmFields: industry values as the dialing rules key them', () => {
  const rules = loadDialingRules('config/dialing.json');
  const industry = (value: string) => one('行业', value).fields.industry;

  it.each([
    ['零售', 'retail'],
    ['制造业', 'manufacturing'],
    ['制造', 'manufacturing'],
    ['物流', 'logistics'],
    ['软件', 'software'],
    ['互联网', 'software'],
    ['医疗', 'healthcare'],
    ['金融', 'finance'],
    ['消费品', 'consumer'],
    // Spelled as source names are matched: space, full-width forms, ASCII case.
    [' 零售　', 'retail'],
  ])('%j → %s', (value, expected) => {
    expect(industry(value)).toBe(expected);
  });

  it('keeps a value the table does not list as sent', () => {
    expect(industry('航天')).toBe('航天');
    expect(industry('Retail')).toBe('Retail');
  });

  it('normalises only to industries config/dialing.json keys its calling windows by', () => {
    const spellings = (configJson as { values: { industry: Record<string, string> } }).values
      .industry;
    for (const [spelling, value] of Object.entries(spellings))
      expect(Object.keys(rules.industries), spelling).toContain(industryOf(value));
  });

  it('lets a Chinese industry pick its calling windows: retail may be called on Saturday', () => {
    // Sat 2026-03-14 11:00 in Shanghai: inside the consumer windows, outside the business ones.
    const saturday = Date.parse('2026-03-14T03:00:00Z');
    const withIndustry = (value: unknown) =>
      eligibility(
        customerView({ crm: { industry: value as string, timezone: 'Asia/Shanghai' } }),
        saturday,
        rules,
      );
    expect(withIndustry('零售')).toMatchObject({ ok: false, reason: 'outside_window' });
    expect(withIndustry(industry('零售'))).toEqual({ ok: true });
  });
});

describe('customer.updated events: values canonicalised as CRM records are', () => {
  const update = (fields: Record<string, string | null>) => {
    const p = newProfile('c-1');
    const event = {
      event_id: 'e-1',
      type: 'customer.updated' as const,
      ts: '2026-03-02T01:00:00.000Z',
      schema_version: 1 as const,
      customer_id: 'c-1',
      fields,
    };
    applyCustomerUpdate(p, event, event.ts, mapping);
    return p.crm;
  };

  it('stores the canonical industry of a Chinese spelling, so its calling windows match', () => {
    expect(update({ industry: '零售' }).industry).toBe('retail');
    expect(update({ industry: '制造业', region: 'south' })).toMatchObject({
      industry: 'manufacturing',
      region: 'south',
    });
  });

  it('keeps values the table does not name, and fields it has no table for, as sent', () => {
    expect(update({ industry: '航天', customer_tier: '零售' })).toMatchObject({
      industry: '航天',
      customer_tier: '零售',
    });
  });
});
