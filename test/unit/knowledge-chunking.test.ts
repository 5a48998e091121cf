import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MAX_CHUNK_CHARS, readKnowledge } from '../../src/models/knowledge/index.js';
import { chunkFaq, chunkMarkdown, pieces } from '../../src/models/knowledge/chunking.js';
import { tmpDir } from '../helpers/tmp.js';

const loan = { file: 'loan.md', campaigns: ['spring-promo'] };

describe('knowledge chunking', () => {
  it('cuts Markdown by heading, with stable ids, titles, campaigns and source', () => {
    const chunks = chunkMarkdown(
      loan,
      [
        '# 安心贷',
        '',
        '面向个人的消费贷款。',
        '',
        '## 提前还款 {#early-repayment}',
        '随时可以提前还款，',
        '不收违约金。',
        '',
        '### 逾期 罚息',
        '按日收取罚息。',
      ].join('\n'),
    );
    expect(chunks).toEqual([
      {
        id: 'loan#intro',
        source: 'loan.md',
        title: '安心贷',
        campaigns: ['spring-promo'],
        text: '面向个人的消费贷款。',
      },
      {
        id: 'loan#early-repayment',
        source: 'loan.md',
        title: '安心贷 / 提前还款',
        campaigns: ['spring-promo'],
        text: '随时可以提前还款，不收违约金。',
      },
      {
        id: 'loan#逾期-罚息',
        source: 'loan.md',
        title: '安心贷 / 逾期 罚息',
        campaigns: ['spring-promo'],
        text: '按日收取罚息。',
      },
    ]);
  });

  it('splits a long section at paragraphs, then sentences, each piece within the limit', () => {
    const sentence = '这是一句关于费用的说明，里面有一些数字比如百分之三。';
    const paragraph = sentence.repeat(8);
    const body = [paragraph, paragraph, paragraph.repeat(2)].join('\n\n');
    const out = pieces(body);
    expect(out.length).toBeGreaterThanOrEqual(4);
    for (const p of out) expect(p.length).toBeLessThanOrEqual(MAX_CHUNK_CHARS);
    expect(out.join('').replace(/\s/g, '')).toBe(body.replace(/\s/g, ''));

    const chunks = chunkMarkdown(loan, `## 费用 {#fees}\n\n${body}`);
    expect(chunks.map((c) => c.id)).toEqual(out.map((_, i) => `loan#fees-${i + 1}`));
  });

  it('refuses two sections with one id', () => {
    expect(() => chunkMarkdown(loan, '## A {#x}\n一\n## B {#x}\n二')).toThrow(
      expect.objectContaining({ code: 'CONFIG_INVALID' }),
    );
  });

  it('makes one chunk per FAQ entry, the question in its title', () => {
    const chunks = chunkFaq(
      { file: 'faq.json', campaigns: [] },
      {
        title: '常见问题',
        entries: [{ id: 'invoice', q: '能开发票吗？', a: '可以，在App申请。' }],
      },
    );
    expect(chunks).toEqual([
      {
        id: 'faq#invoice',
        source: 'faq.json',
        title: '常见问题 / 能开发票吗？',
        campaigns: [],
        text: '可以，在App申请。',
      },
    ]);
  });
});

describe('the sample knowledge base', () => {
  const kb = readKnowledge('config/knowledge');

  it('has a version, prompt-sized chunks and each file under its campaigns', () => {
    expect(kb.version).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(kb.chunks.length).toBeGreaterThan(40);
    for (const c of kb.chunks) expect(c.text.length).toBeLessThanOrEqual(MAX_CHUNK_CHARS);
    const byId = new Map(kb.chunks.map((c) => [c.id, c]));
    expect(byId.get('wealth#early-redemption')!.campaigns).toEqual(['spring-promo']);
    expect(byId.get('insurance#cooling-off')!.campaigns).toEqual(['renewal']);
    expect(byId.get('company#anti-fraud')!.campaigns).toEqual([]);
    expect(byId.get('faq#invoice')!.source).toBe('faq.json');
  });

  it('labels every held-out question with chunks that exist', () => {
    for (const file of ['knowledge-questions.json', 'knowledge-questions-2.json']) {
      const set = JSON.parse(readFileSync(join('bench/data', file), 'utf8')) as {
        kbVersion: string;
        questions: { answers: string[] }[];
      };
      expect(set.kbVersion).toBe(kb.version);
      const ids = new Set(kb.chunks.map((c) => c.id));
      for (const q of set.questions) for (const a of q.answers) expect(ids).toContain(a);
    }
  });

  it('reports a bad manifest with the file it is in', () => {
    const dir = join(tmpDir(), 'kb');
    mkdirSync(dir);
    writeFileSync(
      join(dir, 'knowledge.json'),
      JSON.stringify({ version: 'v1', shared: ['../secrets.md'] }),
    );
    expect(() => readKnowledge(dir)).toThrow(/knowledge\.json[\s\S]*shared\.0/);
  });
});
