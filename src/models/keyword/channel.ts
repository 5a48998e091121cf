import type { Channel } from '../types.js';

/**
 * The channel a customer asks to be reached on. 威信/薇信 and vx/wx are how
 * recognisers and customers write 微信; 企业微信 is a product, not a channel.
 * A channel refused (别发短信, 不要加微信) does not count; of the rest, the
 * first said wins.
 */
const CHANNELS: readonly [Channel, RegExp][] = [
  ['wechat', /(?<!企业)(?:微信|威信|薇信|维信)|\b(?:vx|wx|wechat|weixin)\b/g],
  ['email', /邮箱|邮件|\be-?mail|\bmail me\b/g],
  ['sms', /短信|\btext me\b|\bsms\b|\bsend me a text\b/g],
  [
    'phone',
    /打(?:这个|我|我的)?(?:电话|手机|号码?)|\bcall me on\b|\bcall (?:this|my) (?:number|phone|cell|mobile)\b/g,
  ],
];
const REFUSED =
  /(?:别|不要|不用|不想|没有|没)(?:给我)?(?:发|加|打)?$|\b(?:no|not|don't|do not)\s+(?:\w+\s+)?$/;

/** Folded text in, the preferred channel out. */
export function channelOf(folded: string): Channel | undefined {
  let best: { at: number; channel: Channel } | undefined;
  for (const [channel, re] of CHANNELS) {
    for (const m of folded.matchAll(re)) {
      if (REFUSED.test(folded.slice(Math.max(0, m.index - 6), m.index))) continue;
      if (!best || m.index < best.at) best = { at: m.index, channel };
      break;
    }
  }
  return best?.channel;
}
