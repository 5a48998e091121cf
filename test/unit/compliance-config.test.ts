import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DialwiseError } from '../../src/core/errors.js';
import {
  createComplianceGuard,
  DEFAULT_COMPLIANCE_CONFIG,
  DEFAULT_COMPLIANCE_CONFIG_PATH,
  loadComplianceConfig,
  type ComplianceConfig,
} from '../../src/models/compliance/index.js';

const base = DEFAULT_COMPLIANCE_CONFIG;

/** The message a bad config fails with; fails the test when it does not throw. */
function failure(config: unknown): string {
  try {
    createComplianceGuard(config as ComplianceConfig);
  } catch (err) {
    expect(err).toBeInstanceOf(DialwiseError);
    expect((err as DialwiseError).code).toBe('CONFIG_INVALID');
    return (err as Error).message;
  }
  throw new Error('the config was accepted');
}

describe('compliance config', () => {
  it('is config/compliance.json, validated', () => {
    expect(DEFAULT_COMPLIANCE_CONFIG_PATH).toMatch(/config[\\/]compliance\.json$/);
    expect(loadComplianceConfig(DEFAULT_COMPLIANCE_CONFIG_PATH)).toEqual(base);
    expect(JSON.parse(readFileSync(DEFAULT_COMPLIANCE_CONFIG_PATH, 'utf8'))).toEqual(base);
  });

  it.each<[string, unknown, RegExp]>([
    [
      'a rule name that is not snake_case',
      { ...base, rules: [{ name: 'No Risk', terms: ['x'] }] },
      /rules\.0\.name: rule names are snake_case/,
    ],
    [
      'a rule with nothing to match',
      { ...base, rules: [{ name: 'empty', terms: [] }] },
      /rules\.0: a rule needs terms or patterns/,
    ],
    [
      'a pattern with one cue group',
      {
        ...base,
        rules: [{ name: 'p', terms: [], patterns: [{ name: 'x', cues: [['a']], window: 4 }] }],
      },
      /rules\.0\.patterns\.0\.cues: a pattern needs two cue groups or more/,
    ],
    ['an unknown key', { ...base, negatons: {} }, /negatons/],
    [
      'a duplicate rule',
      { ...base, rules: [base.rules[0], base.rules[0]] },
      /rules\.1\.name: duplicate rule "principal_guarantee"/,
    ],
    [
      'a variant that is not one character',
      { ...base, homophones: { ...base.homophones, variants: { 夲夲: '本' } } },
      /homophones\.variants/,
    ],
  ])('rejects %s, naming where', (_why, config, message) => {
    expect(failure(config)).toMatch(message);
  });

  it('reports every phrase that cannot match, with its path', () => {
    const message = failure({
      ...base,
      rules: [{ name: 'dots', terms: ['...', '保本'] }],
      allow: ['，'],
      echo: ['您是问，是吗'],
    });
    expect(message).toContain('rules.0.terms.0: "..." is only spaces or punctuation');
    expect(message).toContain('allow.0: "，" is only spaces or punctuation');
    expect(message).toContain('echo.0: "您是问，是吗" spans a clause boundary');
  });

  it('names the file it cannot read', () => {
    const dir = mkdtempSync(join(tmpdir(), 'dialwise-compliance-'));
    const file = join(dir, 'compliance.json');
    writeFileSync(file, '{ "rules": ');
    expect(() => loadComplianceConfig(file)).toThrow(
      /cannot read compliance config .*compliance\.json/,
    );
    writeFileSync(file, JSON.stringify({ ...base, rules: [] }));
    expect(() => loadComplianceConfig(file)).toThrow(/compliance\.json:\n {2}- rules: /);
  });

  it('takes terms, patterns, homophones and negations from configuration', () => {
    const custom = createComplianceGuard({
      ...base,
      rules: [
        {
          name: 'doubling',
          terms: ['翻倍'],
          patterns: [{ name: '一年…翻一番', cues: [['一年'], ['翻一番']], window: 8 }],
        },
      ],
    });
    expect(custom.compliance('一年翻倍', 'bot')).toEqual([
      { rule: 'doubling', term: '翻倍', start: 2, end: 4 },
    ]);
    expect(custom.compliance('一年就能翻一番', 'bot')).toEqual([
      { rule: 'doubling', term: '一年…翻一番', start: 0, end: 7 },
    ]);
    expect(custom.compliance('凡倍', 'bot')).toHaveLength(1);
    expect(custom.compliance('不翻倍', 'bot')).toEqual([]);
    expect(custom.compliance('保本', 'bot')).toEqual([]);

    const noSound = createComplianceGuard({
      ...base,
      rules: [{ name: 'doubling', terms: ['翻倍'], homophones: false }],
    });
    expect(noSound.compliance('凡倍', 'bot')).toEqual([]);
  });

  it('uses the configured exclusions to keep same-sounding words out', () => {
    const text = '我先跟经理汇报本次的结果';
    expect(createComplianceGuard(base).compliance(text, 'bot')).toEqual([]);
    const loose = createComplianceGuard({
      ...base,
      homophones: { ...base.homophones, exclude: [] },
    });
    expect(loose.compliance(text, 'bot')).toEqual([
      { rule: 'principal_guarantee', term: '保本', start: 6, end: 8 },
    ]);
  });
});
