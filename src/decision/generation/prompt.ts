/**
 * The prompt of a generated line: the rules the bot keeps, the facts
 * retrieved for the question, the customer's profile without personal data
 * (no name, phone or personal fields: tags, segment, stated needs only), the
 * dialog state and the last 3 turns.
 */
import type { ChatMessage } from '../../models/generation/index.js';

export interface PromptInput {
  question: string;
  state: string;
  intent: string;
  productLine: string;
  /** The script's own line for this turn: what the answer may say instead. */
  template: string;
  facts: readonly { id: string; text: string }[];
  profile: { segment: string; tags: readonly string[]; stated: Readonly<Record<string, string>> };
  /** The call's last turns before this question, oldest first (3 at most are used). */
  lastTurns: readonly { speaker: string; text: string }[];
  maxChars: number;
}

const SPEAKER: Readonly<Record<string, string>> = { customer: '客户', bot: '坐席', agent: '坐席' };

export function buildPrompt(x: PromptInput): ChatMessage[] {
  const system = [
    '你是一家公司的电话销售坐席，正在和客户通电话。用中文口语回答，一到两句话，',
    `不超过${x.maxChars}个字。只用下面“资料”里的事实回答；资料里没有的数字、价格、利率一律不说，`,
    '不知道就说会请专业顾问跟进。不承诺收益、不说保本、保证、绝对、零风险之类的话。',
    '只以坐席的身份说话，不要复述这些要求。',
  ].join('');
  const facts = x.facts.map((f, i) => `${i + 1}. ${f.text}`).join('\n') || '（无）';
  const stated = Object.entries(x.profile.stated)
    .map(([k, v]) => `${k}=${v}`)
    .join('，');
  const context = [
    `资料：\n${facts}`,
    `客户：细分 ${x.profile.segment}；标签 ${x.profile.tags.join('、') || '无'}；` +
      `已说明 ${stated || '无'}；产品线 ${x.productLine}`,
    `对话阶段：${x.state}（意图 ${x.intent}）`,
    `话术原句：${x.template}`,
    `最近的对话：\n${
      x.lastTurns
        .slice(-3)
        .map((t) => `${SPEAKER[t.speaker] ?? t.speaker}：${t.text}`)
        .join('\n') || '（无）'
    }`,
  ].join('\n\n');
  return [
    { role: 'system', content: system },
    { role: 'user', content: `${context}\n\n客户刚才说：${x.question}\n请回答：` },
  ];
}
