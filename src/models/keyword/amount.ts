/**
 * Money amounts as customers say them, in folded text: Chinese numerals with
 * their vague forms (二三十万, 十来万, 一两百万, 五六万), Arabic digits with
 * a magnitude (8万, 1.5万, 10w, 50k, 200 thousand), ranges (三到五万, 3-5万)
 * and a currency word or sign. An amount is read as an interval: exact
 * amounts have lo === hi.
 *
 * The vague forms, as intervals:
 * - two neighbouring digits (二三, 两三, 一两, 五六) are either digit: 二三十万 = 20万..30万;
 * - 来 or 多 after a place adds up to nine tenths of that place: 十来万 = 10万..19万,
 *   一百多万 = 100万..190万, 两万多 = 2万..2.9万;
 * - 几 is 1..9 leading (几万 = 1万..9万) and 0..9 after a place (十几万 = 10万..19万).
 */

export interface Interval {
  lo: number;
  hi: number;
}

export interface Amount extends Interval {
  /** The amount as heard, currency word included (30万元, $50k). */
  text: string;
  /** Where it starts and ends in the folded text. */
  start: number;
  end: number;
  /** Only when the amount itself names one. */
  currency?: 'CNY' | 'USD';
}

// prettier-ignore
const DIGITS: Readonly<Record<string, number>> = {
  零: 0, 〇: 0, 一: 1, 二: 2, 两: 2, 三: 3, 四: 4, 五: 5, 六: 6, 七: 7, 八: 8, 九: 9,
};
const PLACES: Readonly<Record<string, number>> = { 十: 10, 百: 100, 千: 1000 };
const BIGS: Readonly<Record<string, number>> = { 万: 1e4, 亿: 1e8 };
// prettier-ignore
const SUFFIX: Readonly<Record<string, number>> = {
  万: 1e4, 亿: 1e8, 千: 1e3, 百: 100, w: 1e4, k: 1e3, m: 1e6,
  thousand: 1e3, grand: 1e3, million: 1e6, billion: 1e9, bn: 1e9,
};

const ZH_NUM = '[零一二三四五六七八九十两几][零一二三四五六七八九十两百千万亿几来多]*';
const AR_NUM =
  '\\d+(?:,\\d{3})*(?:\\.\\d+)?(?:\\s*(?:万|千|百|亿|thousand|grand|million|billion)|(?:k|w|m|bn)\\b)?';
const NUM = `(?:${AR_NUM}|${ZH_NUM})`;
const CURRENCY = '(?:\\s*(?:块钱|块|元|人民币|美元|美金|rmb|yuan|dollars?|usd|bucks))?';
const AMOUNT = new RegExp(
  `(\\$\\s?)?(${NUM})(?:\\s*(?:到|至|-|~|—|to)\\s*\\$?(${NUM}))?(${CURRENCY})`,
  'g',
);

const add = (a: Interval, b: Interval): Interval => ({ lo: a.lo + b.lo, hi: a.hi + b.hi });
const times = (a: Interval, k: number): Interval => ({ lo: a.lo * k, hi: a.hi * k });
const ZERO: Interval = { lo: 0, hi: 0 };

interface ZhState {
  total: Interval;
  section: Interval;
  digit?: Interval;
  /** The place or magnitude just read, for 来/多 and for 一万五 (= 15000). */
  lastUnit: number;
  afterUnit: boolean;
}

function zhDigit(s: ZhState, ch: string): void {
  const v = ch === '几' ? { lo: s.afterUnit ? 0 : 1, hi: 9 } : { lo: DIGITS[ch]!, hi: DIGITS[ch]! };
  // 二三, 一两, 五六: either of two neighbouring digits.
  s.digit = s.digit && !s.afterUnit ? { lo: s.digit.lo, hi: v.hi } : v;
}

/** A Chinese numeral (vague forms included) as an interval. */
export function zhNumber(numeral: string): Interval {
  const s: ZhState = { total: ZERO, section: ZERO, lastUnit: 1, afterUnit: false };
  for (const ch of numeral) {
    if (ch === '零') {
      // 一百零五: the digit after 零 is units, not tens.
      [s.lastUnit, s.afterUnit] = [1, true];
    } else if (ch in DIGITS || ch === '几') {
      zhDigit(s, ch);
      s.afterUnit = false;
    } else if (ch in PLACES) {
      s.section = add(s.section, times(s.digit ?? { lo: 1, hi: 1 }, PLACES[ch]!));
      s.digit = undefined;
      [s.lastUnit, s.afterUnit] = [PLACES[ch]!, true];
    } else if (ch in BIGS) {
      const part = s.digit ? add(s.section, s.digit) : s.section;
      s.total = add(s.total, times(part, BIGS[ch]!));
      [s.section, s.digit, s.lastUnit, s.afterUnit] = [ZERO, undefined, BIGS[ch]!, true];
    } else if ((ch === '来' || ch === '多') && s.afterUnit) {
      s.section = add(s.section, { lo: 0, hi: 0.9 * s.lastUnit });
    }
  }
  // 一万五 is 15000, 三千五 is 3500: a last digit counts in the place below the last unit.
  const last = s.digit ? times(s.digit, Math.max(1, s.lastUnit / 10)) : ZERO;
  return add(s.total, add(s.section, last));
}

/** The magnitude a numeral ends in (五万 → 1e4), or 1 when it is a bare count (三 in 三到五万). */
function trailingUnit(numeral: string): number {
  const word = /(?:万|亿|千|百|thousand|grand|million|billion|bn|k|w|m)$/.exec(numeral.trim());
  return word ? SUFFIX[word[0]]! : 1;
}

const isBare = (numeral: string): boolean =>
  !/[十百千万亿kwm]|thousand|grand|illion|bn/.test(numeral);

function number(numeral: string): Interval {
  const ar = /^(\d+(?:,\d{3})*(?:\.\d+)?)\s*(\S*)$/.exec(numeral.trim());
  if (!ar) return zhNumber(numeral);
  const v = Number(ar[1]!.replaceAll(',', '')) * (SUFFIX[ar[2]!] ?? 1);
  return { lo: v, hi: v };
}

function currencyOf(sign: string | undefined, word: string): Amount['currency'] {
  if (sign || /美元|美金|dollar|usd|bucks/.test(word)) return 'USD';
  if (/块|元|人民币|rmb|yuan/.test(word)) return 'CNY';
  return undefined;
}

/**
 * A Chinese numeral counts as money only with a place above ten or a currency
 * word (三十个人 is a head count); Arabic digits with a magnitude, a currency,
 * a dollar sign or at least three digits.
 */
function isMoney(sign: string | undefined, first: string, currency: string): boolean {
  if (sign || currency.trim()) return true;
  if (/^\d/.test(first)) return !isBare(first) || Number(first.replaceAll(',', '')) >= 100;
  return /[百千万亿]/.test(first);
}

/** Every amount in folded text, in order. */
export function amountsIn(folded: string): Amount[] {
  const out: Amount[] = [];
  for (const m of folded.matchAll(AMOUNT)) {
    const [whole, sign, first = '', second, currency = ''] = m;
    if (!isMoney(sign, second ?? first, currency)) continue;
    const hiPart = second === undefined ? undefined : number(second);
    let loPart = number(first);
    // 三到五万, 二十到三十万: the left end borrows the right end's magnitude when it needs it.
    const unit = second === undefined ? 1 : trailingUnit(second);
    if (hiPart && loPart.lo * unit <= hiPart.hi) loPart = times(loPart, unit);
    const value = { lo: loPart.lo, hi: hiPart?.hi ?? loPart.hi };
    const text = whole.trim();
    const amount: Amount = { ...value, text, start: m.index, end: m.index + whole.length };
    const cur = currencyOf(sign, currency);
    if (cur) amount.currency = cur;
    out.push(amount);
  }
  return out;
}
