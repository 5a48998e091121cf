import type { EmotionLabel, EmotionResult } from '../types.js';
import { compileCues, matchCues } from './cues.js';
import { fold } from './normalize.js';

type Cued = Exclude<EmotionLabel, 'neutral'>;

// prettier-ignore
const CUES = compileCues<Cued>(
  {
    positive: ['好的', '不错', '太好了', '谢谢', '感谢', '满意', '喜欢', '挺好', '很好', '开心', '棒', 'great', 'thanks', 'thank you', 'awesome', 'good', 'nice', 'love', 'perfect', 'excellent', 'wonderful', 'happy', 'not bad'],
    negative: ['不好', '不太好', '太麻烦', '不满意', '失望', '太差', '烦', '讨厌', '不行', '糟糕', '郁闷', '遗憾', '不喜欢', 'bad', 'disappointed', 'annoyed', 'unhappy', 'terrible', 'awful', 'not good', 'worse', 'hate'],
    angry: ['滚', '骗子', '投诉你', '神经病', '有病', '妈的', '混蛋', '别再打', '骚扰', '气死', '找死', 'fuck', 'damn', 'idiot', 'stupid', 'shut up', 'stop calling', 'harassing', 'ridiculous', 'how dare'],
    impatient: ['快点', '说重点', '没时间', '赶紧', '直接说', '长话短说', '别啰嗦', '啰嗦', '有完没完', '在忙', '忙着呢', 'hurry', 'get to the point', "i'm busy", 'no time', 'make it quick', 'cut to the chase', 'just tell me'],
  },
  // Politeness that contains a cue: 不好意思 is "excuse me", 麻烦你 is "please".
  ['不好意思', '好不好', '麻烦', '不客气', 'no problem', 'good morning', 'good afternoon'],
);

const round = (v: number): number => Math.round(v * 100) / 100 || 0;

/**
 * Label and valence from cue weights and shouting. Anger outranks
 * impatience, which outranks plain sentiment, because the bot must react to
 * the strongest signal; negative words shouted ("!!") count as anger. The
 * valence is kept inside the label's range so the two never disagree.
 */
export function keywordEmotion(text: string): EmotionResult {
  const folded = fold(text);
  const s: Record<Cued, number> = { positive: 0, negative: 0, angry: 0, impatient: 0 };
  for (const h of matchCues(folded, CUES)) s[h.label] += h.weight;
  // Full-width ！ folds to !, so both count.
  const bangs = (folded.match(/!/g) ?? []).length;
  const intensity = 1 + 0.2 * Math.min(bangs, 3);
  const raw = Math.tanh((s.positive - s.negative - 1.5 * s.angry - 0.7 * s.impatient) * intensity);
  if (s.angry > 0 || (s.negative > 0 && bangs >= 2)) {
    return { label: 'angry', valence: round(Math.min(raw, -0.6)) };
  }
  if (s.impatient > 0) return { label: 'impatient', valence: round(Math.min(raw, -0.2)) };
  if (s.negative > s.positive) return { label: 'negative', valence: round(Math.min(raw, -0.1)) };
  if (s.positive > s.negative) return { label: 'positive', valence: round(Math.max(raw, 0.1)) };
  return { label: 'neutral', valence: 0 };
}
