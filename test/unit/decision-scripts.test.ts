import { customerView } from '../helpers/decision.js';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  eligibleVariants,
  guardLine,
  lineSlots,
  loadScripts,
  NEUTRAL_LINE,
  render,
  scriptNode,
  ScriptVersions,
  type ScriptLibrary,
  type Variant,
} from '../../src/decision/scripts/index.js';
import { STANDARD_STATES, type CustomerView } from '../../src/decision/index.js';
import {
  createComplianceGuard,
  DEFAULT_COMPLIANCE_CONFIG,
} from '../../src/models/compliance/index.js';

const RAW = JSON.parse(
  readFileSync(new URL('../../config/scripts.json', import.meta.url), 'utf8'),
) as any;
const check = createComplianceGuard(DEFAULT_COMPLIANCE_CONFIG).checkBotLine;
const library = loadScripts(RAW, check);

const customer = (crm: CustomerView['crm'] = {}, tags: string[] = []): CustomerView =>
  customerView({ customerId: 'c-1', tags, intentScore: 0.5, crm });

const SLOTS = {
  product: '智联CRM',
  benefit: '缩短回款周期',
  budget: '5万元',
  timeline: '下个月',
  competitor: '某友商',
  industry: '物流',
  price: '每年9800元',
  agent: '王顾问',
  callback_time: '明天下午三点',
  channel: '微信',
};

/** What the bot would say: the first eligible variant whose slots are all known, else the safe line. */
function line(
  lib: ScriptLibrary,
  node: string,
  who: CustomerView,
  slots: Record<string, string | undefined>,
  concise = false,
): string {
  const texts = eligibleVariants(lib, node, who).map((v) => render(v, slots, concise));
  return texts.find((t) => t !== undefined) ?? scriptNode(lib, node).safe;
}

/** The message of the error `fn` throws, with its code checked. */
function configError(fn: () => unknown): string {
  try {
    fn();
  } catch (err: any) {
    expect(err.code).toBe('CONFIG_INVALID');
    return err.message;
  }
  throw new Error('expected CONFIG_INVALID');
}

describe('script library', () => {
  it('ships a line for every standard state, each compliant once rendered', () => {
    expect(library.version).toBe('2026-12-06');
    expect(Object.keys(library.nodes)).toEqual(expect.arrayContaining([...STANDARD_STATES]));
    for (const node of Object.values(library.nodes))
      for (const v of node.variants)
        for (const concise of [false, true]) {
          const text = render(v, SLOTS, concise)!;
          expect(check(text), text).toEqual([]);
        }
  });

  it('reports every problem at once, each with its path', () => {
    const raw = structuredClone(RAW);
    raw.nodes.pricing.variants[0].text = '{customer_name}您好，{product}标准版是{price}';
    raw.nodes.end.safe = '';
    raw.nodes.opening.variants[1].id = raw.nodes.opening.variants[0].id;
    raw.nodes.product_pitch.variants[0].match = { crm: {} };
    raw.nodes.closing.tone = 'friendly';
    delete raw.nodes.do_not_call;
    const message = configError(() => loadScripts(raw, check));
    expect(message).toContain(
      'nodes.pricing.variants.0.text: unknown placeholder {customer_name}; allowed: product',
    );
    expect(message).toContain('nodes.end.safe: must not be empty');
    expect(message).toContain('nodes.opening.variants.1.id: duplicate id "returning"');
    expect(message).toContain('nodes.product_pitch.variants.0.match: a match needs tagsAny or crm');
    expect(message).toMatch(/nodes\.closing: Unrecognized key: "tone"/);
    expect(message).toContain('nodes.do_not_call: missing standard state');
  });

  it('rejects placeholders in a safe line and stray braces in a template', () => {
    const raw = structuredClone(RAW);
    raw.nodes.end.safe = '感谢您，{agent}再见。';
    raw.nodes.end.variants[1].concise = '感谢接听}';
    const message = configError(() => loadScripts(raw, check));
    expect(message).toContain('nodes.end.safe: a safe line takes no placeholders');
    expect(message).toContain('nodes.end.variants.1.concise: unbalanced { or }');
  });

  it('rejects a library whose safe line is not compliant', () => {
    const raw = structuredClone(RAW);
    raw.nodes.pricing.safe = '这款产品保本保息，您放心。';
    expect(configError(() => loadScripts(raw, check))).toMatch(
      /nodes\.pricing\.safe: not compliant \("保本保息", principal_guarantee\)/,
    );
  });

  it('pitches by industry: manufacturing hears cost reduction, others the default', () => {
    const pitch = (crm: CustomerView['crm']): string =>
      line(library, 'product_pitch', customer(crm), { product: '智联CRM' });
    const ids = (crm: CustomerView['crm']): string[] =>
      eligibleVariants(library, 'product_pitch', customer(crm)).map((v) => v.id);

    expect(ids({ industry: 'manufacturing' })).toEqual([
      'manufacturing_cost',
      'benefit',
      'default',
    ]);
    expect(pitch({ industry: 'Manufacturing' })).toContain('成本');
    expect(pitch({ industry: '制造业' })).toContain('工厂');
    expect(pitch({ industry: 'retail' })).toContain('客流');
    expect(pitch({ industry: 'finance' })).toContain('风险评分');
    expect(ids({ industry: 'logistics' })).toEqual(['benefit', 'default']);
    expect(ids({})).toEqual(['benefit', 'default']);
    expect(pitch({ industry: 'logistics' })).toBe(
      '智联CRM是一套帮企业提升销售和运营效率的工具，上线快、上手也简单。我给您讲讲客户最常用的两个功能，好吗？',
    );
  });

  it('names a normalised industry in Chinese in a line, any other as stored', () => {
    const industry = (value: string) =>
      lineSlots({
        facts: {},
        customer: customer({ industry: value }),
        productLine: 'x',
        agent: null,
      }).industry;
    expect(industry('retail')).toBe('零售');
    expect(industry('Manufacturing')).toBe('制造业');
    expect(industry('航天')).toBe('航天');
  });

  it('ranks more specific matches first and leaves out variants that do not fit', () => {
    const ids = (tags: string[]): string[] =>
      eligibleVariants(library, 'opening', customer({}, tags)).map((v) => v.id);
    expect(ids([])).toEqual(['standard']);
    expect(ids(['high_intent'])).toEqual(['warm', 'standard']);
    expect(ids(['converted_before', 'high_intent'])).toEqual(['returning', 'warm', 'standard']);
    expect(() => eligibleVariants(library, 'karaoke', customer())).toThrow(/no node "karaoke"/);
  });

  it('says the concise variant to an impatient customer', () => {
    const who = customer({ industry: 'retail' });
    expect(line(library, 'product_pitch', who, SLOTS, true)).toBe(
      '智联CRM帮门店引流，提升到店客流和复购。',
    );
    const noConcise = scriptNode(library, 'do_not_call').variants[0]!;
    expect(noConcise.concise).toBeUndefined();
    expect(render(noConcise, {}, true)).toBe(noConcise.text);
  });

  it('moves on to the next eligible variant, then the safe line, when a slot is missing', () => {
    const who = customer({ industry: 'logistics' });
    expect(line(library, 'product_pitch', who, { ...SLOTS })).toContain('缩短回款周期');
    expect(line(library, 'product_pitch', who, { ...SLOTS, benefit: ' ' })).toContain(
      '提升销售和运营效率',
    );
    // Without the line that needs no slot, pricing has nothing to fill: its safe line.
    const slotted = structuredClone(library);
    const pricing = scriptNode(slotted, 'pricing');
    pricing.variants = pricing.variants.filter((v) => v.id !== 'flexible');
    expect(line(slotted, 'pricing', who, { product: '智联CRM' })).toBe(pricing.safe);
  });

  it('replaces a line with a forbidden promise by the safe line', () => {
    const raw = structuredClone(RAW);
    raw.nodes.product_pitch.variants[4].text = '{product}保证收益，年年翻倍。';
    raw.nodes.product_pitch.variants[4].concise = '{product} has guaranteed returns.';
    const lib = loadScripts(raw, check);
    const v = eligibleVariants(lib, 'product_pitch', customer()).at(-1) as Variant;
    const { safe } = scriptNode(lib, 'product_pitch');

    for (const concise of [false, true]) {
      const out = guardLine(render(v, SLOTS, concise)!, check, safe);
      expect(out.text).toBe(safe);
      expect(out.blocked.map((h) => h.rule)).toContain('guaranteed_return');
    }
    const fine = '智联CRM帮企业提效。';
    expect(guardLine(fine, check, safe)).toEqual({ text: fine, blocked: [] });
  });

  it('falls back to a neutral line when even the safe line is blocked', () => {
    const hit = { rule: 'x', term: 'x', start: 0, end: 1 };
    const blockAll = (text: string) => (text === NEUTRAL_LINE ? [] : [hit]);
    expect(guardLine('任何话', blockAll, '安全话')).toEqual({ text: NEUTRAL_LINE, blocked: [hit] });
    expect(check(NEUTRAL_LINE)).toEqual([]);
  });

  it('keeps a call on the version it started with after a weekly update', () => {
    const raw = structuredClone(RAW);
    raw.version = '2026-11-30';
    raw.nodes.end.variants[1].text = '谢谢您的时间，下周见！';
    const versions = new ScriptVersions(library);
    const started = versions.current().version;
    versions.add(loadScripts(raw, check));

    const who = customer();
    expect(versions.current().version).toBe('2026-11-30');
    expect(line(versions.current(), 'end', who, {})).toBe('谢谢您的时间，下周见！');
    expect(line(versions.get(started), 'end', who, {})).toBe(
      '感谢您抽出时间接听，祝您工作顺利，再见！',
    );
    expect(() => versions.add(library)).toThrow(/already loaded/);
    expect(() => versions.get('2020-01-01')).toThrow(/no scripts version/);
  });
});
