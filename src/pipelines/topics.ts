import { FAMILIES, FAMILY_OF, type DialwiseEvent } from '../core/events/index.js';
import type { Bus, OutMessage } from '../core/bus/bus.js';

/** Topics by event family (calls, dialog, crm, web), keyed by customer_id. */
export const topicsOf = (prefix: string): string[] => FAMILIES.map((f) => `${prefix}.${f}`);

/**
 * Streams the platform produces: enriched turns, profile snapshots (personal
 * data sealed), in scaled-out mode the facts a loader writes to DuckDB, and
 * the decision replicas' live calls (sealed, compacted, by call on the
 * partition of the call's customer), and what they share (the do-not-call
 * register and the API keys, compacted).
 */
export const derivedTopic = (
  prefix: string,
  name:
    | 'turn.enriched'
    | 'profile.updated'
    | 'facts'
    | 'decision.sessions'
    | 'dnc.register'
    | 'api.keys',
): string => `${prefix}.${name}`;

export const topicFor = (prefix: string, e: Pick<DialwiseEvent, 'type'>): string =>
  `${prefix}.${FAMILY_OF[e.type]}`;

/** Events as the messages of their topics (keyed by customer_id), in the order given. */
export function eventMessages(
  prefix: string,
  events: readonly DialwiseEvent[],
): { topic: string; messages: OutMessage[] }[] {
  const byTopic = new Map<string, OutMessage[]>();
  for (const e of events) {
    const topic = topicFor(prefix, e);
    let list = byTopic.get(topic);
    if (!list) byTopic.set(topic, (list = []));
    list.push({ key: e.customer_id, value: JSON.stringify(e) });
  }
  return [...byTopic].map(([topic, messages]) => ({ topic, messages }));
}

/** Publishes validated events, grouped by topic, in the order given. */
export async function publishEvents(
  bus: Bus,
  prefix: string,
  events: DialwiseEvent[],
): Promise<void> {
  for (const { topic, messages } of eventMessages(prefix, events))
    await bus.publish(topic, messages);
}
