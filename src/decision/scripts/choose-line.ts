/**
 * The line the bot speaks from a script node: among the variants that fit
 * the customer (the tag- or industry-matched ones where any fit) and can be
 * filled from what is known, the running experiment picks one; the
 * compliance guard checks it before it is returned.
 */
import type { Rng } from '../../core/rng.js';
import type { ComplianceHit, SlotFacts } from '../../models/types.js';
import type { CustomerView } from '../customer-view.js';
import { industryOf } from '../dialing/index.js';
import { allocate, type ExperimentState } from './script-experiments.js';
import { drawFromPolicy } from './script-policy.js';
import {
  eligibleVariants,
  guardLine,
  render,
  scriptNode,
  type BotLineCheck,
  type ScriptLibrary,
  type Variant,
} from './script-library.js';

/** Tags that split the script experiments: the segments whose best line may differ. */
const SEGMENT_TAGS = ['vip', 'high_intent', 'price_sensitive'];

/**
 * The customer's segment in the script experiments (and the decision log):
 * their industry, then the experiment tags they carry joined with '+' or
 * 'none' (`manufacturing/none`, `retail/high_intent+price_sensitive`).
 * Customers of a trade answer to different lines, so each trade learns its
 * own. Not the dialing segment of their industry (dialing/eligibility.ts).
 */
export const scriptSegmentOf = (customer: Pick<CustomerView, 'tags' | 'crm'>): string =>
  `${industryOf(customer.crm.industry)}/${SEGMENT_TAGS.filter((t) => customer.tags.includes(t)).join('+') || 'none'}`;

/** What the bot says of each product line (the simulator's lines), with its list price as said. */
const PRODUCTS: Readonly<Record<string, { name: string; benefit: string; price?: string }>> = {
  wealth: { name: '稳盈理财服务', benefit: '打理闲置资金、提高资金使用效率', price: '五万元起' },
  insurance: { name: '企业保障计划', benefit: '转移经营中的意外风险', price: '每年八千元起' },
  credit_card: { name: '商务信用卡', benefit: '统一管理差旅和采购支出', price: '年费两千元' },
  loan: { name: '经营贷服务', benefit: '解决短期周转资金需求', price: '三万元起' },
  default: { name: '我们的产品', benefit: '提升运营效率' },
};

/** The products the bot names: terms the dialer's speech recogniser should know. */
export const PRODUCT_NAMES: readonly string[] = Object.entries(PRODUCTS)
  .filter(([line]) => line !== 'default')
  .map(([, p]) => p.name);

/** How the bot names the channel a customer asked for; email when none was said. */
const CHANNEL_NAMES: Readonly<Record<string, string>> = {
  wechat: '微信',
  email: '邮箱',
  sms: '短信',
  phone: '手机',
};

/**
 * How the bot names the industries the CRM mapping normalises to (零售 is
 * stored as retail, so that the calling windows match): a line says 零售,
 * not retail. Others are said as stored.
 */
const INDUSTRY_NAMES: Readonly<Record<string, string>> = {
  retail: '零售',
  consumer: '消费品',
  manufacturing: '制造业',
  logistics: '物流',
  software: '软件',
  healthcare: '医疗',
  finance: '金融',
};

/** The values a template's placeholders are filled from. */
export function lineSlots(x: {
  /** Every slot known of the call (memory over profile facts). */
  facts: SlotFacts;
  customer: CustomerView;
  productLine: string;
  /** The agent a transfer went to, if any. */
  agent: string | null | undefined;
}): Record<string, string | undefined> {
  const industry = x.customer.crm.industry;
  const product = PRODUCTS[x.productLine] ?? PRODUCTS.default!;
  return {
    product: product.name,
    benefit: product.benefit,
    price: product.price,
    channel: CHANNEL_NAMES[x.facts.channel ?? 'email'],
    callback_time: x.facts.timeline,
    budget: x.facts.budget,
    timeline: x.facts.timeline,
    competitor: x.facts.competitor,
    industry:
      typeof industry === 'string'
        ? (INDUSTRY_NAMES[industry.trim().toLowerCase()] ?? industry)
        : undefined,
    agent: x.agent ?? undefined,
  };
}

export interface LineRequest {
  library: ScriptLibrary;
  nodeId: string;
  customer: CustomerView;
  /** The customer's experiment segment (scriptSegmentOf). */
  segment: string;
  concise: boolean;
  slots: Readonly<Record<string, string | undefined>>;
  /** A policy deployed live at this node: its name and probabilities in the customer's context. */
  policy?: { name: string; probs: Readonly<Record<string, number>> } | undefined;
}

export interface ChosenLine {
  text: string;
  /** The hits of the line first chosen, when the guard replaced it. */
  blocked: ComplianceHit[];
  /** The variant spoken; 'safe' for the node's safe line, which is no arm of the experiment. */
  variant: string;
  /** The probability the experiment (or the live policy) gave the variant (1 for the safe line). */
  propensity: number;
  /** The live policy that chose the variant; absent when the experiment did. */
  policy?: string;
}

/**
 * The variants of a node the bot may say to the customer: those matched to
 * their tags or CRM record where any is, else every one that fits.
 */
export function offeredVariants(
  library: ScriptLibrary,
  nodeId: string,
  customer: Pick<CustomerView, 'tags' | 'crm'>,
): Variant[] {
  const fits = eligibleVariants(library, nodeId, customer);
  const matched = fits.filter((v) => v.match);
  return matched.length ? matched : fits;
}

/** Picks, renders and guards the line for a script node. */
export function chooseLine(
  x: LineRequest,
  experiment: ExperimentState,
  checkBotLine: BotLineCheck,
  rng: Rng,
): ChosenLine {
  const node = scriptNode(x.library, x.nodeId);
  const renderable = offeredVariants(x.library, x.nodeId, x.customer).filter(
    (v) => render(v, x.slots, x.concise) !== undefined,
  );
  if (renderable.length === 0) {
    const { text, blocked } = guardLine(node.safe, checkBotLine, node.safe);
    return { text, blocked, variant: 'safe', propensity: 1 };
  }
  const ids = renderable.map((v) => v.id);
  const fromPolicy = x.policy && drawFromPolicy(x.policy.probs, ids, rng);
  const { variant, propensity } = fromPolicy ?? allocate(experiment, x.nodeId, x.segment, ids, rng);
  const chosen = renderable.find((v) => v.id === variant)!;
  const { text, blocked } = guardLine(render(chosen, x.slots, x.concise)!, checkBotLine, node.safe);
  return { text, blocked, variant, propensity, ...(fromPolicy && { policy: x.policy!.name }) };
}
