/**
 * What the agent is told when a call comes over: the reason, a summary in
 * the customer's language, the known facts and the last turns, with no phone
 * number or name.
 */
import { INTENT_TAXONOMY } from '../../models/intent-taxonomy.js';
import type { SlotFacts, StructuredSlot } from '../../models/types.js';
import type { CustomerView } from '../customer-view.js';
import type { StateName } from '../flow/index.js';
import type { TurnSignals } from '../turn-signals.js';
import { own } from './customer-match.js';
import type { Trigger } from './transfer-config.js';

export interface Turn {
  speaker: 'customer' | 'bot' | 'agent';
  text: string;
}

export interface HandoffInput {
  trigger: Trigger;
  state: StateName;
  signals: TurnSignals;
  /** Facts remembered from earlier turns. */
  memorySlots: SlotFacts;
  customer: CustomerView;
  lastTurns: readonly Turn[];
  callId: string;
  /** A summary written elsewhere (e.g. by a language model); generated otherwise. */
  summary?: string;
}

export interface Handoff {
  callId: string;
  customerId: string;
  queue: string;
  reason: { trigger: string; description: string };
  state: StateName;
  language: 'zh' | 'en';
  summary: string;
  slots: SlotFacts;
  profile: { tags: readonly string[]; tier?: string; industry?: string; intentScore: number };
  intentScore: number;
  lastTurns: Turn[];
}

type Objection = NonNullable<SlotFacts['objection']>;
const OBJECTIONS: Record<Objection, readonly [string, string]> = {
  price: ['价格', 'price'],
  timing: ['时机', 'timing'],
  trust: ['信任', 'trust'],
  need: ['需求', 'need'],
  competitor: ['竞品', 'competitor'],
};

const FACTS = {
  budget: ['预算', 'budget'],
  timeline: ['时间', 'timeline'],
  decisionMaker: ['决策人', 'decision maker'],
  competitor: ['竞品', 'competitor'],
  channel: ['联系方式', 'preferred channel'],
} as const satisfies Record<
  Exclude<keyof SlotFacts, 'objection' | StructuredSlot>,
  readonly [string, string]
>;

const HAN = /\p{Script=Han}/u;
const PHONE_LIKE = /\+?\d(?:[\s-]?\d){6,}/g;

/** Masks the CRM name and phone and anything phone-like. */
function redact(text: string, customer: CustomerView): string {
  let out = text.replace(PHONE_LIKE, '[phone]');
  for (const field of ['name', 'phone'] as const) {
    const v = own(customer.crm, field);
    if (typeof v === 'string' && v.length >= 2) out = out.split(v).join(`[${field}]`);
  }
  return out;
}

function summarize(x: HandoffInput, slots: SlotFacts, language: 'zh' | 'en'): string {
  const i = language === 'zh' ? 0 : 1;
  const said = INTENT_TAXONOMY.describe(x.signals.intent, language);
  const want = language === 'zh' ? said : said.charAt(0).toLowerCase() + said.slice(1);
  const objections = [...new Set([x.memorySlots.objection, x.signals.slots.objection])]
    .filter((o): o is Objection => o !== undefined)
    .map((o) => OBJECTIONS[o][i]);
  const known = (Object.keys(FACTS) as (keyof typeof FACTS)[])
    .filter((k) => slots[k])
    .map((k) => `${FACTS[k][i]} ${slots[k]}`);
  if (language === 'zh') {
    const why = x.trigger.descriptionZh ?? x.trigger.description;
    return [
      `客户${want}`,
      objections.length > 0 ? `异议：${objections.join('、')}` : '',
      known.length > 0 ? `已知：${known.join('；')}` : '',
      `转人工原因：${why}`,
    ]
      .filter(Boolean)
      .join('。')
      .concat('。');
  }
  return [
    `Customer ${want}`,
    objections.length > 0 ? `Objections: ${objections.join(', ')}` : '',
    known.length > 0 ? `Known: ${known.join('; ')}` : '',
    `Transferred because: ${x.trigger.description}`,
  ]
    .filter(Boolean)
    .join('. ')
    .concat('.');
}

/** The context an agent receives with the call. */
export function buildHandoff(x: HandoffInput): Handoff {
  const slots: SlotFacts = { ...x.memorySlots, ...x.signals.slots };
  const customerTexts = [
    x.signals.text,
    ...x.lastTurns.filter((t) => t.speaker === 'customer').map((t) => t.text),
  ];
  const language = customerTexts.some((t) => HAN.test(t)) ? 'zh' : 'en';
  const crmText = (field: string) => {
    const v = own(x.customer.crm, field);
    return v === undefined || v === null ? undefined : String(v);
  };
  return {
    callId: x.callId,
    customerId: x.customer.customerId,
    queue: x.trigger.queue,
    reason: { trigger: x.trigger.id, description: x.trigger.description },
    state: x.state,
    language,
    summary: redact(x.summary ?? summarize(x, slots, language), x.customer),
    slots,
    profile: {
      tags: [...x.customer.tags],
      tier: crmText('customer_tier'),
      industry: crmText('industry'),
      intentScore: x.customer.intentScore,
    },
    intentScore: x.customer.intentScore,
    lastTurns: x.lastTurns.slice(-6).map((t) => ({ ...t, text: redact(t.text, x.customer) })),
  };
}
