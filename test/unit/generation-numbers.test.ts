import { describe, expect, it } from 'vitest';
import { numbersIn } from '../../src/models/generation/index.js';

// The numbers a line states, as the gate compares them with the facts'.
const CASES: [string, string[]][] = [
  ['年化收益率3.5%', ['3.5']],
  ['百分之三点五', ['3.5']],
  ['百分之3.5', ['3.5']],
  ['３．５％', ['3.5']],
  ['1,000元', ['1000']],
  ['3，500元', ['3', '500']],
  ['1.5万', ['15000']],
  ['100万', ['1000000']],
  ['两万元起投', ['20000']],
  ['一万五', ['15000']],
  ['三千五百', ['3500']],
  ['三千五', ['3500']],
  ['一百零五', ['105']],
  ['一万零五百', ['10500']],
  ['三亿五千万', ['350000000']],
  ['一千万', ['10000000']],
  ['壹仟元', ['1000']],
  ['十五', ['15']],
  ['二十', ['20']],
  ['十年', ['10']],
  ['二零二四年', ['2024']],
  ['一点五倍', ['1.5']],
  ['一两个工作日', ['1', '2']],
  ['三年期', ['3']],
  ['五折', ['5']],
  ['两成', ['2']],
  ['下午三点', ['3']],
  ['十分钟', ['10']],
  ['一块钱', ['1']],
  ['百分之五十', ['50']],
  ['400-820-8820', ['400', '820', '8820']],
  // numerals inside words are not numbers
  ['我给您介绍一下', []],
  ['这个一定要看合同', []],
  ['十分方便', []],
  ['万一有问题', []],
  ['周三给您回电', []],
  ['有两种方案', []],
  ['便宜一点', []],
  ['千万别担心', []],
  ['十有八九', []],
  ['不管三七二十一', []],
  ['十', []],
  ['百分之百', []],
];

describe('numbersIn', () => {
  it.each(CASES)('%s states %j', (line, values) => {
    expect(numbersIn(line).map((n) => n.value)).toEqual(values);
  });

  it('marks rates, however they are written', () => {
    const rates = (line: string) => numbersIn(line).map((n) => n.rate);
    expect(rates('3.5%')).toEqual([true]);
    expect(rates('百分之三点五')).toEqual([true]);
    expect(rates('百分之二')).toEqual([true]);
    expect(rates('高两个百分点')).toEqual([true]);
    expect(rates('R2级，3.5元')).toEqual([false, false]);
  });
});
