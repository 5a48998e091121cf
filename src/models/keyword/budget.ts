/**
 * The budget slot: the amount as heard and, as numbers, its range, period and
 * currency.
 *
 * An utterance states a budget when
 * - a budget word (预算, 能花, 投入, budget, spend, …) comes before the amount
 *   in the same sentence, or right after it (十万的预算); or
 * - it is mainly an amount with a sign that the customer is sizing their own
 *   spend: an approximation or limit word (左右, 以内, 大概, about, under, …),
 *   a vague numeral or a range (十来万, 两三千, 三到五万) or a period (一个月两千). What else is
 *   said may only be fillers (嗯, 吧, 就, 的话, 我们, …).
 * An amount followed by a question (十万？, 十万吗) echoes a price the bot
 * named, so it is never a budget, whatever else is said.
 *
 * Ranges: an approximate amount (左右, 大概, about) is widened by 10% each
 * way; a limit (以内, 不超过, under, up to) starts at 0; the vague numerals
 * keep the interval they name (amount.ts). The period is 'month' or 'year'
 * when said (每个月, 一年, per month, a year), else 'once'. The currency is
 * the one named, else CNY in Chinese speech and USD in English.
 */
import type { BudgetRange } from '../types.js';
import { amountsIn, type Amount } from './amount.js';

const CUE =
  /预算|能花|能出|最多出|最多花|出得起|能投|投入|花多少|打算花|准备花|想花|\b(?:budget|spend|afford|invest)/g;
const CUE_AFTER = /^(?:左右|以内|上下)?的?(?:预算|budget)/;
/** From a budget word to its amount: the same sentence, at most this many characters. */
const ZH_REACH = 12;
const EN_REACH = 30;

const APPROX_BEFORE = /(?:大概|大约|差不多|约|估计|about|around|roughly|approximately|~)\s*$/;
const APPROX_AFTER = /^\s*(?:左右|上下|的样子|出头)/;
const LIMIT_BEFORE =
  /(?:最多|顶多|不超过|不到|控制在|up to|under|below|less than|no more than|at most|within|max(?:imum)?)\s*$/;
const LIMIT_AFTER = /^\s*(?:以内|之内|以下|封顶|内)/;
const QUESTION_AFTER = /^\s*(?:[?？]|吗|啊[?？])/;

const MONTH =
  /(?<![十\d])(?:每|一)个?月(?![内后底初份])|每月|按月|包月|月费|月租|\b(?:per|a|each|every) month\b|\bmonthly\b|\/\s?mo(?:nth)?\b/;
const YEAR =
  /(?:每|一)年(?![内后底初])|每年|按年|包年|年费|\b(?:per|a|each|every) year\b|\bannually\b|\byearly\b|\/\s?y(?:ea)?r\b/;

/** Said around a bare amount without changing it being one. */
const FILLERS =
  /[\s,.!~，。！、…]|嗯|啊|呃|额|哦|吧|呢|呀|哈|啦|就|那个|这个|的话|我们|我|差不多|大概|大约|估计|左右|上下|以内|之内|以下|最多|顶多|不超过|\b(?:about|around|roughly|maybe|um|uh|like|under|up to|i guess|we|our|is)\b/g;

export interface Budget {
  text: string;
  range: BudgetRange;
}

function periodOf(folded: string): BudgetRange['period'] {
  if (MONTH.test(folded)) return 'month';
  return YEAR.test(folded) ? 'year' : 'once';
}

function rangeOf(folded: string, a: Amount): BudgetRange {
  const before = folded.slice(Math.max(0, a.start - 8), a.start);
  const after = folded.slice(a.end, a.end + 6);
  let { lo, hi } = a;
  if (LIMIT_BEFORE.test(before) || LIMIT_AFTER.test(after)) lo = 0;
  else if (lo === hi && (APPROX_BEFORE.test(before) || APPROX_AFTER.test(after))) {
    [lo, hi] = [lo * 0.9, hi * 1.1];
  }
  const currency = a.currency ?? (/\p{Script=Han}/u.test(folded) ? 'CNY' : 'USD');
  return { min: Math.round(lo), max: Math.round(hi), period: periodOf(folded), currency };
}

const echoed = (folded: string, a: Amount): boolean =>
  QUESTION_AFTER.test(folded.slice(a.end, a.end + 3));

/** The first amount a budget word points at. */
function cuedAmount(folded: string, amounts: readonly Amount[]): Amount | undefined {
  for (const cue of folded.matchAll(CUE)) {
    const reach = /\p{Script=Han}/u.test(cue[0]) ? ZH_REACH : EN_REACH;
    const end = cue.index + cue[0].length;
    const hit = amounts.find(
      (a) =>
        a.start >= end &&
        a.start - end <= reach &&
        !/[。!?！？；;]/.test(folded.slice(end, a.start)),
    );
    if (hit) return hit;
  }
  return amounts.find((a) => CUE_AFTER.test(folded.slice(a.end).trimStart()));
}

/**
 * An utterance that is one amount, sized by the customer (see the header): its
 * range is not one exact sum paid once.
 */
function bareAmount(folded: string, amounts: readonly Amount[]): Amount | undefined {
  if (amounts.length !== 1) return undefined;
  const a = amounts[0]!;
  const range = rangeOf(folded, a);
  if (range.min === range.max && range.period === 'once') return undefined;
  const rest = (folded.slice(0, a.start) + ' ' + folded.slice(a.end))
    .replace(MONTH, '')
    .replace(YEAR, '')
    .replace(FILLERS, '');
  return rest.length <= 2 ? a : undefined;
}

/** The budget an utterance states, in folded text; undefined when it states none. */
export function budgetOf(folded: string): Budget | undefined {
  const amounts = amountsIn(folded);
  if (amounts.length === 0) return undefined;
  const a = cuedAmount(folded, amounts) ?? bareAmount(folded, amounts);
  if (!a || echoed(folded, a)) return undefined;
  return { text: a.text, range: rangeOf(folded, a) };
}
