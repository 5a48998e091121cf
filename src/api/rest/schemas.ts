/**
 * The REST API's contract for its clients (the dialer, the voice bot, the
 * CRM): the body schemas the routes validate and the shapes they answer.
 * Shared by the server's routes and the typed client (src/client); it
 * imports nothing but zod and the event definitions, so the client ships
 * without server code.
 */
import { z } from 'zod';
import {
  CHANNELS,
  idSchema,
  labelSchema,
  LIMITS,
  prosodySchema,
  PURPOSES,
} from '../../core/events/index.js';

const isoTime = z.iso.datetime({ offset: true });

/** Phones per POST /dnc/import; larger registers go in several requests (the CLI does). */
export const MAX_DNC_PER_REQUEST = 10_000;

// ------------------------------------------------------------------ bodies

/** POST /dialog/turn: what the customer just said. */
export const turnRequest = z.strictObject({
  call_id: idSchema,
  customer_id: idSchema,
  /** The dialer's id of this turn: one of the call's last 16 asked again (a retry), the call's last decision comes back. */
  turn_id: idSchema.optional(),
  campaign_id: labelSchema.optional(),
  product_line: labelSchema.optional(),
  text: z.string().max(LIMITS.text),
  asr_confidence: z.number().min(0).max(1),
  prosody: prosodySchema.optional(),
});

/** POST /customer/update: CRM fields under their source names (mapped on arrival). */
export const customerUpdateRequest = z.strictObject({
  customer_id: idSchema,
  fields: z
    .record(z.string().max(LIMITS.label), z.unknown())
    .refine((f) => Object.keys(f).length <= LIMITS.crmFields, {
      message: `at most ${LIMITS.crmFields} fields`,
    }),
  event_id: z.string().min(8).max(LIMITS.eventId).optional(),
  ts: isoTime.optional(),
});

/** POST /compliance/bot-line: a line the bot is about to say. */
export const botLineRequest = z.strictObject({ text: z.string().max(LIMITS.text) });

/** GET /dialog/context?call_id= */
export const contextQuery = z.strictObject({ call_id: idSchema });

/** POST /dialer/next: how many customers to rank, for which campaign (its contact policy). */
export const nextRequest = z.strictObject({
  limit: z.number().int().min(1).max(1000).default(20),
  campaign_id: labelSchema.optional(),
});

/** POST /outreach/check: may this customer be reached on this channel now? */
export const checkRequest = z.strictObject({
  customer_id: idSchema,
  channel: z.enum(CHANNELS),
  /** Absent: the campaign's purpose. */
  purpose: z.enum(PURPOSES).optional(),
  /** Absent or unknown: the default campaign's policy. */
  campaign_id: labelSchema.optional(),
});

/** GET /consent/export?customer_id= */
export const consentExportQuery = z.strictObject({ customer_id: idSchema });

/** Longest a customer's consent link may live, in days. */
export const MAX_CONSENT_LINK_DAYS = 90;

/** POST /consent/links: a link for the customer's own consent page (absent ttl_days: the setting). */
export const consentLinkRequest = z.strictObject({
  customer_id: idSchema,
  ttl_days: z.number().int().min(1).max(MAX_CONSENT_LINK_DAYS).optional(),
});

/** POST /dnc/import: a do-not-call register's phones, with where and when it lists them. */
export const dncImportRequest = z.strictObject({
  source: labelSchema,
  listed_on: z.iso.date(),
  phones: z.array(z.string().min(1).max(64)).min(1).max(MAX_DNC_PER_REQUEST),
});

/** POST /dialer/attempt: what became of a dial, for pacing. */
export const attemptRequest = z.strictObject({
  outcome: z.enum(['connected', 'abandoned', 'unanswered']),
  ts: isoTime.optional(),
});

/** POST /dialog/pickup: an agent took a transferred call. */
export const pickupRequest = z.strictObject({ call_id: idSchema, agent_id: idSchema });

/** POST /agents/status */
export const agentStatusRequest = z.strictObject({ agent_id: idSchema, available: z.boolean() });

/** Largest batch POST /events takes in one request. */
export const MAX_EVENTS_PER_REQUEST = 10_000;

export type TurnRequest = z.input<typeof turnRequest>;
export type CustomerUpdateRequest = z.input<typeof customerUpdateRequest>;
export type AttemptRequest = z.input<typeof attemptRequest>;
export type PickupRequest = z.input<typeof pickupRequest>;
export type AgentStatusRequest = z.input<typeof agentStatusRequest>;

// --------------------------------------------------------------- responses

/** Facts the customer stated, remembered over the call. */
export interface Slots {
  budget?: string;
  timeline?: string;
  decisionMaker?: string;
  competitor?: string;
  objection?: 'price' | 'timing' | 'trust' | 'need' | 'competitor';
}

export interface TurnLine {
  speaker: 'customer' | 'bot' | 'agent';
  text: string;
}

/** What the agent desktop receives with a transferred call. */
export interface Handoff {
  callId: string;
  customerId: string;
  queue: string;
  reason: { trigger: string; description: string };
  state: string;
  language: 'zh' | 'en';
  summary: string;
  slots: Slots;
  profile: { tags: readonly string[]; tier?: string; industry?: string; intentScore: number };
  intentScore: number;
  lastTurns: TurnLine[];
  /** The agent chosen, or null when none was free. */
  agent: string | null;
  pickup_deadline: string | null;
}

/** POST /dialog/turn: the bot's next move. */
export interface TurnResponse {
  decision_id: string;
  call_id: string;
  action: 'say' | 'transfer' | 'end';
  text: string;
  state: string;
  script_id: string;
  variant: string;
  script_version: string;
  concise: boolean;
  reason: string;
  intent: string;
  intent_score: number;
  /** Set when the script's line was not compliant and was replaced. */
  blocked?: string[];
  transfer?: Handoff;
  follow_up?: { queue: string; agent: string | null; due_at: string };
  /**
   * The dialing rule the call breaks: with action `end` and reason
   * `refused: <rule>` when config/dialing.json enforces the rules, alone
   * (the call goes on) when it only flags them.
   */
  rule?: SkipReason;
  detail?: string;
}

/** GET /dialog/context: a call in progress. */
export interface DialogContext {
  call_id: string;
  customer_id: string;
  campaign_id: string | null;
  state: string;
  customer_turns: number;
  slots: Slots;
  intent_score: number;
  script_version: string;
  last_turns: TurnLine[];
  last_decision: TurnResponse | null;
  handoff: Handoff | null;
  fallback: string | null;
}

/** Why a customer may not be reached now: the first hard rule that failed. */
export type SkipReason =
  | 'do_not_call'
  | 'consent_refused'
  | 'consent_withdrawn'
  | 'no_consent'
  | 'frequency_cap'
  | 'channel_cap'
  | 'outside_window';

/** POST /outreach/check: 200 either way; reason and detail say why not. */
export interface CheckResponse {
  allowed: boolean;
  reason: SkipReason | null;
  detail: string | null;
}

/** POST /consent/links: the link to send (SMS, WeChat) and when it stops working. */
export interface ConsentLinkResponse {
  url: string;
  expires_at: string;
}

/** GET /consent/export: the ledger now and every change with its proof, for an auditor. */
export interface ConsentExport {
  customer_id: string;
  exported_at: string;
  state: {
    channel: string;
    purpose: string;
    state: 'granted' | 'refused' | 'withdrawn' | 'unknown';
    /** When the deciding change was made, and its event. */
    since: string | null;
    event_id: string | null;
  }[];
  /** Newest first. */
  changes: {
    event_id: string;
    at: string;
    scope: string;
    /** null: every purpose. */
    purpose: string | null;
    granted: boolean;
    source: string | null;
    call_id: string | null;
    evidence_event_id: string | null;
    cue: string | null;
    /** The words that carried it (opened from the sealed store). */
    text: string | null;
  }[];
}

/** POST /dnc/import */
export interface DncImportResponse {
  /** New on the register. */
  imported: number;
  /** Listed already (the earlier listing is kept). */
  already: number;
  /** Not a phone number, by index. */
  invalid: number[];
}

/** POST /dialer/next: whom to call now, best first. */
export interface NextResponse {
  next: {
    customerId: string;
    score: number;
    pAnswer: number;
    intentScore: number;
    /** callback: the customer's callback is due (these come first); score: ranked by score. */
    reason: 'callback' | 'score';
    /** The time promised (ISO 8601), when reason is callback. */
    callback_at?: string;
  }[];
  /** Candidates left out, by the first rule they failed (exact counts). */
  skipped: Record<SkipReason, number>;
  /** Who was left out and why: at most 100, by customer id. */
  skips: { customer_id: string; reason: SkipReason; detail?: string }[];
  /** Eligible customers left for a better hour today (dialing.json `deferBelow`). */
  deferred: number;
  pacingRatio: number;
}

/** POST /events: invalid events are dead-lettered and named by their index. */
export interface EventsResponse {
  accepted: number;
  rejected: { index: number; reason: string }[];
}

/** POST /customer/update */
export interface CustomerUpdateResponse {
  event_id: string;
  mapped: string[];
  unmapped: string[];
  errors: { field: string; reason: string }[];
}

/** POST /compliance/bot-line */
export interface BotLineResponse {
  allowed: boolean;
  hits: { rule: string; term: string; start: number; end: number }[];
}

/** POST /customers/:id/erase: what was erased where, what was kept (the consent proof) and why. */
export interface ErasureReport {
  customer_id: string;
  event_id: string;
  /**
   * Rows deleted per table; `search_index` counts turns taken out of the
   * transcript index, `audited_searches` the audited searches for their words
   * whose terms were replaced (the audit rows themselves stay).
   */
  erased: Record<string, number>;
  /** Records removed per file (exported corrections). */
  files: Record<string, number>;
  hot_words_rewritten: boolean;
  /** Kept as the law requires: consent changes, filed under `pseudonym`, their evidence text dropped. */
  kept: { consent_changes: number };
  pseudonym: string;
  requested_by: string;
  /** When the store applied it. */
  at: string;
}

/** Every refusal's body; `code` is the server's error code (or INTERNAL). */
export interface ErrorBody {
  error: { code: string; message: string };
}
