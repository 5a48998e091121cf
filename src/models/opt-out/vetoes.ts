/**
 * What undoes a cue: a denial ("我没说不让你们打"), a deferral (a refusal
 * for now, with a time to resume offered or implied), and the words that
 * make a refusal lasting whatever time is offered.
 */
import { any, enPattern, NEG, REPEATED, zhPattern, type Pattern } from './cue.js';

/** "I did not say stop calling": the cue is quoted to be denied. */
export const NEGATED: readonly Pattern[] = [
  zhPattern(
    `${any('没', '没有', '并没有?', '又没', '哪有', '可没')}${any('说', '讲', '叫', '让', '要求', '要')}过?${any('你们?', '以后', '再', '都', '也')}{0,3}${any('不让', '别', '不要', '不准', '不许', '不能', '删', '拉黑', '退订')}`,
  ),
  zhPattern(
    `不是说?${any('不让', '不要你们', '叫你们别', '让你们别', '不准', '不想接', '不想听')}|谁说${any('不让', '不要', '别')}|不是${any('要', '想让', '想要')}你?们?${any('别', '不要', '不再', '停')}`,
  ),
  enPattern(
    String.raw`\b(?:didnt|did not|never|not|wasnt|was not) (?:say|said|saying|ask|asked|asking|tell|told|telling) (?:you )?(?:to )?(?:stop|not to|dont|do not|remove|take)\b`,
  ),
];

// Deferrals: a refusal for now, with a time to resume offered or implied.
/** A span of time the refusal is limited to: this week, today, now, working hours. */
const NOW = any(
  '这周',
  '这礼拜',
  '这星期',
  '本周',
  '这两天',
  '这几天',
  '今天',
  '今儿',
  '今晚',
  '现在',
  '眼下',
  '最近',
  '这会儿?',
  '暂时',
  '目前',
  '这段时间',
  '这阵子?',
  '这个月',
  '本月',
  '上班时间',
  '上班的时候',
  '工作时间',
  '白天',
  '晚上',
  '中午',
  '周末',
  '工作日',
  '开会的时候',
  '上午',
  '下午',
  '早上',
  '这个点',
  '年前',
);
/** A time the customer offers to talk again. */
const LATER = any(
  '下班',
  '忙完',
  '下周',
  '下礼拜',
  '下星期',
  '下个?月',
  '下次',
  '明天',
  '后天',
  '明年',
  '明早',
  '明晚',
  '晚上',
  '下午',
  '上午',
  '中午',
  '周[一二三四五六日末]',
  '星期[一二三四五六日天]',
  '礼拜[一二三四五六日天]',
  '过几天',
  '过两天',
  '过段时间',
  '过阵子',
  '改天',
  '回头',
  '月底',
  '月初',
  '年后',
  '年底',
  '过完年',
  '节后',
  '(?<![有快慢差好])[0-9一二三四五六七八九十两]+点',
  '[0-9一二三四五六七八九十两半]+个?(?:小时|天|周|星期|月)(?:以?后|之后)',
  '以后再',
);
/** What makes the offered time a resumption: call then, it's fine then, I may need it then. */
const RESUME = any(
  '再',
  '可以',
  '能',
  '行',
  '打',
  '联系',
  '说',
  '吧',
  '需要',
  '有空',
  '方便',
  '聊',
  '找我',
  '回',
);

export const DEFERRAL: readonly Pattern[] = [
  zhPattern(
    `${NOW}${any('你们', '您', '你')}?${any('先', '就', '暂时', '都', '也', '千万')}?${any(NEG, '不用', '不方便', '没空', '不行')}`,
  ),
  zhPattern(`先${any('别', '不要', '甭')}`),
  // Busy right now, or on the way: the calls are unwelcome now, not for good.
  zhPattern(
    any(
      `在${any('开会', '开车', '忙', '上班', '外面', '上课', '吃饭', '睡觉', '休息', '医院', '出差', '路上')}`,
      '忙着',
      '开会呢',
      '没空',
      '出差',
      '马上就?到',
      '快到了',
    ),
  ),
  zhPattern(`${LATER}(?:(?!别|不|甭|莫|勿|又|还)[^]){0,5}?${RESUME}`),
  enPattern(
    String.raw`\bnot (?:now|today|right now|this week|at the moment|yet)\b|\b(?:im|i am) (?:busy|driving|in a meeting|at work|working)\b|\b(?:maybe|perhaps) (?:later|next)\b`,
  ),
  enPattern(
    String.raw`\b(?:call|ring|phone|contact|try|reach) (?:me |us )?(?:back )?(?:again )?(?:later|tomorrow|next|tonight|in (?:a|an|the|one|two|a few|\d+)|on (?:mon|tue|wed|thu|fri|sat|sun)|after|this (?:afternoon|evening)|at \d|around)\b`,
  ),
  enPattern(
    String.raw`\b(?:dont|do not) (?:call|ring|phone|contact) (?:me |us )?(?:now|today|tonight|this week|at work|during|before|until|till|on (?:weekdays|weekends))\b`,
  ),
];

/** Words that make a refusal lasting, which no offered time undoes. */
/** Another way to talk offered instead of the phone: 微信上说吧, 直接来公司谈. */
export const SWITCH: readonly Pattern[] = [
  zhPattern(
    `(?<!(?:别|不要|甭|莫|勿|不用)[^]{0,2})${any('加我?微信', '直接打?电话', '发我?微信', '微信上?', '发短信', '发我?邮箱', '发邮件', '来公司', '到公司', '当面', '上门', '见面')}${any('谈', '聊', '说', '联系', '沟通', '吧', '就行', '就好', '可以')}`,
  ),
  // The customer is coming to buy or sign: the calls are no longer needed, not refused.
  zhPattern(
    `我${any('已经', '直接', '马上', '自己')}?[^]{0,4}?${any('下单', '下了单', '去店', '到店', `${any('去', '来', '到')}你们的?${any('店', '公司', '那', '官网', '网站', '小程序', 'app')}`, '过去签', '签合同', '付款')}`,
  ),
  // Another number offered: 别打我手机 打我办公室电话.
  zhPattern(
    `(?<!(?:别|不要|甭|莫|勿|不用)[^]{0,2})打我?的?${any('办公室', '座机', '单位', '公司', '另一个', '其他', '别的', '新', '私人')}[^]{0,4}?${any('吧', '就行', '就好', '可以', '$')}`,
  ),
  enPattern(
    String.raw`\b(?:email|text|message) me (?:instead|the details|the info)\b|\bcall my (?:cell|mobile|office|other number)\b`,
  ),
];

/** The calls complained of are another company's or someone gone: 别的公司天天打, 之前那个销售. */
export const ELSEWHERE: readonly Pattern[] = [
  zhPattern(
    `${any('别的', '其他', '其它', '别家')}${any('公司', '家', '人', '平台', '推销')}|${any('之前', '以前', '原来', '上次')}那个${any('销售', '业务员', '客服', '人')}`,
  ),
];

export const LASTING: readonly Pattern[] = [
  zhPattern(
    // 以后 after a clock time ("三点以后别打") limits the refusal, it does not make it last.
    `(?<![0-9一二三四五六七八九十两点时号天])${any('以后', '今后', '往后', '此后', '从此', '从今往后', '将来')}你?们?${any('都', '也', '就', '再也', '千万', '一律', '永远')}{0,2}${any(NEG, '不用', '不想', '不接', '不必')}`,
  ),
  zhPattern(
    any(
      '再也',
      '永远',
      '一辈子',
      '删',
      '黑名单',
      '拉黑',
      '退订',
      '免打扰',
      '名单',
      '报警',
      '投诉',
      '举报',
      '12315',
      '12321',
      REPEATED,
      // Calls complained of, as a nuisance or too frequent, are not put off to a later time.
      '骚扰',
      '烦死',
      '烦不烦',
      '烦人',
      '消停',
      '天天',
      '每天',
      '老是',
      '总是',
      '三天两头',
      '有完没完',
      '没完没了',
      // Hanging up on every call is not put off either.
      `${any('就', '直接', '马上')}挂`,
    ),
  ),
  enPattern(
    String.raw`\b(?:list|remove|unsubscribe|never|ever|anymore|report|police|sue)\b|\bstop (?:calling|contacting)\b`,
  ),
];
