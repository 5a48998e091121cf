/**
 * Regular expressions for the slots that carry a value (budget, timeline),
 * applied to folded text. Each pattern's first group, or else its whole
 * match, is the value.
 */
const ZH_AMOUNT =
  '\\d+(?:[,.]\\d+)*\\s*(?:万|千|百|亿|k|w)?(?:元|块钱|块|人民币)?' +
  // A Chinese numeral is an amount only with a magnitude or a currency: 预算一般… is not 一.
  '|[一二三四五六七八九十两几][一二三四五六七八九十两百千万亿零几来多]*[十百千万亿](?:元|块钱|块)?' +
  '|[一二三四五六七八九十两几]+(?:元|块钱|块)';
const EN_AMOUNT =
  '\\$\\s?\\d+(?:[,.]\\d+)*(?:\\s?(?:k|m|million|thousand|grand|bn|billion)\\b)?' +
  '|\\d+(?:[,.]\\d+)*\\s?(?:k|m|million|thousand|grand|bn|billion|dollars|usd|rmb|yuan|bucks)\\b' +
  '|\\d{1,3}(?:,\\d{3})+';

export const BUDGET_PATTERNS: readonly RegExp[] = [
  new RegExp(
    `(?:预算|能花|能出|最多出|最多花|出得起|能投|投入)[^，。,!?！？；]{0,8}?(${ZH_AMOUNT})`,
  ),
  new RegExp(`\\b(?:budget|spend|afford|invest)[a-z]*\\b[^.!?;]{0,30}?(${EN_AMOUNT})`),
];

const ZH_COUNT = '[\\d一二三四五六七八九十两几半]+';
const MONTHS = 'january|february|march|april|june|july|august|september|october|november|december';

/** Collected all at once; the earliest (then longest) match is the timeline. */
export const TIMELINE_PATTERNS: readonly RegExp[] = [
  /(?:下下?个?|这个?|本)(?:月|周|星期|礼拜|季度)(?:初|底|中|末)?(?:前|之前|以前|内|之内)?/g,
  /(?:今|明|后)年(?:底|初|中|上半年|下半年)?(?:前|之前|以前)?/g,
  /(?:月|年|季度)(?:底|末|初)(?:前|之前|以前)?/g,
  new RegExp(`${ZH_COUNT}个?多?(?:月|周|星期|天|年)(?:内|以内|之内|后|以后|之后)`, 'g'),
  /明天|后天|周末|下周[一二三四五六日天]|马上|尽快|近期|过两天|过几天|(?:春节|国庆|双十一)(?:前|后|之前|之后)?/g,
  /(?<![\d一二三四五六七八九十])[\d一二三四五六七八九十]{1,3}月份?(?:初|底|中|末)?(?:前|之前|以前)?/g,
  /\b(?:next|this|the coming)\s+(?:week|month|quarter|year|spring|summer|fall|autumn|winter)\b/g,
  /\b(?:(?:by|before)\s+)?(?:the\s+)?end\s+of\s+(?:the\s+|this\s+|next\s+)?(?:week|month|quarter|year)\b/g,
  /\b(?:within|in)\s+(?:\d+|a|one|two|three|four|five|six|a few|a couple of)\s+(?:days?|weeks?|months?|years?)\b/g,
  /\b(?:(?:by|before|in)\s+)?q[1-4]\b/g,
  /\b(?:tomorrow|asap|right away|year[- ]end)\b/g,
  // "may" is left out: it is far more often the verb.
  new RegExp(`\\b(?:(?:by|before|in)\\s+)?(?:${MONTHS})\\b`, 'g'),
];
