/**
 * The customer's ways of withdrawing consent, one table in the order they
 * are tried: threats (threat-cues.ts), channels, direct, indirect, English,
 * then the indirect forms of annoyance-cues.ts. detect.ts
 * decides how they combine with the vetoes (vetoes.ts).
 */
import { any, en, NEG, REPEATED, zh, type Cue } from './cue.js';
import { ANNOYANCE_CUES } from './annoyance-cues.js';
import { THREAT_CUES } from './threat-cues.js';
import {
  CALL,
  CALL_TAIL,
  INBOX,
  KEEP_ON,
  MESSAGE,
  MID,
  MID_WORD,
  OFTEN,
  RECORD,
  REMOVE,
} from './words.js';

/** A customer (or any speaker but an agent) withdrawing consent, in the order they are tried. */
export const CUSTOMER_CUES: readonly Cue[] = [
  ...THREAT_CUES,
  // Channels: texts, WeChat, e-mail, SMS unsubscribe codes.
  // 退订 a service, or asked about ("能退订吗"), is not 退订 the messages.
  zh(
    'channel',
    `退订${MESSAGE}|(?<!能|可以|怎么|如何|怎样|是否)退订(?!${any('会员', '套餐', '服务', '业务', '包月', '流量', '这个', '那个', '吗', '么', '收费', '要钱', '费', '流程', '手续')})|^(?:回复?)?(?:td|t)$|回复?td`,
  ),
  zh(
    'channel',
    `${NEG}${MID}${INBOX}${any('发', '传', '推', '推送')}${any(`[^]{0,8}?${any(MESSAGE, '东西', '微信')}`, '了$', '$')}`,
  ),
  zh('channel', `${MESSAGE}${any('也', '都')}{0,2}${NEG}再?给?我?发`),
  zh('channel', `${any('微信', 'qq', '好友')}${any('也', '都')}{0,2}${NEG}再?${any('加', '添加')}`),
  zh('channel', `${NEG}再?${any('加', '添加')}我?的?${any('微信', 'qq', '好友', 'vx', 'wx', '$')}`),
  zh('channel', `${any('取消', '关掉', '关闭', '停止', '退掉')}${any(MESSAGE, '订阅', '通知')}`),
  // Direct: don't call me again, delete my number, blacklist me.
  zh('direct', `${NEG}${MID}${CALL}`),
  // A prohibition aimed at the sales calls themselves: 别再给我整这些推销电话.
  zh(
    'direct',
    `${NEG}[^]{0,8}?${any(`${any('推销', '营销', '骚扰', '广告')}电话`, '电话推销', '电话营销')}`,
  ),
  zh(
    'direct',
    `${NEG}${MID}${any('浪费时间', '费劲', '白费劲', '白费力气')}${MID}${any('打', '联系')}`,
  ),
  // "别推销了" alone stops the pitch; with 再, 以后, 给我 it stops the calls.
  zh('direct', `${NEG}${MID_WORD}{1,5}${any('推销', '营销')}`),
  zh(
    'direct',
    `${any('停止', '禁止', '终止', '不准', '不许')}${any(MID, '[^]{0,6}?')}${any(`打${CALL_TAIL}`, '来电', '联系', '骚扰', '推销', '营销', '拨打', '呼叫', '致电')}`,
  ),
  zh('direct', `${NEG}再?让我再?${any('接到', '听到', '收到', '看到')}`),
  zh('direct', `${NEG}再?${any('用', '换')}[^]{0,6}?号码?${any(CALL, '打')}`),
  zh(
    'direct',
    `${any('不用', '不必', '没必要', '用不着')}${MID}${any(`打${any('电话', '来', '过来', '给我', '了', '$')}`, `联系${any('我', '了', '$')}`, '来电')}`,
  ),
  // The record is the customer's contact, not 把我的收货地址删了.
  zh(
    'direct',
    `${RECORD}${any('从', '在')}?[^]{0,8}?${REMOVE}|把我${any('给', '也')}?${REMOVE}|把我${any('从', '在')}[^]{0,10}?${REMOVE}`,
  ),
  zh('direct', `${REMOVE}${any('掉', '了')}?我?的?${RECORD}`),
  zh('direct', `从[^]{0,4}?${any('名单', '系统', '数据库', '通讯录', '列表')}[^]{0,4}?${REMOVE}`),
  zh(
    'direct',
    any(
      // Blacklisting someone else ("把上一个供应商拉黑了") is no withdrawal.
      `(?<!把(?:(?!你|我|这|号|电话)[^]){1,8})拉黑(?!了?${any('好多', '很多', '不少', '那些', '别的', '其他', '一堆', '几个', '一个', '是', '怎么', '别人', '他', '她', '名单')})`,
      // 黑名单 as a thing talked about ("黑名单制度") is no request to be on one.
      `${any('加', '放', '列', '进', '上', '入', '设')}[^]{0,4}?黑名单|黑名单${any('里', '上', '中')}`,
      `${any('屏蔽', '拦截')}${any('了', '掉', '你们')}`,
      `把[^]{0,6}?${any('屏蔽', '拦截')}`,
      // 免打扰 as a feature asked about ("能免打扰吗") is no request.
      `(?<!能|可以|有)免打扰(?!吗|么|功能|模式)`,
      '勿扰',
      '拒接',
      '拒呼',
      '不再接受?',
      `${any('不接受', '拒绝')}${any('任何', '一切')}?[^]{0,4}?${any('电话', '来电', '推销', '营销', '外呼')}`,
    ),
  ),
  // Indirect: I don't want your calls, how many times have I said it.
  zh(
    'indirect',
    `${any('不想', '不愿意?', '不希望', '不要', '不会')}再?${any('接', '接到', '听到', '收到', '接听', '看到')}[^]{0,6}?${any('电话', '来电', '推销', MESSAGE)}`,
  ),
  zh(
    'indirect',
    `${any('不想', '不愿意?', '不希望')}再?${any('被', '听', '跟', '和', '与')}?你?们?${any('有任何', '有')}?${any('联系', '打扰', '骚扰', '推销', '打电话', '来往', '打交道')}`,
  ),
  zh(
    'indirect',
    `不需要你?们?再?${any('联系', '打电话', '打给我', '给我打', '来电', '打来', '打过来')}`,
  ),
  zh(
    'indirect',
    `${any('以后', '今后', '再也')}[^]{0,12}?${any('都', '也', '一律')}?不会?再?${any('接', '听')}`,
  ),
  zh(
    'indirect',
    `${any('电话', '来电')}[^]{0,4}?${any('不想', '不愿意?', '不会再?', '不再', '再也不', '一律不', '一概不', '统统不')}${any('接', '听')}`,
  ),
  zh(
    'indirect',
    `${REPEATED}了?[^]{0,10}?${any('还', '又', '再')}[^]{0,3}?${any(`打${CALL_TAIL}`, '来电', '联系', '骚扰')}`,
  ),
  zh(
    'indirect',
    `${any('说过', '说了', '讲过', '讲了', '告诉过', '告诉你们?了')}[^]{0,8}?${any('还', '又')}[^]{0,3}?${any(`打${CALL_TAIL}`, '来电', '联系')}`,
  ),
  zh(
    'indirect',
    `你们?还${any('在', '敢', KEEP_ON)}?${any(`打${CALL_TAIL}`, '打(?!不|折|算|开|车|包)', '来电', '骚扰')}`,
  ),
  zh(
    'indirect',
    `${any(OFTEN, KEEP_ON, `${any('怎么', '为什么', '为啥', '咋')}${any('又', '还', '老', '总')}`, '又')}在?${any('给我', '往我这')}?${any(`打${CALL_TAIL}`, '来电', '骚扰', '推销')}|${any('怎么', '咋')}又是你们`,
  ),
  zh('indirect', `${OFTEN}打[^]{0,6}?${any('骚扰', '烦')}`),
  zh('indirect', `还要?打${any('多少', '几')}${any('次', '遍', '回')}`),
  zh('indirect', `${any('一天', '一上午', '一下午', '一周', '今天')}打?了?${REPEATED}`),
  zh('indirect', any('有完没完', '没完没了', '还有完没', '消停')),
  zh(
    'indirect',
    `${any('打', '电话', '来电')}[^]{0,6}?${any('烦不烦', '烦死', '烦人', '受不了', '受够')}|${any('烦不烦', '烦死了?', '烦人', '受不了', '受够了?')}[^]{0,6}?${any('打', '电话', '来电')}|接${any('烦', '怕', '够')}了`,
  ),
  // English.
  en(
    'english',
    String.raw`\b(?:stop|quit|cease) (?:calling|ringing|phoning|contacting|texting|emailing|messaging|bothering|bugging|pestering|harassing|spamming|sending)\b|(?<!dont |non |bus |one )\bstop(?: it| now| please| all| this)?$`,
  ),
  en(
    'english',
    String.raw`\b(?:dont|do not|no need to)(?: you)?(?: dare)?(?: ever)? (?:call|ring|phone|contact|text|email|message|dial|bother)(?= (?:me(?! (?:sir|madam|mr|mrs|ms|that|by|a|an)\b)|us|this|here|again|anymore|any more|back|ever|my(?! (?:wife|husband|mom|mum|dad|boss|son|daughter|kids?|partner|colleague))|please|at all|calling|contacting)\b|$)`,
  ),
  en(
    'english',
    String.raw`\b(?:take|get|cross|strike) (?:me|us|my (?:phone |mobile |cell )?number|my name|my details|this number) (?:off|out of|from)\b`,
  ),
  en(
    'english',
    String.raw`\b(?:be|get|been|being) (?:removed|taken off|deleted|erased)\b|\b(?:remove|delete|scrub|erase|drop) (?:me|us|my (?:phone |mobile |cell )?number|my name|my details|my info|my information|my data|my contact details|this number)\b`,
  ),
  en(
    'english',
    String.raw`\b(?:do not|dont|no) (?:call|contact) (?:list|registry|register)\b|\bdnc\b|\bunsubscribe\b|\bopt (?:me )?out\b|\boptout\b`,
  ),
  en(
    'english',
    String.raw`\bleave (?:me|us)(?: \w+){0,2} alone\b|\b(?:lose|forget) (?:my|this) number\b|\bno more (?:\w+ )?(?:calls|calling|texts|emails|messages)\b`,
  ),
  en(
    'english',
    String.raw`\b(?:dont|do not|no longer) want (?:any )?(?:more )?(?:your )?(?:calls|to be (?:called|contacted)(?! (?:sir|madam|mr|mrs|ms|that|by my))|you to (?:call|contact)|to hear from you)\b|\b(?:i|we) (?:dont|do not) want you (?:calling|contacting|ringing|to call|to contact)\b|\bcease and desist\b|\b(?:want|need) (?:my (?:phone |mobile |cell )?number|me|my name|my details|my info|my information|my data) (?:removed|deleted|taken off)\b`,
  ),
  en(
    'english',
    String.raw`\b(?:told|asked|said|tell|telling)(?: \w+){0,4} (?:not to|to stop|never to) (?:call|contact|ring|phone|text|email|calling|contacting)\b|\bhow many times\b.*\b(?:call|calling|told you|tell you|say (?:no|it|this))\b|\bif you keep (?:calling|contacting|ringing|texting)\b|\bwant off (?:your|the) (?:list|calling list)\b`,
  ),
  ...ANNOYANCE_CUES,
];
