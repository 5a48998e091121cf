/**
 * The telesales intents the keyword baseline knows, and the phrases that
 * signal each in Chinese and English. Trained models bring their own labels.
 */
export const INTENT_LABELS = [
  'greeting',
  'ask_price',
  'ask_details',
  'interested',
  'purchase',
  'not_interested',
  'ask_materials',
  'request_callback',
  'request_human',
  'ask_meeting',
  'complaint',
  'objection_price',
  'objection_timing',
  'objection_trust',
  'objection_competitor',
  'confirm_identity',
  'deny_identity',
  'other',
] as const;

export type IntentLabel = (typeof INTENT_LABELS)[number];

/**
 * Every intent but 'other' needs cues: a new label does not compile until it
 * has some. Kept as one row per intent (prettier-ignore) so the table reads
 * as a table.
 */
// prettier-ignore
export const INTENT_CUES: Record<Exclude<IntentLabel, 'other'>, readonly string[]> = {
  greeting: ['你好', '您好', '喂', '哈喽', '早上好', '下午好', '晚上好', 'hello', 'hi', 'hey', 'good morning', 'good afternoon'],
  ask_price: ['多少钱', '价格', '报价', '怎么收费', '收费', '费用', '贵不贵', '什么价', '优惠', '折扣', 'how much', 'price', 'pricing', 'cost', 'quote', 'fee', 'fees', 'discount'],
  ask_details: ['具体', '介绍一下', '详细说说', '详细介绍', '怎么用', '什么功能', '有什么区别', '怎么操作', '什么产品', '是做什么的', 'tell me more', 'more details', 'how does it work', 'what does it do', 'features', 'explain'],
  interested: ['感兴趣', '有兴趣', '不错', '挺好', '可以考虑', '听起来不错', '有意思', '想了解', 'interested', 'sounds good', 'sounds great', 'sounds interesting', "i'd like to know", 'i like it'],
  purchase: ['我要买', '我买', '购买', '下单', '怎么买', '怎么付款', '签合同', '办理', '开通', '就这个吧', '成交', 'buy', 'purchase', 'sign up', 'place an order', "i'll take it", 'where do i sign', "let's do it"],
  not_interested: ['不感兴趣', '不太感兴趣', '没兴趣', '没什么兴趣', '不需要', '不用了', '不要', '别打了', '别再打了', '不考虑', 'not interested', 'not really interested', 'no thanks', 'no thank you', "don't need", "don't want", "don't call", 'stop calling'],
  ask_materials: ['发资料', '发点资料', '资料', '发给我', '发个链接', '发邮件', '发微信', '宣传册', '材料', 'brochure', 'materials', 'send me more', 'send me some', 'send me the', 'send over', 'email me'],
  request_callback: ['晚点再打', '回头再说', '再打给我', '改天再打', '改天', '稍后联系', '晚点联系', '下午再打', '明天再打', '过会儿再打', 'call me back', 'call back later', 'call me later', 'call me tomorrow', 'another time'],
  request_human: ['转人工', '人工客服', '人工', '真人', '你是机器人吗', '机器人', '找你们经理', 'human', 'real person', 'agent', 'representative', 'speak to someone', 'talk to a person', 'operator'],
  ask_meeting: ['见面', '面谈', '约个时间', '上门', '拜访', '过来聊', '线下', '开个会', '演示', 'meet', 'meeting', 'demo', 'schedule a call', 'come by', 'visit', 'in person', 'appointment'],
  complaint: ['投诉', '骚扰', '烦死了', '太烦了', '天天打', '举报', 'complain', 'complaint', 'harass', 'harassment', 'report you'],
  objection_price: ['太贵', '贵了', '有点贵', '便宜点', '预算不够', '价格太高', '超预算', '买不起', 'too expensive', 'too pricey', 'expensive', "can't afford", 'over budget', 'cheaper'],
  objection_timing: ['现在不方便', '再说吧', '不方便', '没时间', '在忙', '正在开会', '以后再说', '过段时间', '明年再说', '不是时候', 'not now', 'bad time', 'busy', 'not the right time', 'maybe later', 'next year'],
  objection_trust: ['骗子', '骗人', '诈骗', '靠谱吗', '可靠吗', '不信', '是真的吗', '正规吗', '怎么有我电话', 'scam', 'scammer', 'fraud', "don't trust", 'how did you get my number', 'is this real', 'too good to be true'],
  objection_competitor: ['已经有了', '已经在用', '在用别的', '别家', '其他家', '已经买了', 'already have', 'already using', 'already use', 'another provider', 'competitor', 'went with'],
  confirm_identity: ['是我', '我就是', '本人', "yes it's me", "it's me", "that's me", 'speaking', 'yes this is'],
  deny_identity: ['打错了', '不是我', '你打错', '不是本人', '没这个人', '不认识', 'wrong number', 'not me', 'no one by that name', 'you have the wrong'],
};

/** Phrases that contain a cue but mean something else; they only shadow it. */
// prettier-ignore
export const INTENT_BLOCKERS: readonly string[] = [
  '不贵', '不太贵', '不算贵', 'not too expensive', 'not expensive', '不骗', '不是骗子', 'not a scam', '不忙', 'not busy', '要不要', '不要紧',
];
