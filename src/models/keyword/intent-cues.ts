import type { CoreIntent } from '../intent-taxonomy.js';

/**
 * The phrases that signal each of the taxonomy's core intents in Chinese
 * and English: the fallback when no trained model loads.
 */
/**
 * Every intent but out_of_scope needs cues: a new label does not compile
 * until it has some. Kept as one row per intent (prettier-ignore) so the
 * table reads as a table. docs/intents.md says where one label ends and
 * the next begins.
 */
// prettier-ignore
export const INTENT_CUES: Record<Exclude<CoreIntent, 'out_of_scope'>, readonly string[]> = {
  greeting: ['你好', '您好', '喂', '哈喽', '早上好', '下午好', '晚上好', 'hello', 'hi', 'hey', 'good morning', 'good afternoon'],
  ask_who: ['你是谁', '你哪位', '哪位', '哪里', '哪个公司', '什么公司', '哪家', '什么事', '啥事', "who's this", 'who is this', 'who are you', 'which company', "what's this about"],
  ask_repeat: ['没听清', '听不清', '再说一遍', '再说一次', '说什么', '啥', '什么意思', '信号不好', 'pardon', 'say again', 'sorry what', "didn't catch", 'repeat that'],
  confirm_identity: ['是我', '我就是', '本人', "yes it's me", "it's me", "that's me", 'speaking', 'yes this is'],
  deny_identity: ['打错了', '不是我', '你打错', '不是本人', '没这个人', '不认识', 'wrong number', 'not me', 'no one by that name', 'you have the wrong'],
  decision_maker_self: ['我是老板', '我说了算', '我负责', '我来定', '我做主', '我决定', '归我管', "i'm the owner", 'i decide', 'my call', "i'm in charge"],
  decision_maker_other: ['问问老板', '问一下领导', '做不了主', '领导批', '老板定', '请示', '我说了不算', 'ask my boss', 'not my decision', 'check with my manager'],
  privacy_concern: ['怎么有我电话', '怎么有我的电话', '哪来的号码', '谁给你的号码', '怎么知道我', '我的信息', '泄露', 'how did you get my number', 'where did you get my', 'my data'],
  opt_out: ['别打了', '别再打了', '不要再打', '别给我打电话', '删掉我的号码', '拉黑', '别再联系', '不要再联系', '退订', "don't call", 'stop calling', 'do not call', 'take me off', 'remove my number', 'unsubscribe'],
  complaint: ['投诉', '骚扰', '烦死了', '太烦了', '天天打', '举报', 'complain', 'complaint', 'harass', 'harassment', 'report you'],
  not_interested: ['不感兴趣', '不太感兴趣', '没兴趣', '没什么兴趣', '不需要', '不用了', '不要', '不考虑', 'not interested', 'not really interested', 'no thanks', 'no thank you', "don't want"],
  objection_no_need: ['用不上', '用不着', '没需求', '没这个需求', '没必要', '没这块业务', "don't need", 'no need', 'no use for'],
  objection_timing: ['现在不方便', '再说吧', '不方便', '没时间', '在忙', '正在开会', '以后再说', '过段时间', '不是时候', 'not now', 'bad time', 'busy', 'not the right time', 'maybe later'],
  objection_price: ['太贵', '贵了', '有点贵', '预算不够', '价格太高', '超预算', '买不起', 'too expensive', 'too pricey', 'expensive', "can't afford", 'over budget'],
  objection_competitor: ['已经有了', '已经在用', '在用别的', '别家', '其他家', '已经买了', 'already have', 'already using', 'already use', 'another provider', 'competitor', 'went with'],
  objection_trust: ['骗子', '骗人', '诈骗', '靠谱吗', '可靠吗', '不信', '是真的吗', '正规吗', 'scam', 'scammer', 'fraud', "don't trust", 'is this real', 'too good to be true'],
  ask_price: ['多少钱', '价格', '报价', '怎么收费', '收费', '费用', '贵不贵', '什么价', 'how much', 'price', 'pricing', 'cost', 'quote', 'fee', 'fees'],
  ask_discount: ['优惠', '折扣', '打折', '便宜点', '便宜一点', '便宜些', '活动价', '能少点', 'discount', 'cheaper', 'deal', 'promotion', 'coupon'],
  ask_details: ['具体', '介绍一下', '详细说说', '详细介绍', '怎么用', '什么功能', '有什么区别', '怎么操作', '什么产品', '是做什么的', 'tell me more', 'more details', 'how does it work', 'what does it do', 'features', 'explain'],
  ask_terms: ['合同', '退款', '试用', '发票', '售后', '违约', '签几年', '怎么付', '分期', 'contract', 'refund', 'trial', 'invoice', 'cancel', 'warranty'],
  interested: ['感兴趣', '有兴趣', '不错', '挺好', '可以考虑', '听起来不错', '有意思', '想了解', '说说看', 'interested', 'sounds good', 'sounds great', 'sounds interesting', "i'd like to know", 'i like it'],
  agree_purchase: ['我要买', '我买', '购买', '下单', '怎么买', '怎么付款', '签合同', '办理', '开通', '就这个吧', '成交', 'buy', 'purchase', 'sign up', 'place an order', "i'll take it", 'where do i sign', "let's do it"],
  ask_materials: ['发资料', '发点资料', '资料', '发给我', '发个链接', '发邮件', '发微信', '加微信', '宣传册', '材料', 'brochure', 'materials', 'send me more', 'send me some', 'send me the', 'send over', 'email me'],
  ask_meeting: ['见面', '面谈', '约个时间', '上门', '拜访', '过来聊', '线下', '开个会', '演示', 'meet', 'meeting', 'demo', 'come by', 'visit', 'in person', 'appointment'],
  request_callback: ['晚点再打', '再打给我', '改天再打', '稍后联系', '晚点联系', '下午再打', '明天再打', '过会儿再打', '点再打', 'call me back', 'call back later', 'call me later', 'call me tomorrow', 'another time'],
  request_human: ['转人工', '人工客服', '人工', '真人', '你是机器人吗', '机器人', '找你们经理', 'human', 'real person', 'agent', 'representative', 'speak to someone', 'talk to a person', 'operator'],
  inform_budget: ['预算', '能花', '能出', '投入', '万以内', '万左右', '来万', 'budget', 'can spend', 'afford up to'],
};

/** Phrases that contain a cue but mean something else; they only shadow it. */
// prettier-ignore
export const INTENT_BLOCKERS: readonly string[] = [
  '不贵', '不太贵', '不算贵', 'not too expensive', 'not expensive', '不骗', '不是骗子', 'not a scam', '不忙', 'not busy', '要不要', '不要紧',
];
