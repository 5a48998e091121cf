/**
 * The events the twin's dialer reports to `POST /events`: the customers the
 * platform knows before the first dial, and each dial's (placed, answered or
 * not, the agents' corrections, ended). The platform's own turns it emits
 * itself. One definition for the week on a virtual clock (`run-twin.ts`)
 * and the calls on the wall clock (`live-calls.ts`).
 */
import type { DialwiseEvent } from '../core/events/index.js';
import { seeded } from '../core/rng.js';
import type { Talk } from './calls.js';
import type { SimCustomer, World } from './world.js';

/** Rings before a dial counts as unanswered. */
export const RING_S = 25;

/** The CRM records and web visits the platform knows before the first dial. */
export function loadEvents(world: World, atMs: number, seed: number): DialwiseEvent[] {
  const rng = seeded(seed ^ 0x5eed);
  const ts = new Date(atMs).toISOString();
  const base = { ts, schema_version: 1 as const };
  return world.customers.flatMap((c): DialwiseEvent[] => {
    const crm: DialwiseEvent = {
      ...base,
      event_id: `${c.id}-crm`,
      type: 'customer.updated',
      customer_id: c.id,
      fields: {
        name: c.name,
        phone: c.phone,
        region: c.region,
        industry: c.industry,
        customer_tier: c.tier,
        timezone: c.timeZone,
      },
    };
    if (rng() >= Math.min(0.6, c.propensity * 1.5)) return [crm];
    const visit: DialwiseEvent = {
      ...base,
      event_id: `${c.id}-visit`,
      type: 'web.visit',
      customer_id: c.id,
      page: '/pricing',
      product: c.productLine,
    };
    return [crm, visit];
  });
}

/** A dial's events as the dialer reports them: `t` is the call's talk, undefined when unanswered for `reason`. */
export function callEvents(
  campaignId: string,
  callId: string,
  c: SimCustomer,
  atMs: number,
  t: Talk | undefined,
  reason: string,
): DialwiseEvent[] {
  const at = (s: number) => new Date(atMs + s * 1000).toISOString();
  const base = { schema_version: 1 as const, customer_id: c.id, call_id: callId };
  const events: DialwiseEvent[] = [
    {
      ...base,
      event_id: `${callId}-s`,
      type: 'call.started',
      ts: at(0),
      campaign_id: campaignId,
      script_id: 'opening',
      script_version: 'live',
      handled_by: 'bot',
      region: c.region,
      product_line: c.productLine,
    },
  ];
  if (!t) {
    events.push({
      ...base,
      event_id: `${callId}-u`,
      type: 'call.unanswered',
      ts: at(RING_S),
      reason: reason as 'no_answer',
    });
    events.push({
      ...base,
      event_id: `${callId}-e`,
      type: 'call.ended',
      ts: at(RING_S),
      duration_s: RING_S,
      outcome: 'no_decision',
    });
    return events;
  }
  const seconds = Math.round(t.scriptSeconds + t.agentSeconds + (t.handoff ?? 0));
  events.push({ ...base, event_id: `${callId}-a`, type: 'call.answered', ts: at(8) });
  events.push(...t.events);
  events.push({
    ...base,
    event_id: `${callId}-e`,
    type: 'call.ended',
    ts: at(8 + seconds),
    duration_s: seconds,
    outcome: t.outcome,
  });
  return events;
}
