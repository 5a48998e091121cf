/**
 * The numbers a line states — Arabic (full-width too), Chinese (三点五,
 * 两万, 一万五, 百分之五, 壹仟) and mixed (1.5万) — as canonical values, so
 * that 3.5%, 百分之三点五 and ３．５％ compare equal and 1万 equals 10000.
 * Numerals inside words (一下, 一定, 十分, 万一, 周三, 两种) are not numbers.
 */

export interface NumberMention {
  /** As written in the (normalised) line. */
  text: string;
  /** The canonical value: 3.5, 10000, or the digits of a year like 2024. */
  value: string;
  /** Written as a rate: 3.5%, 百分之三点五, 两个百分点. */
  rate: boolean;
  /** What it counts, as written after it (天 and 日 alike, 个月 and 月 alike); '' when nothing says. */
  unit: string;
}

// prettier-ignore
const DIGITS: Readonly<Record<string, number>> = {
  零: 0, 〇: 0, 一: 1, 壹: 1, 二: 2, 贰: 2, 两: 2, 三: 3, 叁: 3, 四: 4, 肆: 4,
  五: 5, 伍: 5, 六: 6, 陆: 6, 七: 7, 柒: 7, 八: 8, 捌: 8, 九: 9, 玖: 9,
};
// prettier-ignore
const SMALL_UNITS: Readonly<Record<string, number>> = {
  十: 10, 拾: 10, 百: 100, 佰: 100, 千: 1000, 仟: 1000,
};
const BIG_UNITS: Readonly<Record<string, number>> = { 万: 1e4, 亿: 1e8 };

const DIGIT_CHARS = Object.keys(DIGITS).join('');
const UNIT_CHARS = [...Object.keys(SMALL_UNITS), ...Object.keys(BIG_UNITS)].join('');
const NUMERAL = `[${DIGIT_CHARS}${UNIT_CHARS}0-9]`;

/** Words whose numerals count nothing; not where a number goes on (一点五, 十分钟, 一万一). */
// prettier-ignore
const IDIOMS = [
  '一点点', '一点儿', '一点', '十分', '万一', '一一', '一块儿', '一块', '一天到晚',
  '一年四季', '一成不变', '一五一十', '三三两两', '七七八八', '乱七八糟', '不管三七二十一',
  '一分一毫', '一日千里', '十有八九', '八九不离十',
];
const IDIOM = new RegExp(
  `(?<!${NUMERAL})(?:${IDIOMS.join('|')})(?!${NUMERAL}|点|[元块钟钱%])`,
  'gu',
);

/** After a lone Chinese numeral, what makes it a quantity (三年, 两成, 五折) rather than a word (三种, 周三). */
const UNIT_AFTER =
  /^(?:个月|个百分点|个工作日|小时|分钟|星期|[元块毛角钱年月周天日号期倍成折岁分秒点厘%])/u;

const TOKEN = new RegExp(
  `(\\d+(?:,\\d{3})*(?:\\.\\d+)?)([${UNIT_CHARS}]*)` +
    `|([${DIGIT_CHARS}${UNIT_CHARS}]+)(?:点([${DIGIT_CHARS}]+))?`,
  'gu',
);

/** Stands where 百分之 (千分之, 万分之) was: the number after it is a rate. */
const RATE_MARK = '\uE000';

/** Full-width forms to ASCII; the Chinese comma first, so that 3，500 stays two numbers. */
const normalise = (text: string): string =>
  text
    .replaceAll('，', '、')
    .normalize('NFKC')
    .replace(/[百千万]分之(?=[0-9点]|[零〇一二两三四五六七八九十])/gu, RATE_MARK);

/** What a number counts, by the word after it: one name for the ways of saying it. */
const UNIT_OF = /^(?:个工作日|工作日|个月|个小时|小时|分钟|星期|[元块毛角年月周天日期倍成折岁次])/u;
const SAME_UNIT: Readonly<Record<string, string>> = {
  块: '元',
  日: '天',
  个月: '月',
  星期: '周',
  个小时: '小时',
  个工作日: '工作日',
};
const unitOf = (after: string): string => {
  const word = UNIT_OF.exec(after.trimStart())?.[0] ?? '';
  return SAME_UNIT[word] ?? word;
};

/** After a number, what makes it a rate: 3.5%, 两个百分点. */
const RATE_AFTER = /^\s*(?:%|‰|个?百分点)/u;

const canonical = (v: number): string => String(Math.round(v * 1e6) / 1e6);

/** Every number the line states, in order. */
export function numbersIn(line: string): NumberMention[] {
  const text = normalise(line).replace(IDIOM, (m) => '_'.repeat(m.length));
  const out: NumberMention[] = [];
  for (const m of text.matchAll(TOKEN)) {
    const [whole, arabic, scale, chinese, decimals] = m;
    const after = text.slice(m.index + whole.length);
    const rate = text[m.index - 1] === RATE_MARK || RATE_AFTER.test(after);
    const unit = rate ? '%' : unitOf(after);
    if (arabic !== undefined) {
      const v = Number(arabic.replaceAll(',', '')) * scaleOf(scale ?? '');
      out.push({ text: whole, value: canonical(v), rate, unit });
    } else if (chinese !== undefined) {
      for (const value of chineseValues(chinese, decimals, rate ? '%' : after)) {
        out.push({ text: whole, value, rate, unit });
      }
    }
  }
  return out;
}

const scaleOf = (units: string): number =>
  [...units].reduce((s, u) => s * (SMALL_UNITS[u] ?? BIG_UNITS[u] ?? 1), 1);

/**
 * The values of one run of Chinese numerals: none for a word, two for a
 * range like 两三. `after` is the text that follows, or '%' for a rate.
 */
function chineseValues(run: string, decimals: string | undefined, after: string): string[] {
  // A run that starts with 百, 千, 万 or 亿 (千万别, 百度) begins at its first digit.
  const from = run.search(new RegExp(`[${DIGIT_CHARS}十拾]`, 'u'));
  if (from < 0) return [];
  const int = run.slice(from);
  const fraction = decimals === undefined ? '' : positional(decimals);
  if ([...int].length === 1 && fraction === '' && !UNIT_AFTER.test(after)) return [];
  const hasUnits = [...int].some((c) => c in SMALL_UNITS || c in BIG_UNITS);
  if (!hasUnits && fraction === '' && isRange(int)) return [...int].map((c) => String(DIGITS[c]));
  const whole = hasUnits ? withUnits(int) : Number(positional(int));
  return [canonical(Number(`${whole}.${fraction || '0'}`))];
}

/** 一两, 两三, 三四, 三五: an approximate range of two numbers, not the digits of one. */
function isRange(int: string): boolean {
  const [a, b, ...rest] = [...int].map((c) => DIGITS[c] ?? -1);
  if (a === undefined || b === undefined || rest.length > 0) return false;
  return b === a + 1 || (a === 3 && b === 5);
}

/** Digit by digit, as years and decimals are read: 二零二四 → 2024. */
const positional = (digits: string): string => [...digits].map((c) => DIGITS[c] ?? 0).join('');

/**
 * 三千五百, 一百零五, 两万三千, 三亿五千万; a trailing digit right after a
 * unit counts one place lower, as it is said: 一万五 is 15000, 三千五 3500.
 */
function withUnits(int: string): number {
  let total = 0;
  let section = 0;
  let num = 0;
  let lastUnit = 0;
  for (const c of int) {
    const digit = DIGITS[c];
    const small = SMALL_UNITS[c];
    const big = BIG_UNITS[c];
    if (digit === 0) lastUnit = 0;
    else if (digit !== undefined) num = digit;
    else if (small !== undefined) {
      section += (num || 1) * small;
      num = 0;
      lastUnit = small;
    } else if (big !== undefined) {
      total = big > 1e4 ? (total + section + num) * big : total + (section + num) * big;
      section = 0;
      num = 0;
      lastUnit = big;
    }
  }
  return total + section + num * (lastUnit > 1 ? lastUnit / 10 : 1);
}
