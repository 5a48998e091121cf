/**
 * The two forms of a turn the opt-out patterns read. Chinese speech from a
 * recogniser comes without punctuation, with interjections and with
 * homophone slips; the Chinese form drops all of that so a pattern is
 * written once in clean characters. English keeps its words apart, with
 * one space between them, so its patterns can use word boundaries.
 */
import { fold } from '../keyword/normalize.js';

export interface OptOutText {
  /** Letters and digits only, interjections dropped, slips folded. */
  readonly zh: string;
  /** Lower-case words separated by single spaces, apostrophes dropped ("don't" → "dont"). */
  readonly en: string;
}

/** Interjections and hesitation sounds: noise between the words of a phrase. */
const FILLERS = /[嗯啊呃额哎唉诶欸哦噢喔呀哟嘛哈呐]/gu;

/** Spellings that the folds below rely on (了 after a verb, 打, 来, 们), folded first. */
const FIRST_FOLDS: readonly (readonly [RegExp, string])[] = [
  [/[咯啰喽啦嘞]/gu, '了'],
  [/达/gu, '打'],
  [/嚟/gu, '来'],
  [/哋/gu, '们'],
];

/**
 * Recogniser slips and dialect forms, each folded to the word the patterns
 * are written with. They are tried together in one pass, the first that
 * matches at a place winning, so a longer form comes before its prefix.
 */
// prettier-ignore
const ZH_FOLDS: readonly (readonly [string, string])[] = [
  ['(?<=[别要甭莫再])大(?=了|电话|来|过来|给我)', '打'],
  ['[电店垫点][化画花]|店话|垫话|点话', '电话'],
  ['联[习喜西戏细]|连[系习]', '联系'],
  ['号[马吗玛]|好码', '号码'],
  ['[骚扫][绕饶]|扫扰', '骚扰'],
  ['黑[明铭]单|黑名[担但丹]', '黑名单'],
  ['[山闪]掉', '删掉'],
  ['头诉|投[素速]', '投诉'],
  ['[包暴]警', '报警'],
  ['[憋鳖瘪](?=再|打|给|来|联系|发)', '别'],
  ['表(?=再|打|给我|来电|联系)', '别'],
  ['布要|不药', '不要'],
  ['(?<=再|别|要|在)来[点店垫](?=了|$)', '来电'],
  ['(?<=拉)[嘿嗨]', '黑'],
  ['载(?=打|给我|联系|来电|骚扰)', '再'],
  // Cantonese and Wu: 唔好 覅 勿要 (don't), 唔使 (no need), 搵 (look for), 侬 (you), 畀 (give).
  ['唔好|唔要|覅|勿要|婹|莫要', '不要'],
  ['唔[使洗]', '不用'],
  ['唔', '不'],
  ['搵', '找'],
  ['侬', '你'],
  ['畀|(?<=打)[比俾](?=我)|俾(?=我)', '给'],
  // Sichuan 老 for 了 after a verb: 莫再打老.
  ['(?<=打)老(?![板婆公人家总师客])', '了'],
  ['咪(?=再|打)', '别'],
];
const FOLD = new RegExp(ZH_FOLDS.map(([source]) => `(${source})`).join('|'), 'gu');

/** The replacement of the fold whose group matched. */
function folded(match: string, ...groups: unknown[]): string {
  const i = groups.findIndex((g) => typeof g === 'string');
  return i >= 0 && i < ZH_FOLDS.length ? ZH_FOLDS[i]![1] : match;
}

const NOT_LETTER_OR_DIGIT = /[^\p{L}\p{N}]+/gu;
const APOSTROPHES = /['\u2019`]/gu;
const LATIN_WORD = /[a-z]{2}|^[a-z]$/u;

/** A number read out digit by digit: 一一零, 幺二三幺五 (three digits or more). */
const SPOKEN_DIGITS = /[零〇幺一二三四五六七八九]{3,}/gu;
const DIGIT: Readonly<Record<string, string>> = {
  零: '0',
  〇: '0',
  幺: '1',
  一: '1',
  二: '2',
  三: '3',
  四: '4',
  五: '5',
  六: '6',
  七: '7',
  八: '8',
  九: '9',
};
const digits = (run: string): string => [...run].map((c) => DIGIT[c]).join('');

function chinese(lower: string): string {
  let s = lower
    .replace(NOT_LETTER_OR_DIGIT, '')
    .replace(FILLERS, '')
    .replace(SPOKEN_DIGITS, digits);
  for (const [re, to] of FIRST_FOLDS) s = s.replace(re, to);
  return s.replace(FOLD, folded);
}

function english(lower: string): string {
  if (!LATIN_WORD.test(lower)) return '';
  return lower
    .replace(APOSTROPHES, '')
    .replace(/[^a-z0-9]+/gu, ' ')
    .trim();
}

/** Both forms of `text`: NFKC, then the keyword models' fold (lower case, traditional → simplified). */
export function normalizeTurn(text: string): OptOutText {
  const lower = fold(text.normalize('NFKC'));
  return { zh: chinese(lower), en: english(lower) };
}
