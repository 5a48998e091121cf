/**
 * The REST API's contract for its clients (the dialer, the voice bot, the
 * CRM): the body schemas the routes validate and the shapes they answer.
 * Shared by the server's routes, the typed client (src/client) and the
 * OpenAPI document; it imports nothing but zod, the event definitions and
 * the error codes, so the client ships without server code.
 */
import { z } from 'zod';
import { ERROR_CODES } from '../../core/errors.js';
import {
  CHANNELS,
  idSchema,
  INELIGIBLE_REASONS,
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
// Each answer's schema carries an `id`: the OpenAPI document names it so.

const objections = ['price', 'timing', 'trust', 'need', 'competitor'] as const;

/** Facts the customer stated, remembered over the call. */
export const slots = z
  .object({
    budget: z.string().optional(),
    timeline: z.string().optional(),
    decisionMaker: z.string().optional(),
    competitor: z.string().optional(),
    objection: z.enum(objections).optional(),
  })
  .meta({ id: 'Slots', description: 'Facts the customer stated, remembered over the call.' });
export type Slots = z.infer<typeof slots>;

export const turnLine = z
  .object({ speaker: z.enum(['customer', 'bot', 'agent']), text: z.string() })
  .meta({ id: 'TurnLine' });
export type TurnLine = z.infer<typeof turnLine>;

/** Why a customer may not be reached now: the first hard rule that failed. */
export const skipReason = z
  .enum(INELIGIBLE_REASONS)
  .meta({ id: 'SkipReason', description: 'The first hard dialing rule that failed.' });
export type SkipReason = z.infer<typeof skipReason>;

const instant = z.string().meta({ format: 'date-time' });

/** What the agent desktop receives with a transferred call. */
export const handoff = z
  .object({
    callId: z.string(),
    customerId: z.string(),
    queue: z.string(),
    reason: z.object({ trigger: z.string(), description: z.string() }),
    state: z.string(),
    language: z.enum(['zh', 'en']),
    summary: z.string(),
    slots,
    profile: z.object({
      tags: z.array(z.string()).readonly(),
      tier: z.string().optional(),
      industry: z.string().optional(),
      intentScore: z.number(),
    }),
    intentScore: z.number(),
    lastTurns: z.array(turnLine),
    /** The agent chosen, or null when none was free. */
    agent: z.string().nullable(),
    pickup_deadline: instant.nullable(),
  })
  .meta({ id: 'Handoff', description: 'What the agent desktop receives with a transferred call.' });
export type Handoff = z.infer<typeof handoff>;

/** POST /dialog/turn: the bot's next move. */
export const turnResponse = z
  .object({
    decision_id: z.string(),
    call_id: z.string(),
    action: z.enum(['say', 'transfer', 'end']),
    text: z.string(),
    state: z.string(),
    script_id: z.string(),
    variant: z.string(),
    script_version: z.string(),
    concise: z.boolean(),
    reason: z.string(),
    intent: z.string(),
    intent_score: z.number(),
    /** Set when the script's line was not compliant and was replaced. */
    blocked: z.array(z.string()).optional(),
    transfer: handoff.optional(),
    follow_up: z
      .object({ queue: z.string(), agent: z.string().nullable(), due_at: instant })
      .optional(),
    /**
     * The dialing rule the call breaks: with action `end` and reason
     * `refused: <rule>` when config/dialing.json enforces the rules, alone
     * (the call goes on) when it only flags them.
     */
    rule: skipReason.optional(),
    detail: z.string().optional(),
    /** A line config/generation.json let generate: spoken (variant `generated`), or why the template was. */
    generation: z
      .object({
        spoken: z.boolean(),
        /** The fallback's cause: off_topic, timeout, failed or gate:<rule>. */
        cause: z.string().optional(),
        /** The knowledge base's facts the line was grounded in. */
        facts: z.array(z.string()).optional(),
        tokens: z.number().int(),
        ms: z.number(),
        cached: z.boolean().optional(),
      })
      .optional(),
  })
  .meta({ id: 'TurnResponse', description: "The bot's next move." });
export type TurnResponse = z.infer<typeof turnResponse>;

/** GET /dialog/context: a call in progress. */
export const dialogContext = z
  .object({
    call_id: z.string(),
    customer_id: z.string(),
    campaign_id: z.string().nullable(),
    state: z.string(),
    customer_turns: z.number().int(),
    slots,
    intent_score: z.number(),
    script_version: z.string(),
    last_turns: z.array(turnLine),
    last_decision: turnResponse.nullable(),
    handoff: handoff.nullable(),
    fallback: z.string().nullable(),
  })
  .meta({ id: 'DialogContext', description: 'A call in progress.' });
export type DialogContext = z.infer<typeof dialogContext>;

/** POST /outreach/check: 200 either way; reason and detail say why not. */
export const checkResponse = z
  .object({ allowed: z.boolean(), reason: skipReason.nullable(), detail: z.string().nullable() })
  .meta({ id: 'CheckResponse', description: '200 either way; reason and detail say why not.' });
export type CheckResponse = z.infer<typeof checkResponse>;

/** POST /consent/links: the link to send (SMS, WeChat) and when it stops working. */
export const consentLinkResponse = z
  .object({ url: z.string(), expires_at: instant })
  .meta({ id: 'ConsentLinkResponse' });
export type ConsentLinkResponse = z.infer<typeof consentLinkResponse>;

/** GET /consent/export: the ledger now and every change with its proof, for an auditor. */
export const consentExport = z
  .object({
    customer_id: z.string(),
    exported_at: instant,
    state: z.array(
      z.object({
        channel: z.string(),
        purpose: z.string(),
        state: z.enum(['granted', 'refused', 'withdrawn', 'unknown']),
        /** When the deciding change was made, and its event. */
        since: instant.nullable(),
        event_id: z.string().nullable(),
      }),
    ),
    /** Newest first. */
    changes: z.array(
      z.object({
        event_id: z.string(),
        at: instant,
        scope: z.string(),
        /** null: every purpose. */
        purpose: z.string().nullable(),
        granted: z.boolean(),
        source: z.string().nullable(),
        call_id: z.string().nullable(),
        evidence_event_id: z.string().nullable(),
        cue: z.string().nullable(),
        /** The words that carried it (opened from the sealed store). */
        text: z.string().nullable(),
      }),
    ),
  })
  .meta({
    id: 'ConsentExport',
    description: 'The consent ledger now and every change with its proof.',
  });
export type ConsentExport = z.infer<typeof consentExport>;

/** POST /dnc/import */
export const dncImportResponse = z
  .object({
    /** New on the register. */
    imported: z.number().int(),
    /** Listed already (the earlier listing is kept). */
    already: z.number().int(),
    /** Not a phone number, by index. */
    invalid: z.array(z.number().int()),
  })
  .meta({ id: 'DncImportResponse' });
export type DncImportResponse = z.infer<typeof dncImportResponse>;

/** POST /dialer/next: whom to call now, best first. */
export const nextResponse = z
  .object({
    next: z.array(
      z.object({
        customerId: z.string(),
        score: z.number(),
        pAnswer: z.number(),
        intentScore: z.number(),
        /** callback: the customer's callback is due (these come first); score: ranked by score. */
        reason: z.enum(['callback', 'score']),
        /** The time promised (ISO 8601), when reason is callback. */
        callback_at: instant.optional(),
      }),
    ),
    /** Candidates left out, by the first rule they failed (exact counts). */
    skipped: z.record(skipReason, z.number().int()),
    /** Who was left out and why: at most 100, by customer id. */
    skips: z.array(
      z.object({ customer_id: z.string(), reason: skipReason, detail: z.string().optional() }),
    ),
    /** Eligible customers left for a better hour today (dialing.json `deferBelow`). */
    deferred: z.number().int(),
    pacingRatio: z.number(),
  })
  .meta({ id: 'NextResponse', description: 'Whom to call now, best first.' });
export type NextResponse = z.infer<typeof nextResponse>;

/** POST /events: invalid events are dead-lettered and named by their index. */
export const eventsResponse = z
  .object({
    accepted: z.number().int(),
    rejected: z.array(z.object({ index: z.number().int(), reason: z.string() })),
  })
  .meta({ id: 'EventsResponse' });
export type EventsResponse = z.infer<typeof eventsResponse>;

/** POST /customer/update */
export const customerUpdateResponse = z
  .object({
    event_id: z.string(),
    mapped: z.array(z.string()),
    unmapped: z.array(z.string()),
    errors: z.array(z.object({ field: z.string(), reason: z.string() })),
  })
  .meta({ id: 'CustomerUpdateResponse' });
export type CustomerUpdateResponse = z.infer<typeof customerUpdateResponse>;

/** POST /compliance/bot-line */
export const botLineResponse = z
  .object({
    allowed: z.boolean(),
    hits: z.array(
      z.object({
        rule: z.string(),
        term: z.string(),
        start: z.number().int(),
        end: z.number().int(),
      }),
    ),
  })
  .meta({ id: 'BotLineResponse' });
export type BotLineResponse = z.infer<typeof botLineResponse>;

/** POST /customers/:id/erase: what was erased where, what was kept (the consent proof) and why. */
export const erasureReport = z
  .object({
    customer_id: z.string(),
    event_id: z.string(),
    /**
     * Rows deleted per table; `search_index` counts turns taken out of the
     * transcript index, `audited_searches` the audited searches for their words
     * whose terms were replaced (the audit rows themselves stay), `recordings`
     * the calls' recordings deleted with their sealed audio.
     */
    erased: z.record(z.string(), z.number().int()),
    /** Records removed per file (exported corrections). */
    files: z.record(z.string(), z.number().int()),
    hot_words_rewritten: z.boolean(),
    /** Kept as the law requires: consent changes, filed under `pseudonym`, their evidence text dropped. */
    kept: z.object({ consent_changes: z.number().int() }),
    pseudonym: z.string(),
    requested_by: z.string(),
    /** When the store applied it. */
    at: instant,
  })
  .meta({ id: 'ErasureReport' });
export type ErasureReport = z.infer<typeof erasureReport>;

/** Every refusal's body; `code` is the server's error code (or INTERNAL). */
export const errorBody = z
  .object({ error: z.object({ code: z.enum([...ERROR_CODES, 'INTERNAL']), message: z.string() }) })
  .meta({ id: 'Error', description: "Every refusal's body: a code to act on, a message to read." });
export type ErrorBody = z.infer<typeof errorBody>;
