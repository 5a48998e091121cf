import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { asrNoise, readNumber } from '../../src/datasets/text/asr-noise.js';
import { seeded } from '../../src/core/rng.js';
import {
  CORE_INTENTS,
  INTENT_TAXONOMY,
  loadIntentTaxonomy,
} from '../../src/models/intent-taxonomy.js';
import { formatHotWords, hotWords } from '../../src/training/index.js';

const shipped = () => JSON.parse(readFileSync('config/intents.json', 'utf8'));

describe('intent taxonomy (config/intents.json)', () => {
  it('holds every core label under a group, described in both languages', () => {
    expect(INTENT_TAXONOMY.labels).toEqual(expect.arrayContaining([...CORE_INTENTS]));
    expect(INTENT_TAXONOMY.ancestors('objection_price')).toEqual(['objection']);
    expect(INTENT_TAXONOMY.matches('objection_price', 'objection')).toBe(true);
    expect(INTENT_TAXONOMY.matches('ask_price', 'objection')).toBe(false);
    expect(INTENT_TAXONOMY.describe('opt_out', 'zh')).toMatch(/别再打/);
  });

  it('grows in depth: a group under a group matches its labels', () => {
    const t = shipped();
    t.groups.objection.parent = 'negative';
    t.groups.negative = { zh: '负面', en: 'Negative' };
    t.labels.objection_security = {
      group: 'objection',
      zh: '担心数据安全',
      en: 'Worries about data',
    };
    const tax = loadIntentTaxonomy(t);
    expect(tax.ancestors('objection_security')).toEqual(['objection', 'negative']);
    expect(tax.matches('objection_price', 'negative')).toBe(true);
  });

  it.each([
    ['an unknown group', (t: any) => (t.labels.greeting.group = 'nope'), /unknown group nope/],
    ['a missing core label', (t: any) => delete t.labels.opt_out, /missing: opt_out/],
    [
      'a cycle of groups',
      (t: any) => {
        t.groups.opening.parent = 'identity';
        t.groups.identity.parent = 'opening';
      },
      /cycle/,
    ],
    [
      'a label named like a group',
      (t: any) => (t.labels.objection = t.labels.greeting),
      /both a label and a group/,
    ],
    ['a fallback that is no label', (t: any) => (t.fallback = 'other'), /fallback other/],
    [
      'a label that is not snake_case',
      (t: any) => (t.labels['Ask-Price'] = t.labels.ask_price),
      /snake_case/,
    ],
  ])('refuses %s', (_name, change, message) => {
    const t = shipped();
    change(t);
    expect(() => loadIntentTaxonomy(t)).toThrow(message);
  });
});

describe('ASR noise', () => {
  it.each([
    ['3', '三'],
    ['15', '十五'],
    ['20', '二十'],
    ['305', '三百零五'],
    ['2000', '二千'],
    ['13800138000', '一三八零零一三八零零零'],
  ])('reads %s as %s', (digits, zh) => expect(readNumber(digits)).toBe(zh));

  it('is the same for the same seed, and drops punctuation', () => {
    const text = '你好，请问多少钱？我们预算大概5万。';
    const a = asrNoise(text, seeded(7));
    expect(asrNoise(text, seeded(7))).toBe(a);
    expect(a).not.toMatch(/[，？。5]/);
  });
});

describe('hot words for the speech recogniser', () => {
  const words = hotWords({
    products: ['稳盈理财服务'],
    competitors: [{ name: '钉钉', aliases: ['dingtalk'] }],
    scriptLines: ['我们的排产系统能降低库存', '排产系统支持多工厂', '感谢您的接听'],
    corrections: [
      { heard: '你们的派产系统怎么收费', corrected: '你们的排产系统怎么收费' },
      { heard: '那个风空模块', corrected: '那个风控模块' },
      { heard: '风空呢', corrected: '风控呢' },
    ],
  });
  const weight = (w: string) => words.find((x) => x.word === w)?.weight;

  it('weighs products, competitors, corrected terms and script nouns', () => {
    expect(weight('稳盈理财服务')).toBe(5);
    expect(weight('钉钉')).toBe(4);
    expect(weight('dingtalk')).toBe(4);
    expect(weight('风控')).toBeGreaterThanOrEqual(3);
    expect(weight('排产')).toBeGreaterThanOrEqual(2);
    expect(weight('感谢')).toBeUndefined();
  });

  it('writes one word TAB weight per line, strongest first', () => {
    const lines = formatHotWords(words).trim().split('\n');
    expect(lines[0]).toBe('稳盈理财服务\t5');
    expect(lines.every((l) => /^[^\t]+\t[1-5]$/.test(l))).toBe(true);
  });
});
