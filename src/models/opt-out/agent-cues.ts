/** An agent's turn that records an opt-out, and the questions that only offer one. */
import { any, en, zh, type Cue } from './cue.js';

const REMOVED = any('移出', '移除', '删除', '删掉', '去掉', '撤出', '剔除', '拉出', '注销');
/** What the agent says the customer's record is called. */
const ENTRY = any('名单', '号码', '电话', '列表', '信息', '系统', '联系方式', '资料');

/** An agent confirming that the customer has been taken off the calling list. */
export const AGENT_CUES: readonly Cue[] = [
  zh('agent_record', `${REMOVED}了?[^]{0,8}?${ENTRY}`),
  zh('agent_record', `${any(ENTRY, '您')}[^]{0,6}?${REMOVED}`),
  zh(
    'agent_record',
    `${any('加入?到?', '设置', '设为', '设成', '标记为?', '开通')}[^]{0,4}?${any('黑名单', '免打扰', '勿扰', '拒呼')}`,
  ),
  zh(
    'agent_record',
    `${any('以后', '今后', '之后', '往后', '后续', '再也')}(?:我们)?${any('都', '也', '就')}?${any('不会', '不再', '不')}再?${any('给您', '跟您', '和您', '对您', '向您')}?${any('打扰', '打', '来电', '致电', '联系', '拨打', '骚扰', '推销', '发')}`,
  ),
  zh(
    'agent_record',
    `${any('不会', '不再')}再?${any('给您', '跟您', '向您')}?${any('致电', '来电', '打电话', '联系您', '拨打', '推送', '发送', '发短信', '发信息', '发消息')}`,
  ),
  zh('agent_record', `不会再有${any('电话', '来电', '人')}`),
  zh(
    'agent_record',
    `${any('登记', '备注', '记录')}[^]{0,10}?${any('不再', '免打扰', '拒绝', '不接受', '退订', '拒接', '勿扰')}`,
  ),
  zh(
    'agent_record',
    `${any('已', '已经', '帮您', '给您', '为您')}${any('办理', '处理', '操作')}?了?退订`,
  ),
  en(
    'agent_record',
    String.raw`\b(?:removed|taken|deleted|unsubscribed|scrubbed) (?:you|your (?:phone |mobile |cell )?number|your name|your details)\b`,
  ),
  en('agent_record', String.raw`\b(?:note|noted|marked|flagged)\b.*\bnot to (?:call|contact)\b`),
  en(
    'agent_record',
    String.raw`\b(?:added|put|placed) (?:you|your number) (?:to|on) (?:our |the )?(?:do not call|dnc|no call)\b`,
  ),
  en(
    'agent_record',
    String.raw`\b(?:we|i) (?:wont|will not|will never|will no longer) (?:call|contact|ring|phone|bother) you\b|\byou (?:wont|will not) (?:be called|be contacted|hear from us)\b`,
  ),
  en(
    'agent_record',
    String.raw`\byou(?:ve| have|re| are)(?: now)?(?: been)? (?:removed|taken off|unsubscribed|off our|added to (?:our |the )?(?:do not call|dnc))\b`,
  ),
];

/** An agent asking or offering rather than recording: 要不要帮您移出名单, 如果…可以帮您. */
export const AGENT_QUESTION = new RegExp(
  any(
    '如果',
    '要是',
    '的话',
    '可以帮',
    '要不要',
    '需不需要',
    '是否',
    '是不是',
    '还能',
    '能否',
    '能不能',
    '可不可以',
    '可以吗',
    '(?<!好)[吗么]$',
  ),
  'u',
);
/** The same in English: "would you like me to remove you", "if you want". */
export const AGENT_QUESTION_EN =
  /\b(?:if you|would you|do you|shall i|should i|can i|may i|want me to|you want)\b/u;
export const QUESTION_MARK = /[?？]\s*$/u;
