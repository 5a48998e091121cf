import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  createKeywordModels,
  createSlotExtractor,
  DEFAULT_COMPETITORS,
  decisionMakerKind,
  loadCompetitors,
} from '../../../src/models/keyword/index.js';
import type { BudgetRange, SlotContext, SlotFacts } from '../../../src/models/types.js';

const slots = createSlotExtractor(DEFAULT_COMPETITORS);
const cny = (min: number, max: number, period: BudgetRange['period'] = 'once'): BudgetRange => ({
  min,
  max,
  period,
  currency: 'CNY',
});
const usd = (min: number, max: number, period: BudgetRange['period'] = 'once'): BudgetRange => ({
  min,
  max,
  period,
  currency: 'USD',
});

describe('budget amount, range and period', () => {
  it.each<[string, string | undefined, BudgetRange | undefined]>([
    ['预算十万', '十万', cny(100_000, 100_000)],
    ['预算二三十万', '二三十万', cny(200_000, 300_000)],
    ['十来万吧', '十来万', cny(100_000, 190_000)],
    ['预算十几万', '十几万', cny(100_000, 190_000)],
    ['每个月两千', '两千', cny(2000, 2000, 'month')],
    ['一个月两千块', '两千块', cny(2000, 2000, 'month')],
    ['一年五万', '五万', cny(50_000, 50_000, 'year')],
    ['一百万以内', '一百万', cny(0, 1_000_000)],
    ['五十万左右', '五十万', cny(450_000, 550_000)],
    ['三到五万', '三到五万', cny(30_000, 50_000)],
    ['预算3-5万', '3-5万', cny(30_000, 50_000)],
    ['大概十万吧', '十万', cny(90_000, 110_000)],
    ['五六万', '五六万', cny(50_000, 60_000)],
    ['预算一两百万', '一两百万', cny(1_000_000, 2_000_000)],
    ['能花8万', '8万', cny(80_000, 80_000)],
    ['预算10w', '10w', cny(100_000, 100_000)],
    ['预算1.5万', '1.5万', cny(15_000, 15_000)],
    ['预算的话大概十万吧', '十万', cny(90_000, 110_000)],
    ['预算的话，大概十万吧', '十万', cny(90_000, 110_000)],
    ['一个月两三千', '两三千', cny(2000, 3000, 'month')],
    ['十万的预算', '十万', cny(100_000, 100_000)],
    ['Our budget is about 50k a year', '50k', usd(45_000, 55_000, 'year')],
    ['under $10,000', '$10,000', usd(0, 10_000)],
    ['十万？太贵了', undefined, undefined],
    ['十来万吗', undefined, undefined],
    ['十万', undefined, undefined],
    ['我们公司有三十个人', undefined, undefined],
  ])('%s', (text, budget, range) => {
    const facts = slots(text);
    expect(facts.budget).toBe(budget);
    expect(facts.budgetRange).toEqual(range);
  });
});

// Wednesday 2026-03-04, 10:00 in Shanghai.
const WED_10AM: SlotContext = { nowMs: Date.parse('2026-03-04T02:00:00Z') };
// The same day at 16:30 in Shanghai: this afternoon's three o'clock has passed.
const WED_430PM: SlotContext = { nowMs: Date.parse('2026-03-04T08:30:00Z') };
const DECEMBER: SlotContext = { nowMs: Date.parse('2026-12-06T02:00:00Z') };
// Saturday 2026-03-07, 10:00 in New York; clocks go forward on the Sunday.
const NEW_YORK: SlotContext = {
  nowMs: Date.parse('2026-03-07T15:00:00Z'),
  timeZone: 'America/New_York',
};

describe('callback time', () => {
  it.each<[string, SlotContext, string, string]>([
    ['下午三点', WED_10AM, '2026-03-04T07:00:00.000Z', '2026-03-04T07:00:00.000Z'],
    ['下午三点', WED_430PM, '2026-03-05T07:00:00.000Z', '2026-03-05T07:00:00.000Z'],
    ['三点半', WED_10AM, '2026-03-04T07:30:00.000Z', '2026-03-04T07:30:00.000Z'],
    ['明天上午', WED_10AM, '2026-03-05T01:00:00.000Z', '2026-03-05T04:00:00.000Z'],
    ['周一', WED_10AM, '2026-03-09T01:00:00.000Z', '2026-03-09T10:00:00.000Z'],
    ['周三', WED_10AM, '2026-03-11T01:00:00.000Z', '2026-03-11T10:00:00.000Z'],
    ['下周三', WED_10AM, '2026-03-11T01:00:00.000Z', '2026-03-11T10:00:00.000Z'],
    ['星期五下午', WED_10AM, '2026-03-06T06:00:00.000Z', '2026-03-06T10:00:00.000Z'],
    ['半小时后', WED_10AM, '2026-03-04T02:30:00.000Z', '2026-03-04T02:30:00.000Z'],
    ['两个小时以后', WED_10AM, '2026-03-04T04:00:00.000Z', '2026-03-04T04:00:00.000Z'],
    ['十分钟后再打', WED_10AM, '2026-03-04T02:10:00.000Z', '2026-03-04T02:10:00.000Z'],
    ['过完年再说', DECEMBER, '2027-02-13T01:00:00.000Z', '2027-02-26T10:00:00.000Z'],
    ['月底吧', WED_10AM, '2026-03-29T01:00:00.000Z', '2026-03-31T10:00:00.000Z'],
    ['下周', WED_10AM, '2026-03-09T01:00:00.000Z', '2026-03-13T10:00:00.000Z'],
    ['晚上', WED_10AM, '2026-03-04T11:00:00.000Z', '2026-03-04T13:00:00.000Z'],
    ['晚上', WED_430PM, '2026-03-04T11:00:00.000Z', '2026-03-04T13:00:00.000Z'],
    // This afternoon has begun: from now to its end.
    ['下午', WED_430PM, '2026-03-04T08:30:00.000Z', '2026-03-04T10:00:00.000Z'],
    ['上午', WED_430PM, '2026-03-05T01:00:00.000Z', '2026-03-05T04:00:00.000Z'],
    ['中午一点', WED_10AM, '2026-03-04T05:00:00.000Z', '2026-03-04T05:00:00.000Z'],
    ['周五上午十点', WED_10AM, '2026-03-06T02:00:00.000Z', '2026-03-06T02:00:00.000Z'],
    ['16:45打给我', WED_10AM, '2026-03-04T08:45:00.000Z', '2026-03-04T08:45:00.000Z'],
    ['明早九点', WED_10AM, '2026-03-05T01:00:00.000Z', '2026-03-05T01:00:00.000Z'],
    ['tomorrow at 3pm', WED_10AM, '2026-03-05T07:00:00.000Z', '2026-03-05T07:00:00.000Z'],
    ['next monday', WED_10AM, '2026-03-09T01:00:00.000Z', '2026-03-09T10:00:00.000Z'],
    ['in an hour', WED_10AM, '2026-03-04T03:00:00.000Z', '2026-03-04T03:00:00.000Z'],
    // 15:00 is EDT (UTC-4) on the Sunday, though Saturday is EST (UTC-5).
    ['tomorrow at 3pm', NEW_YORK, '2026-03-08T19:00:00.000Z', '2026-03-08T19:00:00.000Z'],
    ['下午三点', NEW_YORK, '2026-03-07T20:00:00.000Z', '2026-03-07T20:00:00.000Z'],
  ])('%s', (text, ctx, from, to) => {
    expect(slots(text, ctx).callbackAt).toEqual({ from, to });
  });

  it.each(['便宜一点', '有三点要求', '价格怎么样'])('names no time in %s', (text) => {
    expect(slots(text, WED_10AM).callbackAt).toBeUndefined();
  });

  it('leaves callbackAt out without a context, and keeps the timeline as heard', () => {
    expect(slots('明天上午')).toEqual({ timeline: '明天' });
    expect(slots('明天上午', WED_10AM).timeline).toBe('明天');
  });

  it('serves the context through the keyword models', () => {
    expect(createKeywordModels().slots('半小时后', WED_10AM).callbackAt?.from).toBe(
      '2026-03-04T02:30:00.000Z',
    );
  });
});

describe('preferred channel', () => {
  it.each<[string, SlotFacts['channel']]>([
    ['加微信吧', 'wechat'],
    ['你微信发我', 'wechat'],
    ['加我威信', 'wechat'],
    ['vx联系', 'wechat'],
    ['发我邮箱', 'email'],
    ['发邮件吧', 'email'],
    ['email me the details', 'email'],
    ['发短信就行', 'sms'],
    ['text me', 'sms'],
    ['打这个电话就行', 'phone'],
    ['打我手机', 'phone'],
    ['别发短信，加微信', 'wechat'],
    ['别给我打电话了', undefined],
    ['我们用企业微信', undefined],
  ])('%s', (text, channel) => {
    expect(slots(text).channel).toBe(channel);
  });
});

describe('decision maker', () => {
  it.each<[string, string | undefined, 'self' | 'other' | 'unknown']>([
    ['我是老板', 'self', 'self'],
    ['是的，我是老板', 'self', 'self'],
    ['我说了算', 'self', 'self'],
    ['我负责这块', 'self', 'self'],
    ['这个我能定', 'self', 'self'],
    ['采购归我管', 'self', 'self'],
    ['得问我们老板', 'boss', 'other'],
    ['我做不了主', 'other', 'other'],
    ['要领导批', 'manager', 'other'],
    ['我老婆管钱', 'spouse', 'other'],
    ['这得财务定', 'finance', 'other'],
    ["It's not my call", 'other', 'other'],
    ['我老板人很好', undefined, 'unknown'],
  ])('%s', (text, role, kind) => {
    const facts = slots(text);
    expect(facts.decisionMaker).toBe(role);
    expect(decisionMakerKind(facts.decisionMaker)).toBe(kind);
  });
});

describe('competitor', () => {
  it.each<[string, string | undefined]>([
    ['我们用的是钉钉', '钉钉'],
    ['在用金蝶的', '金蝶'],
    ['we use salesforce', 'Salesforce'],
    ['公司在用飞书', '飞书'],
    ['已经买了纷享销客的', '纷享销客'],
    ['我们在用简道云的系统', '简道云'],
    ['用着北森呢', '北森'],
    ['一直跟明源合作', '明源'],
    ['we are using pipedrive', 'pipedrive'],
    ['我们已经在用别家的了', undefined],
    ['在用那个', undefined],
    ['用的是其他的', undefined],
    ['现在用不上', undefined],
    ['我们用着还行', undefined],
    ['钉钉子的声音', undefined],
  ])('%s', (text, competitor) => {
    expect(slots(text).competitor).toBe(competitor);
  });
});

describe('competitor list', () => {
  const file = (content: unknown): string => {
    const path = join(mkdtempSync(join(tmpdir(), 'competitors-')), 'competitors.json');
    writeFileSync(path, JSON.stringify(content));
    return path;
  };

  it('ships the Chinese B2B names in config/competitors.json', () => {
    const names = DEFAULT_COMPETITORS.map((c) => c.name);
    expect(names).toEqual(expect.arrayContaining(['平安', '钉钉', '企业微信', '用友', '销售易']));
  });

  it('loads a valid list', () => {
    const list = loadCompetitors(file({ competitors: [{ name: 'Globex', aliases: ['环球'] }] }));
    expect(createSlotExtractor(list)('在用环球的').competitor).toBe('Globex');
  });

  it.each([
    ['no aliases', { competitors: [{ name: 'X', aliases: [] }] }],
    ['an unknown field', { competitors: [{ name: 'X', aliases: ['x'], tier: 1 }] }],
    [
      'a duplicate name',
      {
        competitors: [
          { name: 'X', aliases: ['x'] },
          { name: 'X', aliases: ['y'] },
        ],
      },
    ],
  ])('rejects a list with %s, naming the file', (_why, content) => {
    const path = file(content);
    expect(() => loadCompetitors(path)).toThrow(path);
  });
});
