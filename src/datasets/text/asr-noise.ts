import { seeded, type Rng } from '../../core/rng.js';

/**
 * What a phone line and a speech recogniser do to a customer's words, as a
 * deterministic transform: punctuation dropped, fillers added, homophones
 * swapped, digits read out as Chinese numerals, a word stuttered. Used to
 * augment training lines and to make the noisy copy of a test split; the
 * two use different seeds, so no test line is noised the way its training
 * twin was (there is no training twin: the splits share no text).
 */

/** Same-sounding (or near) characters a recogniser confuses, both ways. */
// prettier-ignore
const HOMOPHONES: readonly (readonly [string, string])[] = [
  ['在', '再'], ['的', '得'], ['是', '事'], ['那', '哪'], ['他', '她'], ['做', '作'], ['已', '以'],
  ['微信', '威信'], ['需要', '须要'], ['联系', '连系'], ['电话', '店话'], ['价格', '价隔'],
  ['优惠', '有会'], ['试用', '使用'], ['发票', '发飘'], ['合同', '和同'], ['预算', '预蒜'],
  ['老板', '老版'], ['投诉', '投书'], ['资料', '资了'], ['公司', '工司'], ['时间', '时减'],
  ['不用', '步用'], ['感兴趣', '赶兴趣'], ['打电话', '打点话'], ['知道', '只道'],
];

const ZH_FILLERS = ['嗯', '啊', '那个', '呃', '就是', '这个', '哎'];
const EN_FILLERS = ['uh', 'um', 'like', 'you know', 'well'];
const ZH_DIGITS = ['零', '一', '二', '三', '四', '五', '六', '七', '八', '九'];

const PUNCTUATION = /[\p{P}\p{S}]+/gu;
const HAN = /\p{Script=Han}/u;

/** 3 → 三, 15 → 十五, 300 → 三百; longer numbers digit by digit, as phone numbers are read. */
export function readNumber(digits: string): string {
  const n = Number(digits);
  if (digits.length > 4 || !Number.isInteger(n))
    return [...digits].map((d) => ZH_DIGITS[+d]).join('');
  if (n < 10) return ZH_DIGITS[n]!;
  if (n < 20) return `十${n % 10 ? ZH_DIGITS[n % 10] : ''}`;
  const units: [number, string][] = [
    [1000, '千'],
    [100, '百'],
    [10, '十'],
  ];
  let out = '';
  let rest = n;
  for (const [size, unit] of units) {
    const d = Math.floor(rest / size);
    if (d) out += ZH_DIGITS[d] + unit;
    else if (out && rest) out += out.endsWith('零') ? '' : '零';
    rest %= size;
  }
  return (out + (rest ? ZH_DIGITS[rest] : '')).replace(/零$/, '');
}

function swapHomophone(text: string, rng: Rng): string {
  const found = HOMOPHONES.flatMap(([a, b]) =>
    text.includes(a) ? [[a, b] as const] : text.includes(b) ? [[b, a] as const] : [],
  );
  if (found.length === 0) return text;
  const [from, to] = found[Math.floor(rng() * found.length)]!;
  return text.replace(from, to);
}

function addFiller(words: string[], fillers: readonly string[], rng: Rng): string[] {
  const at = rng() < 0.6 ? 0 : Math.floor(rng() * (words.length + 1));
  const filler = fillers[Math.floor(rng() * fillers.length)]!;
  return [...words.slice(0, at), filler, ...words.slice(at)];
}

function noiseChinese(text: string, rng: Rng): string {
  let t = text.replace(/\d+/g, (d) => readNumber(d)).replace(PUNCTUATION, ' ');
  if (rng() < 0.5) t = swapHomophone(t, rng);
  let parts = t.split(/\s+/).filter(Boolean);
  if (rng() < 0.6) parts = addFiller(parts, ZH_FILLERS, rng);
  let out = parts.join(rng() < 0.5 ? ' ' : '');
  if (rng() < 0.15 && out.length > 1) out = out[0] + out; // a stutter: 我我要
  return out;
}

function noiseEnglish(text: string, rng: Rng): string {
  let words = text.toLowerCase().replace(PUNCTUATION, ' ').split(/\s+/).filter(Boolean);
  if (rng() < 0.6) words = addFiller(words, EN_FILLERS, rng);
  if (rng() < 0.15 && words.length > 2) {
    const i = Math.floor(rng() * words.length);
    words = [...words.slice(0, i), ...words.slice(i + 1)]; // a word lost on the line
  }
  return words.join(' ');
}

/** One noisy rendering of `text`, the same for the same seed. */
export function asrNoise(text: string, rng: Rng): string {
  const noisy = HAN.test(text) ? noiseChinese(text, rng) : noiseEnglish(text, rng);
  return noisy.trim() || text;
}

/** A noisy copy of each record, drawn from one generator seeded with `seed`. */
export function withAsrNoise<T extends { text: string }>(records: readonly T[], seed: number): T[] {
  const rng = seeded(seed);
  return records.map((r) => ({ ...r, text: asrNoise(r.text, rng) }));
}
