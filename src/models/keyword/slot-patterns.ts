/**
 * Regular expressions for the timeline slot, applied to folded text: the
 * phrase as heard. Amounts live in amount.ts, callback instants in
 * callback-time.ts.
 */
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
