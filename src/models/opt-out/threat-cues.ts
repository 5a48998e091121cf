/**
 * Threats: a consequence promised if the calls go on. A threat is read as
 * a condition on being contacted again (再打, 还打, 要是再联系, "if you call
 * again", "one more call") followed by any consequence (words.ts: the
 * police, a regulator, the media or the internet, a lawyer or a court),
 * so a new target needs one word, not a new phrase. A consequence with no
 * condition on calling ("再不退款我就报警") is a complaint, not an opt-out.
 */
import { any, en, zh, type Cue } from './cue.js';
import { CALL_TAIL, CONSEQUENCE } from './words.js';

/** 打 as phoning, not 打折, 打算, 打开, 打车, 打不通 … */
const DIAL = '打(?!折|算|开|包|印|字|工|球|针|卡|款|钱|车|听|通|不通|不进)';
/** Contacting again, the condition of a threat. */
const CONTACT = any(
  DIAL,
  '来电',
  '联系',
  '骚扰',
  '拨',
  '呼',
  '发短信',
  '发信息',
  '找我',
  '让我接到',
  '让我看到',
  '接到',
  'call',
);
/** Going to the police or a regulator, or to court. */
const REPORTED = any('报警', '投诉', '举报', '告你', '起诉');
/** How far a consequence may follow its condition: 再打 [过来我就去] 报警. */
const GAP = '[^]{0,14}?';

const ZH_THREATS: readonly Cue[] = [
  zh(
    'threat',
    `${any('再', '还')}敢?${any('这么', '这样', '继续', '一直', '老是', '总')}?${any('给我', '往我这', '跟我', '来')}?${CONTACT}${GAP}${CONSEQUENCE}`,
  ),
  // "再这样" stands for the calls only when the consequence follows at once.
  zh('threat', `再${any('这样', '这么')}${any('下去', '的话')}?[^]{0,4}?${CONSEQUENCE}`),
  zh(
    'threat',
    `再敢?${any('打', '来电', '打来', '打过来', '骚扰')}我?${any('一次', '一个', '一遍')}?${any('试试', '看看')}`,
  ),
  zh('threat', `${DIAL}${any('一次', '一个', '一回')}${GAP}${CONSEQUENCE}`),
  zh('threat', `${any('下次', '下回')}${any('再', '还')}?${CONTACT}${GAP}${CONSEQUENCE}`),
  // Reporting tied to the calls themselves: 别逼我报警, 你们这种行为是违法的 我会举报.
  // A threat said outright: 信不信我去工信部告你们, 律师函, the recording put online.
  zh(
    'threat',
    `${any('信不信', '小心', '当心')}我?[^]{0,10}?${CONSEQUENCE}|律师函|发函|把你们的?${any('电话', '录音', '号码')}[^]{0,8}?${any('发到', '发网上', '曝光', '公开', '挂到')}`,
  ),
  zh(
    'threat',
    `${any('逼我', '你们这样', '这种行为', '违法', '违规', '外呼', '号码', '记下来')}[^]{0,12}?${REPORTED}|${REPORTED}[^]{0,8}?${any('泄露', '侵犯', '倒卖', '隐私')}|${any('泄露', '侵犯', '倒卖')}[^]{0,10}?${REPORTED}`,
  ),
  zh(
    'threat',
    `${any('如果', '要是', '敢', '若')}你?们?${any('再', '还')}敢?${any(`打${CALL_TAIL}`, '来电', '联系', '骚扰')}`,
  ),
];

/** The English forms of the condition: if you call again, call again and, one more call. */
const EN_THREATS: readonly Cue[] = [
  // Reported to a telemarketing regulator or the police (not a refund taken to the BBB).
  en(
    'english',
    String.raw`\breport(?:ing)? (?:you|this|your company|this number|it)(?: \w+){0,2} to (?:the )?(?:ftc|fcc|ofcom|ico|tps|police|cops|authorities)\b`,
  ),
  en(
    'english',
    String.raw`\b(?:if|when|next time) (?:you|u|they|anyone) (?:ever )?(?:call|ring|phone|contact|text|email|bother|harass)(?: me| us| here| this number| my \w+)? (?:again|one more time|ever again)\b`,
  ),
  en(
    'english',
    String.raw`\b(?:call|ring|phone|contact|text|bother)(?: me| us| here| this number)? (?:again|one more time) (?:and|or)\b|\bone more (?:call|time|text|message)\b.*\b(?:and|or|ill|i will|im)\b`,
  ),
];

export const THREAT_CUES: readonly Cue[] = [...ZH_THREATS, ...EN_THREATS];
