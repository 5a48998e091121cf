/**
 * Signs that a generated line does not speak as the bot: the model talking
 * about itself as an AI, speaking as the customer, writing a transcript with
 * speaker labels, or leaking its prompt and chat template.
 */
const AI =
  '(?:AI|A\\.I\\.|人工智能|(?:大型?)?语言模型|大模型|聊天机器人|机器人|智能助手|AI助手|虚拟助手|助手)';
const CUSTOMER = '(?:客户|用户|顾客|消费者)';
const LABEL =
  '(?:用户|客户|顾客|客服|坐席|销售|机器人|助手|系统|AI|user|assistant|system|customer|agent|bot|human)';

// One pattern per sign; the match is the detail logged.
const SIGNS: readonly RegExp[] = [
  new RegExp(`作为一?[个名位种]?${AI}`, 'iu'),
  new RegExp(
    `我(?:只)?是一?[个名位种]?(?:AI|人工智能|语言模型|大模型|聊天机器人|智能助手|AI助手|虚拟助手)`,
    'iu',
  ),
  /\bas an? (?:AI|A\.I\.|(?:large )?language model|AI assistant|virtual assistant|chatbot)\b/iu,
  /\bI(?:'m| am) (?:just )?an? (?:AI|(?:large )?language model|AI assistant|chatbot|virtual assistant)\b/iu,
  /(?:OpenAI|ChatGPT|GPT-?\d|通义千问|文心一言|DeepSeek|Llama|Claude|Anthropic)/iu,
  // The customer's voice: 我是客户 (not 我是客户经理, the bot's own title).
  new RegExp(
    `(?:我是|我作为|作为)一?[个名位]?${CUSTOMER}(?!经理|代表|专员|顾问|服务|成功|关系)`,
    'u',
  ),
  /\bas (?:a|the) customer\b|\bI(?:'m| am) (?:a|the) customer\b/iu,
  // Transcript labels at the start of the line or of a sentence: 用户：, assistant:
  new RegExp(`(?:^|[\\n。！？!?；;])\\s*${LABEL}\\s*[:：]`, 'iu'),
  // Prompt leakage and chat-template tokens.
  /以下是(?:[^，。,.]{0,6})?(?:资料|参考|知识|事实|检索|对话|上下文)/u,
  /根据(?:以上|上述|给定的?|所给的?|检索到?的|参考)(?:的)?(?:资料|信息|内容|事实|知识|文档|上下文)/u,
  /系统提示|提示词|\bsystem prompt\b|\[INST\]|<<SYS>>|<\|[a-z_]+\|>|<\/?think>/iu,
];

/** The first sign of role confusion in the line, as it was matched; undefined for a clean line. */
export function roleConfusion(text: string): string | undefined {
  for (const sign of SIGNS) {
    const m = sign.exec(text);
    if (m) return m[0].trim();
  }
  return undefined;
}
