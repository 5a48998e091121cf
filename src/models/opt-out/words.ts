/**
 * The vocabulary the Chinese customer patterns are built from: what may
 * stand between a prohibition and its verb, the verbs of contacting
 * someone, how often, what a record is called, what a threat promises.
 */
import { any } from './cue.js';

/** What may stand between a prohibition and its verb: again, ever, to me, this number… */
export const MID_WORD = any(
  '再也',
  '再',
  '在',
  '以后',
  '今后',
  '往后',
  '都',
  '也',
  '就',
  '千万',
  '可',
  '总',
  '老',
  '一直',
  '天天',
  '每天',
  '给我',
  '跟我',
  '和我',
  '向我',
  '往我这',
  '给',
  '我',
  '来',
  '你们',
  '您',
  '你',
  '这个',
  '这',
  '号码',
  '手机',
  '号',
  '电话',
  '随便',
  '乱',
  '用',
  '往',
  '上',
  '没事',
);
export const MID = `${MID_WORD}{0,5}`;
/** Contacting someone else ("别联系我老板 找我就行") is not a withdrawal. */
export const NOT_ME = '(?!别人|其他|我?们?(?:老|领导|同事|家人|家里人|爱人|媳妇|朋友|客户))';
/** What may follow 打 when it means phoning (not 打折, 打算, 打开 …). */
export const CALL_TAIL = any(
  '电话',
  '推销',
  '营销',
  '广告',
  '来',
  '过来',
  '进来',
  '回来',
  `给我${NOT_ME}`,
  `我(?!们)${NOT_ME}`,
  '扰',
  '这',
  '了',
  '$',
  '个?不停',
  '个?没完',
  '什么',
  '啥',
  '呢',
  '吗',
);
export const CALL = any(
  `打${CALL_TAIL}`,
  '来电',
  '电话(?!里|上|中)',
  `联系${NOT_ME}`,
  '联络',
  '骚扰',
  '烦我',
  '找我(?!们)',
  '拨(?!错)',
  '呼叫',
  '外呼',
  '致电',
  '通知我',
  'call',
);
/** Where a message would land: 往我邮箱, 给我手机. */
export const INBOX = `${any('往', '给', '向')}?我?的?${any('邮箱', '手机', '微信', '号码?')}?里?`;
/** How often they call: every day, all the time. */
export const OFTEN = any(
  '天天',
  '每天',
  '一天到晚',
  '整天',
  '成天',
  '三天两头',
  '老是',
  '总是',
  '一直',
  '反复',
);
/** Calling on and on: 一个劲地打, 不停地打. */
export const KEEP_ON = any('一个劲儿?地?', '不停地?');
/** What a record about the customer is called. */
export const RECORD = any(
  '号码',
  '电话',
  '手机号?',
  '信息',
  '资料',
  '名字',
  '联系方式',
  '(?:这个|我的?)号',
);
export const REMOVE = any(
  '删',
  '去掉',
  '移除',
  '划掉',
  '拿掉',
  '撤掉',
  '抹掉',
  '注销',
  '移出',
  '剔除',
);
/**
 * What a threat promises: the police, a regulator or complaint line, the
 * media or the internet, a lawyer or a court.
 */
export const CONSEQUENCE = any(
  '报警',
  '报案',
  '警察',
  '派出所',
  '公安',
  '110',
  '投诉',
  '举报',
  '12315',
  '12321',
  '12345',
  '315',
  '工信部',
  '银?保监',
  '银监',
  '证监',
  '监管',
  '消协',
  '消费者协会',
  '工商',
  '运营商',
  '通信管理局',
  '记者',
  '媒体',
  '电视台',
  '曝光',
  '网上',
  '微博',
  '抖音',
  '小红书',
  '朋友圈',
  '快手',
  '发帖',
  '挂你们',
  '律师',
  '法院',
  '法庭',
  '起诉',
  '告你',
  '告到',
  '打官司',
  '法律',
  '仲裁',
  '不客气',
);
export const MESSAGE = any('短信', '简讯', '信息', '消息', '广告', '邮件', '彩信', '推送', '营销');
