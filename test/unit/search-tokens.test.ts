import { describe, expect, it } from 'vitest';
import { TermTable } from '../../src/analytics/search/format/term-table.js';
import { hourTerm, hourWindow } from '../../src/analytics/search/format/index-terms.js';
import { fold, matchOf, scanTokens, termMatches, tokensOf } from '../../src/core/text-tokens.js';

describe('tokensOf', () => {
  it.each([
    ['Hello, World!', ['hello', 'world']],
    ['I want a REFUND please', ['i', 'want', 'a', 'refund', 'please']],
    ["it's fine", ['it', 's', 'fine']],
    ['保证收益', ['保证', '证收', '收益']],
    [
      '本产品保证收益，年化百分之五',
      ['本产', '产品', '品保', '保证', '证收', '收益', '年化', '化百', '百分', '分之', '之五'],
    ],
    ['钱', ['钱']],
    ['钱 钱', ['钱']],
    ['好的，那就办理吧。', ['好的', '那就', '就办', '办理', '理吧']],
    // Digits and Latin letters end a CJK run, and the other way round.
    ['年化5%收益', ['年化', '5', '收益']],
    ['iPhone15很好', ['iphone15', '很好']],
    ['WealthPlus 收益 3.5%', ['wealthplus', '收益', '3', '5']],
    // Full-width letters and digits fold to ASCII (NFKC) before lower-casing.
    ['ＶＩＰ会员 ＧＯＬＤ１２３', ['vip', '会员', 'gold123']],
    ['Ｒｅｆｕｎｄ！', ['refund']],
    ['ﬁne ①', ['fine', '1']],
    // Accents and other scripts are words of their own.
    ['Müller José Ελλάδα', ['müller', 'josé', 'ελλάδα']],
    ['ΟΔΟΣ', ['οδος']],
    // Kana (with the long-vowel mark) and Hangul are CJK: bigrams.
    ['カード', ['カー', 'ード']],
    ['한국어', ['한국', '국어']],
    // A character outside the BMP is one character.
    ['𠀀𠀁 x', ['𠀀𠀁', 'x']],
    ['𠀀', ['𠀀']],
    ['', []],
    ['  -- !! ', []],
  ])('%j', (text, tokens) => {
    expect(tokensOf(text)).toEqual(tokens);
  });

  it('gives the bounds of every token, repeats included, within a range', () => {
    const text = fold('x refund 退款退款 y');
    const seen: string[] = [];
    scanTokens(text, 2, text.length - 2, (a, b) => seen.push(text.slice(a, b)));
    expect(seen).toEqual(['refund', '退款', '款退', '退款']);
  });
});

describe('matchOf and termMatches', () => {
  it.each([
    ['refun', 'prefix'],
    ['abc', 'prefix'],
    ['ab', 'exact'],
    ['5', 'exact'],
    ['收益', 'exact'],
    ['钱', 'char'],
    ['𠀀', 'char'],
    ['𠀀𠀁', 'exact'],
  ])('%s matches as %s', (token, match) => {
    expect(matchOf(token)).toBe(match);
  });

  it('applies each rule', () => {
    expect(termMatches('refund', 'refun', 'prefix')).toBe(true);
    expect(termMatches('refun', 'refund', 'prefix')).toBe(false);
    expect(termMatches('ok', 'ok', 'exact')).toBe(true);
    expect(termMatches('okay', 'ok', 'exact')).toBe(false);
    expect(termMatches('钱', '钱', 'char')).toBe(true);
    expect(termMatches('money钱'.slice(5), '钱', 'char')).toBe(true);
    expect(termMatches('赚钱', '钱', 'char')).toBe(true);
    expect(termMatches('钱包', '钱', 'char')).toBe(true);
    expect(termMatches('收益', '钱', 'char')).toBe(false);
  });
});

describe('TermTable', () => {
  it('gives one id per distinct term, found again by its bounds in any text', () => {
    const table = new TermTable();
    // Single characters, two-unit terms (bigrams, an astral character) and longer words.
    const words = [
      'a',
      '退',
      '款',
      '退款',
      '款退',
      '𠀀',
      'ab',
      'ba',
      ...Array.from({ length: 20_000 }, (_, i) => `w${i}`),
    ];
    const ids = words.map((w) => table.idOf(w));
    expect(new Set(ids).size).toBe(words.length);
    const text = ` ${words.join(' ')} `;
    let at = 1;
    for (const [i, w] of words.entries()) {
      expect(table.id(text, at, at + w.length)).toBe(ids[i]);
      at += w.length + 1;
    }
    expect(table.terms[ids[123]!]).toBe(words[123]);
    expect(table.size).toBe(words.length);
  });
});

describe('hour terms', () => {
  const at = (iso: string) => Date.parse(iso);
  it('sort as the hours do, before and after 1970', () => {
    const hours = [-500_000, -1, 0, 1, 9, 10, 99, 100, 493_000];
    const terms = hours.map(hourTerm);
    expect([...terms].sort()).toEqual(terms);
  });

  it('cover a range by whole hours and name the hours it cuts', () => {
    const h = (iso: string) => hourTerm(Math.floor(at(iso) / 3_600_000));
    expect(hourWindow(at('2024-05-01T10:00:00Z'), at('2024-05-01T12:00:00Z'))).toMatchObject({
      lo: h('2024-05-01T10:00:00Z'),
      hi: h('2024-05-01T12:00:00Z'),
      edges: [],
    });
    expect(hourWindow(at('2024-05-01T10:30:00Z'), at('2024-05-01T12:15:00Z'))).toMatchObject({
      lo: h('2024-05-01T11:00:00Z'),
      hi: h('2024-05-01T12:00:00Z'),
      edges: [h('2024-05-01T10:00:00Z'), h('2024-05-01T12:00:00Z')],
    });
    // Within one hour: nothing whole, that hour cut.
    const inside = hourWindow(at('2024-05-01T10:10:00Z'), at('2024-05-01T10:20:00Z'));
    expect(inside.lo > inside.hi).toBe(true);
    expect(inside.edges).toEqual([h('2024-05-01T10:00:00Z')]);
    const open = hourWindow(undefined, undefined);
    expect(open.lo < hourTerm(-1e9) && hourTerm(1e9) < open.hi).toBe(true);
  });
});
