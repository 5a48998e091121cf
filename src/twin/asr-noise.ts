/**
 * How a speech recogniser renders what the customer said: homophones
 * swapped, characters dropped or doubled, now and then English words the
 * speaker mixed in. The confidence falls with the line's noise and with the
 * share of characters that came out wrong, as a recogniser's does.
 */
import { pick } from '../core/rng.js';
import type { Rng } from '../core/rng.js';
import { clamp01 } from './draws.js';

// prettier-ignore
const HOMOPHONES: Readonly<Record<string, string>> = {
  的: '得地', 在: '再', 是: '事市', 那: '哪', 他: '她它', 吗: '嘛', 话: '化画', 电: '店垫',
  打: '达', 买: '卖麦', 要: '药', 钱: '前', 贵: '跪柜', 考: '靠', 试: '事', 价: '架假',
  预: '玉', 算: '蒜', 用: '永', 们: '门', 需: '须', 兴: '星', 趣: '去', 意: '义', 思: '丝',
  经: '京', 理: '里', 就: '旧', 不: '步', 号: '好', 码: '马', 投: '头', 诉: '速', 工: '公',
  忙: '盲', 开: '揩', 车: '扯', 老: '佬', 板: '版', 同: '铜', 签: '千', 办: '半', 别: '憋',
};
/** Words speakers say in English now and then. */
const MIXED: readonly [string, string][] = [
  ['好的', 'OK'],
  ['可以', 'OK'],
  ['没问题', 'no problem'],
  ['微信', 'WeChat'],
  ['拜拜', 'bye bye'],
  ['方案', 'plan'],
];
const MIXED_RATE = 0.12;

/** Per character, at noise 1: swapped for a homophone (where one exists), dropped, doubled. */
const SWAP = 0.3;
const DROP = 0.06;
const DOUBLE = 0.05;

/** A stretch of the utterance; `keep` ones (a time the customer names) come through whole. */
export interface Spoken {
  text: string;
  keep?: boolean;
}

function garble(text: string, noise: number, rng: Rng): { text: string; edits: number } {
  let out = '';
  let edits = 0;
  for (const ch of text) {
    const u = rng();
    const alt = HOMOPHONES[ch];
    if (alt && u < noise * SWAP) {
      out += pick(rng, [...alt]);
      edits++;
    } else if (u > 1 - noise * DROP) {
      edits++;
    } else if (u > 1 - noise * (DROP + DOUBLE)) {
      out += ch + ch;
      edits++;
    } else out += ch;
  }
  return { text: out, edits };
}

/**
 * The recogniser's text and confidence for an utterance said on a line of
 * this `noise` (0 clean … 1 very noisy).
 */
export function recognise(
  parts: readonly Spoken[],
  noise: number,
  rng: Rng,
): { text: string; confidence: number } {
  let text = '';
  let edits = 0;
  let length = 0;
  for (const part of parts) {
    length += part.text.length;
    if (part.keep) {
      text += part.text;
      continue;
    }
    let said = part.text;
    for (const [zh, en] of MIXED)
      if (said.includes(zh) && rng() < MIXED_RATE) said = said.replace(zh, en);
    const g = garble(said, noise, rng);
    text += g.text;
    edits += g.edits;
  }
  const wrong = edits / Math.max(1, length);
  const confidence = clamp01(0.96 - 0.25 * noise - 0.8 * wrong + (rng() - 0.5) * 0.04);
  // A recogniser that dropped everything still says something.
  return {
    text: text || parts.map((p) => p.text).join(''),
    confidence: Math.max(0.05, confidence),
  };
}
