import type { DialwiseEvent, EventOf, EventType } from '../core/events/index.js';

/** One call's columns as far as this batch knows them; null = unknown here. */
export interface CallRow {
  call_id: string;
  customer_id: string;
  campaign_id: string | null;
  script_id: string | null;
  script_version: string | null;
  handled_by: string | null;
  region: string | null;
  product_line: string | null;
  started_at: string | null;
  answered: boolean | null;
  unanswered_reason: string | null;
  transferred_queue: string | null;
  outcome: string | null;
  duration_s: number | null;
  ended_at: string | null;
}

/** What one batch changes in a customer's profile (counters are deltas). */
export interface ProfileDelta {
  customer_id: string;
  calls: number;
  answered: number;
  conversions: number;
  web_visits: number;
  last_call_at: string | null;
  last_visit_at: string | null;
  attributes: Record<string, unknown>;
  consent: Record<string, boolean>;
  name: string | null;
  phone: string | null;
}

export interface Facts {
  calls: Map<string, CallRow>;
  turns: EventOf<'dialog.turn'>[];
  visits: EventOf<'web.visit'>[];
  corrections: EventOf<'correction.submitted'>[];
  profiles: Map<string, ProfileDelta>;
}

const later = (a: string | null, b: string): string => (a !== null && a > b ? a : b);

function call(f: Facts, e: { call_id: string; customer_id: string }): CallRow {
  let row = f.calls.get(e.call_id);
  if (!row) {
    row = {
      call_id: e.call_id,
      customer_id: e.customer_id,
      campaign_id: null,
      script_id: null,
      script_version: null,
      handled_by: null,
      region: null,
      product_line: null,
      started_at: null,
      answered: null,
      unanswered_reason: null,
      transferred_queue: null,
      outcome: null,
      duration_s: null,
      ended_at: null,
    };
    f.calls.set(e.call_id, row);
  }
  return row;
}

function profile(f: Facts, customerId: string): ProfileDelta {
  let p = f.profiles.get(customerId);
  if (!p) {
    p = {
      customer_id: customerId,
      calls: 0,
      answered: 0,
      conversions: 0,
      web_visits: 0,
      last_call_at: null,
      last_visit_at: null,
      attributes: {},
      consent: {},
      name: null,
      phone: null,
    };
    f.profiles.set(customerId, p);
  }
  return p;
}

type Folder<T extends EventType> = (f: Facts, e: EventOf<T>) => void;

/** How each event type lands in facts; a new type does not compile until it is here. */
const FOLD: { [T in EventType]: Folder<T> } = {
  'call.started': (f, e) => {
    Object.assign(call(f, e), {
      campaign_id: e.campaign_id,
      script_id: e.script_id,
      script_version: e.script_version,
      handled_by: e.handled_by,
      region: e.region,
      product_line: e.product_line,
      started_at: e.ts,
    });
    const p = profile(f, e.customer_id);
    p.calls += 1;
    p.last_call_at = later(p.last_call_at, e.ts);
  },
  'call.answered': (f, e) => {
    call(f, e).answered = true;
    profile(f, e.customer_id).answered += 1;
  },
  'call.unanswered': (f, e) => {
    Object.assign(call(f, e), { answered: false, unanswered_reason: e.reason });
  },
  'call.transferred': (f, e) => {
    call(f, e).transferred_queue = e.queue;
  },
  'call.ended': (f, e) => {
    Object.assign(call(f, e), { outcome: e.outcome, duration_s: e.duration_s, ended_at: e.ts });
    if (e.outcome === 'converted') profile(f, e.customer_id).conversions += 1;
  },
  'dialog.turn': (f, e) => {
    f.turns.push(e);
  },
  'correction.submitted': (f, e) => {
    f.corrections.push(e);
  },
  'customer.updated': (f, e) => {
    const p = profile(f, e.customer_id);
    const { name, phone, ...rest } = e.fields;
    Object.assign(p.attributes, rest);
    if (name !== undefined) p.name = name;
    if (phone !== undefined) p.phone = phone;
  },
  'web.visit': (f, e) => {
    const p = profile(f, e.customer_id);
    p.web_visits += 1;
    p.last_visit_at = later(p.last_visit_at, e.ts);
    f.visits.push(e);
  },
  'consent.changed': (f, e) => {
    profile(f, e.customer_id).consent[e.scope] = e.granted;
  },
};

/** Folds a batch of new (already deduplicated) events into rows, in event-time order. */
export function foldFacts(events: DialwiseEvent[]): Facts {
  const f: Facts = {
    calls: new Map(),
    turns: [],
    visits: [],
    corrections: [],
    profiles: new Map(),
  };
  const ordered = [...events].sort((a, b) => Date.parse(a.ts) - Date.parse(b.ts));
  for (const e of ordered) (FOLD[e.type] as Folder<typeof e.type>)(f, e);
  return f;
}
