import type { SlotFacts } from '../types.js';

export type Objection = NonNullable<SlotFacts['objection']>;

// prettier-ignore
export const OBJECTION_CUES: Record<Objection, readonly string[]> = {
  price: ['太贵', '贵了', '有点贵', '便宜点', '价格太高', '预算不够', '买不起', '超预算', 'too expensive', 'too pricey', "can't afford", 'too much money', 'over budget', 'cheaper'],
  timing: ['现在不方便', '再说吧', '不方便', '没时间', '以后再说', '过段时间', '不是时候', '在忙', '明年再说', 'not now', 'bad time', 'not a good time', 'maybe later', 'too busy', 'busy right now'],
  trust: ['骗子', '骗人', '诈骗', '不靠谱', '靠谱吗', '不可信', '信不过', '不相信', 'scam', 'scammer', 'fraud', "don't trust", 'rip-off', 'too good to be true'],
  need: ['不需要', '用不上', '用不着', '没需求', '没必要', "don't need", 'no need', 'not necessary', 'no use for'],
  competitor: ['已经有了', '已经在用', '已经买了', '有别家的', '在用别家', 'already have', 'already using', 'already use', 'already bought', 'went with another'],
};

/** Denials that contain an objection cue. */
// prettier-ignore
export const OBJECTION_BLOCKERS: readonly string[] = [
  '不贵', '不太贵', '不算贵', 'not too expensive', 'not expensive',
  '不是骗子', '不是骗人', 'not a scam', '不忙', 'not busy', '方便', '不是不需要',
];
