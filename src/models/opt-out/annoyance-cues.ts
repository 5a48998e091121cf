/**
 * Indirect withdrawals that name no prohibition word by word: calls
 * complained of as too many together with a sign of annoyance or a
 * refusal, hanging up on every call, blocking or marking the number,
 * pleading to be left alone, consent refused, harassment reported. Tried
 * after the direct and English cues (customer-cues.ts).
 */
import { any, en, NEG, REPEATED, zh, type Cue } from './cue.js';
import { CALL, OFTEN } from './words.js';

/** A count written in digits or characters: 三, 七八, 20. */
const COUNT = '[0-9两二三四五六七八九十几]+';
/** A span the calls are counted over: 一天, 今天, 一个礼拜. */
const PERIOD = any(
  '今天',
  '一天',
  '一上午',
  '一下午',
  '一早上',
  '这周',
  '一周',
  '一个?礼拜',
  '一个?星期',
  '这几天',
  '这两天',
);

/** The calls described as repeated: 天天给我打, 打了七八次, 第五次了, 又是你们, 还打. */
const CALLS_AGAIN = any(
  `${OFTEN}[^]{0,4}?${any('打(?!不通|不进|不了|折)', '找我', '联系我', '来电')}`,
  `打了?${REPEATED}`,
  `${PERIOD}${any('都', '就')}?${any('打', '来')}了?${any(COUNT, '好几', '几')}${any('个', '次', '遍', '回', '通')}`,
  `被你们?[^]{0,4}?打`,
  `${any('多少', '几', COUNT)}个电话`,
  `第${any('几', '多少', COUNT)}${any('次', '回', '遍', '个', '通')}[^]{0,4}?了`,
  `都第${any('几', '多少', COUNT)}`,
  `又${any('是你们', '打', '来电', '来了')}`,
  `${any('每次', '每回', '老是', '总是')}[^]{0,4}?是你们`,
  `还${any('在', '要', '一直')}?打(?!算|折|开|车|不通|不进)`,
);

/** Annoyance or refusal anywhere in the same turn. */
const ANNOYED = any(
  '烦',
  '服了',
  '受不了',
  '有意思吗',
  '没完',
  '崩溃',
  '让不让人',
  '什么意思',
  '有病',
  '毛病',
  '骗子',
  '滚(?!动|筒|轮|珠)',
  '投诉',
  '举报',
  '报警',
  '够了',
  '神经',
  '闲',
  '累',
  '无语',
  '过分',
  '离谱',
  '怕了',
  '不敢接',
  '说了',
  '说过',
  '讲过',
  '不要',
  '别',
  '甭',
  '莫',
  '不需要',
  '不用',
  // 嘛 is dropped as a filler: 干嘛 reads 干.
  '干$',
  '想干',
  '到底',
  '干什么',
  '没电',
  '爆',
  '疯',
  '还要不要',
  '还让不让',
  '搞什么',
  '想怎样',
  '骚扰',
);

/** No consent given, or no right to call: 没同意过, 无权. */
const CONSENT_REFUSED = any(
  '不同意',
  '不允许',
  '不准许',
  '没有?同意过?',
  '从来?没有?同意过?',
  '没有?授权过?',
  '无权',
  '没有?权利',
  '没有?资格',
);

const REPORT = any('投诉', '举报', '报警', '告你', '12321', '曝光');

const ZH_ANNOYANCE: readonly Cue[] = [
  zh('indirect', `^(?=[^]*${ANNOYED})[^]*?(?<cue>${CALLS_AGAIN})`),
  // Too many calls or too many numbers, said on its own.
  zh(
    'indirect',
    `打爆|打到${any('关机', '没电', '死机')}|挂一次[^]{0,4}?打一次|打一次[^]{0,4}?挂一次|挂了[^]{0,4}?还打|打${any('个', '起来')}?${any('没完', '不停', '没个头')}|打到${any('什么时候', '啥时候', '哪天')}|${any('要', '还')}打多久|${any('你们', '每次', '每回', '老是', '总是', '又', '天天')}换[^]{0,6}?号|换了${any('多少', '几', '好几', COUNT)}个?号`,
  ),
  // Counting the calls or the refusals: 今天都打了四个了, 第几次打给我了, 说了不下十遍了.
  zh(
    'indirect',
    `${PERIOD}${any('都', '就')}?${any('给我', '往我这')}?${any('打', '来')}了?${any(COUNT, '好几', '几')}${any('个', '次', '遍', '回', '通')}(?![^]{0,4}?${any('就行', '就好', '可以', '没关系', '也行')})|${any(PERIOD, '已经是', '已经', '都')}[^]{0,3}?第${any(COUNT, '几', '多少')}${any('次', '回', '遍', '个', '通')}|最后一次${any('接', '听', '警告')}|第${any(COUNT, '几', '多少')}${any('个', '通')}电话|接了?你们?的?${any(COUNT, '好几', '几', '多少')}多?${any('个', '通')}电话|${any('见', '来', '打')}一个挂一个|第${any('几', '多少')}${any('次', '回', '遍', '个', '通')}[^]{0,4}?${any('打', '电话', '来电', '了')}|${any('说', '讲', '告诉你们?', '拒绝')}${any('了', '过')}[^]{0,3}?${REPEATED}了?${any('$', NEG, '不需要', '不用', '还')}`,
  ),
  // Hanging up on every call, or refusing every one however often it comes.
  zh(
    'indirect',
    `${any('每次', '每回', '一律', '统统', '全都')}[^]{0,4}?挂|${any('看到', '看见', '见到', '一接', '接起来', '一听')}[^]{0,8}?${any('就', '直接', '马上')}挂|打[^]{0,8}?${any('也', '都')}不会?接`,
  ),
  // Blocking or marking the number.
  zh(
    'indirect',
    `骚扰拦截|拦截软件|${any('设置', '开了', '开启', '开通', '装了')}[^]{0,6}?拦截|都给?拦${any('了', '截', '掉')}|标记${any('成', '为', '了')}{0,2}${any('骚扰', '推销', '广告', '诈骗', '营销')}`,
  ),
  // Pleading to be left alone.
  zh(
    'indirect',
    any(
      '放过我',
      '饶了我',
      '饶过我',
      '高抬贵手',
      '阴魂不散',
      '缠着我',
      '甩不掉',
      '躲着你们',
      '躲你们',
      `构成${any('骚扰', '违法')}`,
    ),
  ),
  // Worn down by the calls, or refusing to answer them at all.
  zh(
    'indirect',
    `被你们?[^]{0,3}?${any('烦', '骚扰', '打扰', '吵')}|我?${any('都', '也', '是')}?不会${any('再', '去')}?接${any('的', '了', '你们', '$')}`,
  ),
  zh(
    'indirect',
    `${any('不想', '不要', '不愿意?')}再?${any('在', '留在', '出现在', '待在')}[^]{0,6}?${any('名单', '系统', '数据库', '通讯录', '列表')}`,
  ),
  zh('indirect', `${any('电话', '来电')}[^]{0,4}?${any('太', '好', '真', '很', '超', '特别')}烦`),
  // Consent refused or taken back.
  zh(
    'indirect',
    `${CONSENT_REFUSED}你?们?再?${any('给我', '跟我')}?${any(CALL, '打给我', '给我打')}|${CONSENT_REFUSED}${any('接收', '接受')}[^]{0,6}?${any('营销', '推销', '电话', '来电', '信息', '短信')}|${any('撤回', '撤销', '收回')}${any('授权', '同意')}`,
  ),
  zh(
    'indirect',
    `取消${any('对我的?', '给我的?', '我的?')}?${any('电话推销', '推销', '营销', '外呼', '来电')}`,
  ),
  // Their number reported or blocked.
  zh(
    'indirect',
    `${any('把你们', '你们的?')}${any('号码', '电话', '号')}[^]{0,4}?${any('举报', '投诉', '标记', '屏蔽')}|${any('举报', '投诉')}了?你们的?这?个?${any('号码', '号')}`,
  ),
  // Harassment named and reported: each alone is not enough.
  zh('indirect', `骚扰[^]{0,12}?${REPORT}|${REPORT}[^]{0,12}?骚扰`),
];

const EN_ANNOYANCE: readonly Cue[] = [
  en(
    'english',
    String.raw`(?<!\b(?:i|we|they|he|she|you|people|it) )\bnever (?:ever )?(?:call|ring|phone|contact|text|email|message|bother)\b|\bnever want to (?:hear from|be (?:called|contacted)|get (?:another|a|any) call|talk to)\b`,
  ),
  en(
    'english',
    String.raw`\b(?:you|they|you guys|you people|your company|your people) (?:keep|kept) (?:calling|ringing|phoning|texting|bothering|contacting|harassing)\b|\bharass(?:ment|ing)?\b`,
  ),
  en(
    'english',
    String.raw`\bblock(?:ed|ing)? (?:your|this|the) (?:number|calls)\b|\bblock(?:ed|ing)? you\b|\b(?:second|third|fourth|fifth|sixth|seventh|tenth|umpteenth|\d+(?:nd|rd|th)) (?:call|time)\b(?=.*\b(?:today|this (?:week|month|morning|afternoon)|in a row|you (?:called|rang|phoned|call))\b)`,
  ),
  en(
    'english',
    String.raw`\b(?:told|asked|said|tell)(?: (?:you|you guys|you people|ya|u|them))?(?: (?:already|before))? (?:a (?:million|hundred|thousand|dozen)|so many|many|several|multiple|\d+|two|three|four|five|ten|twenty) times\b|\bunwanted (?:calls?|texts?)\b|\b(?:calls?|texts?|messages?) (?:are|is) (?:unwanted|not welcome|unwelcome)\b|\bcancel (?:all )?(?:these|the|your) (?:calls|texts|messages|emails)\b|\b(?:sick|tired) (?:and tired )?of (?:\w+ ){0,2}(?:calls|calling|texts)\b|\b(?:fed up|done|enough|had enough) (?:with|of) (?:\w+ ){0,2}(?:calls|calling|texts)\b|\b(?:called|rang|phoned|texted) (?:me|us|here) (?:\w+ ){0,2}(?:times|again)\b|\b(?:stop|quit|enough) (?:it )?(?:with )?(?:the|these|your|all the|all these|all your) (?:\w+ )?(?:calls|texts|messages|emails)\b|\bevery (?:day|week|single day|morning|evening) you (?:call|ring|phone|text)\b`,
  ),
  en(
    'english',
    String.raw`\b(?:dont|do not|no longer|never) (?:want|wish|like)(?: \w+){0,4} (?:hear from|calls?|called|calling|contact|contacted|contacting|ring|texts?|texted|emails?|bothered)\b(?! (?:sir|madam|mr|mrs|ms|that|by))|\bmy (?:number|details|info)\b.*\b(?:delete|remove|erase) (?:it|them)\b`,
  ),
];

export const ANNOYANCE_CUES: readonly Cue[] = [...ZH_ANNOYANCE, ...EN_ANNOYANCE];
