/**
 * Who takes a transferred call, what happens when nobody picks up, and the
 * hybrid mode in which an agent follows up a call the bot screened.
 */
import type { CustomerView } from '../customer-view.js';
import { crmHolds, hasAnyTag, own } from './customer-match.js';
import type { Handoff } from './handoff.js';
import { rankWorkers, type SkillModel } from './skill-routing.js';
import type { NoPickupFallback, TransferConfig } from './transfer-config.js';

export interface Agent {
  id: string;
  queues: readonly string[];
  languages: readonly string[];
  available: boolean;
  /** Epoch ms of the agent's latest assignment; absent if never assigned. */
  lastAssignedAt?: number;
}

export interface AgentNeed {
  queue: string;
  productLine: string;
  language?: string;
}

/**
 * The available agent in the queue (speaking the language, if one is asked
 * for) with the best learned skill on the product line; among equals, the
 * one assigned least recently.
 */
export function chooseAgent(
  agents: readonly Agent[],
  need: AgentNeed,
  skills: SkillModel,
): Agent | undefined {
  const eligible = agents
    .filter(
      (a) =>
        a.available &&
        a.queues.includes(need.queue) &&
        (need.language === undefined || a.languages.includes(need.language)),
    )
    .sort((a, b) => (a.lastAssignedAt ?? 0) - (b.lastAssignedAt ?? 0));
  return rankWorkers(skills, eligible, need.productLine)[0];
}

/** When an agent offered a call at `now` (epoch ms) must have picked up. */
export const pickupDeadline = (now: number, timeoutMs: number): number => now + timeoutMs;

/** What to do when no agent picked up in time, and the alert to raise. */
export function onNoPickup(
  handoff: Handoff,
  config: TransferConfig,
): { fallback: NoPickupFallback; alert: string } {
  const { timeoutMs, fallback, byQueue } = config.noPickup;
  const chosen = own(byQueue, handoff.queue) ?? fallback;
  return {
    fallback: chosen,
    alert:
      `no agent in queue ${handoff.queue} picked up call ${handoff.callId} ` +
      `within ${timeoutMs / 1000}s (trigger ${handoff.reason.trigger}); fallback: ${chosen}`,
  };
}

export interface HybridPlan {
  screening: 'bot';
  followUp: { queue: string; dueInHours: number };
}

/** For a high-value customer in hybrid mode: the bot screens, an agent follows up. */
export function hybridPlan(customer: CustomerView, config: TransferConfig): HybridPlan | undefined {
  const h = config.hybrid;
  const highValue =
    hasAnyTag(customer, h.highValue.tagAny) ||
    Object.entries(h.highValue.crmIn).some(([f, vs]) => crmHolds(customer, f, vs));
  if (!h.enabled || !highValue) return undefined;
  return { screening: 'bot', followUp: { queue: h.queue, dueInHours: h.dueInHours } };
}
