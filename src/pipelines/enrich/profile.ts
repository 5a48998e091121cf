import type { PendingCallback } from '../../core/callback.js';
import { consentState, type ConsentLedger, type TouchMark } from '../../core/contact-record.js';
import { CHANNELS, PERSONAL_FIELDS, type EventOf, type Outcome } from '../../core/events/index.js';
import { personalKind } from '../../core/personal.js';
import { addVisit, isPricingPage, leadScore, type LeadSignals } from '../../models/lead-score.js';
import type { VoiceSample } from '../../models/prosody/baseline.js';
import type { CallSignals, CustomerHistory } from '../../models/propensity-features.js';
import type { EmotionResult, IntentResult, SlotFacts } from '../../models/types.js';
import { canonicalValue, type CrmMapping } from './crm-mapping.js';

export type Scalar = string | number | boolean | null;

/** One call's row while it is open; written to `calls` as it changes. */
export interface CallState {
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
  customer_turns: number | null;
  positive_intents: number | null;
  negative_intents: number | null;
  objections: number | null;
  valence: number | null;
  intent_score: number | null;
  compliance_hits: number | null;
  /** Highest fused impatience heard from the customer in this call. */
  peak_impatience: number | null;
  /** Picked up, then dropped with nobody free to take it. */
  abandoned: boolean | null;
  /** The customer's voice samples so far (the earliest few form the baseline); not a column. */
  voice?: VoiceSample[];
  /** What the customer's turns have shown so far, as the propensity model reads it; not a column. */
  signals?: CallSignals;
}

/**
 * The 360° profile: all state kept per customer_id. Facts merge in a way
 * that does not depend on arrival order — counters add, times take the
 * maximum, CRM fields, consent and stated facts keep the value with the
 * latest event time — so late and out-of-order events land where they
 * belong. Live scores (intent score, valence) are computed as of each turn.
 */
export interface Profile {
  customer_id: string;
  crm: Record<string, Scalar>;
  crm_ts: Record<string, string>;
  /** CRM fields no mapping knew and that hold nothing personal: kept aside, latest value per name. */
  crm_unmapped: Record<string, unknown>;
  name: string | null;
  phone: string | null;
  /**
   * Personal data beyond name and phone: the canonical fields (email,
   * id_number, wechat, address) and unmapped CRM columns that look personal,
   * by their source name. Sealed at rest like name and phone, never in `state`.
   */
  personal: Record<string, string>;
  /** Event time of each personal field's value (name, phone and `personal`'s keys). */
  pii_ts: Record<string, string>;
  /** The consent ledger per channel and purpose (core/contact-record.ts); its proof is in consent_changes. */
  consent: ConsentLedger;
  calls: number;
  answered: number;
  outcomes: Partial<Record<Outcome, number>>;
  last_call_at: string | null;
  /** Touches (calls started, messages sent) within 7 days of the newest, ascending: the contact record. */
  touches: TouchMark[];
  /** Replies to messages: how many, and the latest time. */
  replies: number;
  last_reply_at: string | null;
  web_visits: number;
  pages: Record<string, number>;
  products: Record<string, number>;
  last_visit_at: string | null;
  last_pricing_visit_at: string | null;
  intents: Record<string, number>;
  objections: Record<string, number>;
  facts: Record<string, { value: string; ts: string }>;
  /** Exponentially weighted valence of the customer's turns, -1..1. */
  valence: number;
  valence_n: number;
  last_emotion: string | null;
  /** The intent score as of the customer's latest event (models/lead-score.ts). */
  intent_score: number;
  /** Its parts: the calls' intent strength and the engagement between calls, with their times. */
  dialog_score: number;
  dialog_at: string | null;
  engagement: number;
  engagement_at: string | null;
  tags: string[];
  /** The callback the customer waits for (enrich/callbacks.ts); null when none. */
  callback: PendingCallback | null;
  open_calls: Record<string, CallState>;
  /** Ids of calls that ended recently: a late event must not reopen them. */
  closed_calls: string[];
  /** 53-bit hashes of this customer's recent event ids, newest last: the dedupe window. */
  recent_ids: number[];
  last_event_at: string | null;
}

export function newProfile(customerId: string): Profile {
  return {
    customer_id: customerId,
    crm: {},
    crm_ts: {},
    crm_unmapped: {},
    name: null,
    phone: null,
    personal: {},
    pii_ts: {},
    consent: {},
    calls: 0,
    answered: 0,
    outcomes: {},
    last_call_at: null,
    touches: [],
    replies: 0,
    last_reply_at: null,
    web_visits: 0,
    pages: {},
    products: {},
    last_visit_at: null,
    last_pricing_visit_at: null,
    intents: {},
    objections: {},
    facts: {},
    valence: 0,
    valence_n: 0,
    last_emotion: null,
    intent_score: 0,
    dialog_score: 0,
    dialog_at: null,
    engagement: 0,
    engagement_at: null,
    tags: [],
    callback: null,
    open_calls: {},
    closed_calls: [],
    recent_ids: [],
    last_event_at: null,
  };
}

export function newCall(callId: string, customerId: string): CallState {
  return {
    call_id: callId,
    customer_id: customerId,
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
    customer_turns: null,
    positive_intents: null,
    negative_intents: null,
    objections: null,
    valence: null,
    intent_score: null,
    compliance_hits: null,
    peak_impatience: null,
    abandoned: null,
  };
}

export const max = (a: string | null, b: string): string => (a !== null && a > b ? a : b);

/**
 * Two FNV-1a style 32-bit hashes folded into 53 bits: a number costs 8 bytes
 * in memory and ~16 in a snapshot, where a UUID costs ~60 and 38. Within a
 * window of 64 ids a false match has odds of about 1 in 10^14 per event.
 */
export function idHash(id: string): number {
  let h1 = 0x811c9dc5;
  let h2 = 0x5bd1e995;
  for (let i = 0; i < id.length; i++) {
    const c = id.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 0x01000193);
    h2 = Math.imul(h2 ^ c, 0x5bd1e995);
  }
  return (h1 >>> 0) * 2 ** 21 + (h2 >>> 11);
}
export const bump = (m: Record<string, number>, k: string, by = 1): void => {
  m[k] = (m[k] ?? 0) + by;
};

export const WEEK_MS = 7 * 86_400_000;

/**
 * Marketing touches (calls started, messages sent, every channel) within the
 * 7 days before `nowMs`: what the weekly cap counts.
 */
export const contactsInWeek = (p: Profile, nowMs: number): number =>
  p.touches.filter((t) => {
    const at = Date.parse(t.at);
    return t.purpose === 'marketing' && nowMs - at < WEEK_MS && at <= nowMs;
  }).length;

/** The customer's history outside the call, as the conversion model reads it at `tsMs`. */
export function customerHistory(p: Profile, tsMs: number): CustomerHistory {
  const pricing = p.last_pricing_visit_at;
  return {
    recentPricingVisit: pricing !== null && tsMs - Date.parse(pricing) < 86_400_000,
    webVisits: p.web_visits,
    priorConversions: p.outcomes.converted ?? 0,
    complaints: (p.outcomes.complaint ?? 0) + (p.intents.complaint ?? 0),
  };
}

/** Last-writer-wins by event time for one CRM field. */
function setCrm(p: Profile, key: string, value: Scalar, ts: string): void {
  const prev = p.crm_ts[key];
  if (prev !== undefined && prev > ts) return;
  p.crm[key] = value;
  p.crm_ts[key] = ts;
}

/** Last-writer-wins by event time for one personal field; null clears it. */
function setPersonal(p: Profile, key: string, value: unknown, ts: string): void {
  const prev = p.pii_ts[key];
  if (prev !== undefined && prev > ts) return;
  p.pii_ts[key] = ts;
  const text =
    value === null || value === undefined
      ? null
      : typeof value === 'string'
        ? value
        : JSON.stringify(value);
  if (key === 'name' || key === 'phone') p[key] = text;
  else if (text === null) delete p.personal[key];
  else p.personal[key] = text;
}

const PERSONAL: ReadonlySet<string> = new Set(PERSONAL_FIELDS);

/** Applies a CRM update; `mapping` canonicalises the values its `values` table names (制造业 → manufacturing). */
export function applyCustomerUpdate(
  p: Profile,
  e: EventOf<'customer.updated'>,
  ts: string,
  mapping?: CrmMapping,
): void {
  for (const [k, v] of Object.entries(e.fields)) {
    // null clears a personal field kept under its source name too (retention, a CRM deletion).
    if (PERSONAL.has(k) || (v === null && Object.hasOwn(p.personal, k))) setPersonal(p, k, v, ts);
    else if (v !== undefined) setCrm(p, k, mapping ? canonicalValue(mapping, k, v) : v, ts);
  }
  for (const [k, v] of Object.entries(e.unmapped ?? {})) {
    if (personalKind(k, v)) {
      setPersonal(p, k, v, ts);
      delete p.crm_unmapped[k];
    } else p.crm_unmapped[k] = v;
  }
}

/**
 * Moves personal-looking unmapped fields of a profile stored before they
 * were recognised into `personal`; true when any moved (the profile must be
 * stored again, sealed).
 */
export function sealLegacyUnmapped(p: Profile): boolean {
  let moved = false;
  for (const [k, v] of Object.entries(p.crm_unmapped)) {
    if (!personalKind(k, v)) continue;
    p.personal[k] = typeof v === 'string' ? v : JSON.stringify(v);
    delete p.crm_unmapped[k];
    moved = true;
  }
  return moved;
}

/** The intent score's inputs as the profile keeps them. */
export const leadSignalsOf = (p: Profile): LeadSignals => ({
  dialog: p.dialog_score,
  dialogAt: p.dialog_at,
  engagement: p.engagement,
  engagementAt: p.engagement_at,
});

/** The intent score at `nowMs`, its parts faded to then. */
export const intentScoreAt = (p: Profile, nowMs: number): number =>
  leadScore(leadSignalsOf(p), nowMs);

export function applyWebVisit(p: Profile, e: EventOf<'web.visit'>, ts: string): void {
  p.web_visits += 1;
  const repeat = (p.pages[e.page] ?? 0) > 0;
  bump(p.pages, e.page);
  if (e.product) bump(p.products, e.product);
  p.last_visit_at = max(p.last_visit_at, ts);
  if (isPricingPage(e.page)) p.last_pricing_visit_at = max(p.last_pricing_visit_at, ts);
  const visit = { page: e.page, durationS: e.duration_s, source: e.source };
  // A page seen again is a stronger signal than the first look at it.
  const signals = addVisit(
    leadSignalsOf(p),
    repeat ? { ...visit, durationS: (e.duration_s ?? 0) + 60 } : visit,
    ts,
  );
  p.engagement = signals.engagement;
  p.engagement_at = signals.engagementAt;
  p.intent_score = intentScoreAt(p, Date.parse(ts));
}

/** A call's score moves the dialog part of the customer's score, weighted toward the live call. */
export function applyCallScore(p: Profile, callScore: number, ts: string): void {
  p.dialog_score = Math.round((0.7 * callScore + 0.3 * p.dialog_score) * 1000) / 1000;
  p.dialog_at = max(p.dialog_at, ts);
  p.intent_score = intentScoreAt(p, Date.parse(ts));
}

/** What the models said about one customer turn. */
export interface TurnInsight {
  intent: IntentResult;
  emotion: EmotionResult;
  slots: SlotFacts;
}

const VALENCE_ALPHA = 0.3;

/**
 * A turn's slots as the profile's facts (strings, for tag rules and the
 * decision layer): budget "十来万" with its range "100000..190000 CNY/once",
 * a callback time as an ISO instant or interval "from/to".
 */
export function statedFacts(s: SlotFacts): Record<string, string | undefined> {
  const r = s.budgetRange;
  const at = s.callbackAt;
  return {
    budget: s.budget,
    budget_range: r && `${r.min}..${r.max} ${r.currency}/${r.period}`,
    timeline: s.timeline,
    callback_at: at && (at.from === at.to ? at.from : `${at.from}/${at.to}`),
    decision_maker: s.decisionMaker,
    competitor: s.competitor,
    channel: s.channel,
  };
}

export function applyCustomerTurn(p: Profile, insight: TurnInsight, ts: string): void {
  if (!insight.intent.outOfScope) bump(p.intents, insight.intent.intent);
  if (insight.slots.objection) bump(p.objections, insight.slots.objection);
  for (const [name, value] of Object.entries(statedFacts(insight.slots))) {
    const prev = p.facts[name];
    if (value && (!prev || prev.ts <= ts)) p.facts[name] = { value, ts };
  }
  p.valence =
    p.valence_n === 0
      ? insight.emotion.valence
      : p.valence + VALENCE_ALPHA * (insight.emotion.valence - p.valence);
  p.valence = Math.round(p.valence * 1000) / 1000;
  p.valence_n += 1;
  p.last_emotion = insight.emotion.label;
}

/** A flat view of the profile for tag rules and the decision layer. */
export function profileView(p: Profile, nowMs: number): Record<string, Scalar | undefined> {
  const view: Record<string, Scalar | undefined> = {
    intent_score: intentScoreAt(p, nowMs),
    calls: p.calls,
    answered: p.answered,
    contacts_7d: contactsInWeek(p, nowMs),
    last_call_at: p.last_call_at,
    'web.visits': p.web_visits,
    'web.last_visit_at': p.last_visit_at,
    'web.last_pricing_visit_at': p.last_pricing_visit_at,
    'emotion.valence': p.valence_n ? p.valence : null,
    'emotion.last': p.last_emotion,
  };
  for (const [k, v] of Object.entries(p.crm)) view[`crm.${k}`] = v;
  // consent.<channel>: false once refused or withdrawn for marketing, true once granted.
  for (const ch of CHANNELS) {
    const { state } = consentState(p.consent, ch, 'marketing');
    if (state !== 'unknown') view[`consent.${ch}`] = state === 'granted';
  }
  for (const [k, v] of Object.entries(p.outcomes)) view[`outcomes.${k}`] = v;
  for (const [k, v] of Object.entries(p.intents)) view[`intents.${k}`] = v;
  for (const [k, v] of Object.entries(p.objections)) view[`objections.${k}`] = v;
  for (const [k, v] of Object.entries(p.facts)) view[`facts.${k}`] = v.value;
  return view;
}
