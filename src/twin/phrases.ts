/**
 * What simulated customers say, several phrasings per act, short and
 * colloquial. Written for the twin on purpose: none is taken from the
 * training corpora, so the platform is tested on words it has not learned.
 */
import { pick } from '../core/rng.js';
import type { Rng } from '../core/rng.js';
import type { CustomerAct } from './types.js';

/** An act, or the way a neutral turn is meant: confirming who, naming a budget, hesitating. */
export type PhraseKey = Exclude<CustomerAct, 'callback'> | 'confirm' | 'budget' | 'hesitate';

// prettier-ignore
const PHRASES: Readonly<Record<PhraseKey, readonly string[]>> = {
  greet: ['喂，在听', '喂，请讲', '嗯，喂，讲吧', '在呢，你说', '哎，哪里找我', '喂喂，听得见', '你好，说吧'],
  ask_who: ['哪一位啊？', '你这是哪边打来的', '你是哪家公司的呀', '这个号码是谁', '请问你找谁？', '你们公司是搞什么的', '你谁啊'],
  interested: [
    '听着还行，你接着讲', '这个我倒是有点兴趣', '哦？具体是怎么弄的', '可以啊，展开说说',
    '嗯，听着有点意思哈', '巧了，我们最近也在琢磨这块', '说下去，我听着呢',
  ],
  ask_price: ['大概得多少钱哪', '费用是怎么算的', '一整年算下来要花多少', '价位在什么区间', '收费高不高啊', '你们怎么收钱的'],
  objection_price: [
    '太贵了，我们没这么多预算', '这个价有点高了', '超出我们的预算了', '能不能再便宜些，这价吃不消',
    '价钱上我们接受不了', '这么贵，老板肯定不批',
  ],
  objection_competitor: [
    '别家的我们已经用上了', '我们现在有合作的供应商', '别家报价比你们低不少', '同类的去年就上了一套',
    '你们跟那几家大的比有啥不一样',
  ],
  busy: ['开着车呢，不好说话', '现在正忙着，不方便', '在开会，说不了话', '我这边有客人在', '正在车间里，吵得很', '手上有活走不开'],
  ask_human: ['转人工', '找个真人跟我说', '你是机器人吧？叫个人来', '让你们的经理接电话', '我不跟机器讲，换人', '有没有人工服务'],
  opt_out: [
    '别再给我打电话了', '把我号码删了', '以后不要再打来了', '我不需要，别再骚扰我',
    '你们名单上把我划掉', '再打过来我就拉黑了',
  ],
  complaint: [
    '我要投诉你们', '一天打好几遍，烦不烦，我要投诉', '你们这是骚扰电话，我要举报',
    '报一下你的工号，我要投诉', '我会打12315投诉你们的',
  ],
  agree: ['行，那就办吧', '可以，怎么签', '好，就按你说的来', '没问题，下一步怎么弄', '那先试试吧，我同意', '成，你把合同发过来'],
  reject: ['谢了，不需要', '这个我们暂时不考虑', '没兴趣，就这样吧', '算啦，用不着', '我们这边用不到这个', '不要了不要了'],
  neutral: ['嗯', '哦，这样啊', '你继续说', '嗯嗯，然后呢', '知道了', '噢'],
  confirm: ['对对，就是我', '我就是管这块的', '嗯，这个我负责', '是的，你说', '是我，什么事'],
  budget: ['预算的话大概{amount}吧', '我们一年能拿出{amount}左右', '{amount}以内都好谈', '最多也就{amount}'],
  hesitate: ['我再想想吧', '回头跟老板商量一下', '这个我得再考虑考虑', '先这样，我琢磨琢磨', '不急，等我看看再说'],
};

const FILLERS = ['嗯，', '那个，', '就是', '呃，', '啊，', '这个，'];
/** How often a turn starts with a filler. */
const FILLER_RATE = 0.3;

const DIGITS = '零一二三四五六七八九';

/** 1..99 in Chinese numerals as spoken (十二, 三十五); larger numbers in digits, as ASR writes them. */
function zh(n: number): string {
  if (n < 10) return DIGITS[n]!;
  if (n >= 100) return String(n);
  const tens = Math.floor(n / 10);
  return `${tens > 1 ? DIGITS[tens] : ''}十${n % 10 ? DIGITS[n % 10] : ''}`;
}

/** A budget as said: 五万, 十二万, 八千. */
export const yuanSaid = (yuan: number): string =>
  yuan >= 10_000
    ? `${zh(Math.round(yuan / 10_000))}万`
    : `${zh(Math.max(1, Math.round(yuan / 1000)))}千`;

/** An hour of the clock as said (1..12). */
export const hourSaid = (h12: number): string => (h12 === 2 ? '两' : zh(h12));

export function phrase(rng: Rng, key: PhraseKey, vars: { amount?: string } = {}): string {
  let text = pick(rng, PHRASES[key]);
  if (vars.amount) text = text.replace('{amount}', vars.amount);
  // A filler before a short word like 嗯 or 转人工 reads oddly; before the rest it is how people talk.
  return text.length > 3 && rng() < FILLER_RATE ? pick(rng, FILLERS) + text : text;
}

export const phrasesOf = (key: PhraseKey): readonly string[] => PHRASES[key];
