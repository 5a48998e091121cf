/**
 * The context a decision is logged with (core/logged-decision.ts): what the
 * off-policy evaluator later conditions a candidate policy on. Built from
 * the CustomerView at decision time, so it is what the engine saw, not what
 * the profile says later; nothing personal goes in.
 */
import type { DecisionContext } from '../../core/logged-decision.js';
import type { CustomerView } from '../customer-view.js';
import { localTimeOf, type DialingRules } from '../dialing/index.js';

const WEEK_MS = 7 * 24 * 3_600_000;

const category = (v: unknown): string => (typeof v === 'string' && v.trim()) || 'unknown';

/**
 * `call`: the call decided in, for a turn: its product line, and its own
 * touch, which is not an earlier contact. A dial has neither: the product
 * line is 'default'.
 */
export function decisionContextOf(
  customer: Pick<CustomerView, 'tags' | 'crm' | 'touches'>,
  nowMs: number,
  rules: Pick<DialingRules, 'timezone'>,
  call?: { callId: string; productLine: string },
): DecisionContext {
  const contacts = customer.touches.filter((t) => {
    const ms = Date.parse(t.at);
    return t.id !== call?.callId && ms < nowMs && nowMs - ms < WEEK_MS;
  });
  return {
    tags: [...customer.tags],
    region: category(customer.crm.region),
    product_line: category(call?.productLine ?? 'default'),
    tier: category(customer.crm.customer_tier),
    contacts_7d: contacts.length,
    hour: localTimeOf(customer, nowMs, rules).hour,
  };
}
