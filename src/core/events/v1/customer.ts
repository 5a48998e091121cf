import { z } from 'zod';
import { envelope, label, LIMITS, notReserved } from './common.js';
import { CHANNELS, PURPOSES } from './touch.js';

const PHONE = /^\+?[0-9 ()-]{5,32}$/;

/**
 * Personal data: the pipeline seals these before anything is stored and
 * shows them only to compliance and admin (audited). A CRM column mapped to
 * one of them, or an unmapped column that looks like one, is treated alike.
 */
export const PERSONAL_FIELDS = [
  'name',
  'phone',
  'email',
  'id_number',
  'wechat',
  'address',
] as const;
export type PersonalField = (typeof PERSONAL_FIELDS)[number];

const text = (max: number) => z.string().min(1).max(max).nullable().optional();

/**
 * CRM fields arrive already mapped to canonical snake_case names; null clears
 * a field. Personal fields (PERSONAL_FIELDS) are sealed before they are stored.
 */
export const customerUpdated = z.strictObject({
  ...envelope,
  type: z.literal('customer.updated'),
  fields: z
    .strictObject({
      name: text(200),
      phone: z
        .string()
        .regex(PHONE, 'phone must be digits, spaces, +, - or ()')
        .nullable()
        .optional(),
      email: text(254),
      id_number: text(64),
      wechat: text(64),
      address: text(500),
      region: label.nullable().optional(),
      industry: label.nullable().optional(),
      company_size: label.nullable().optional(),
      customer_tier: label.nullable().optional(),
      timezone: label.nullable().optional(),
    })
    .catchall(
      z.union([z.string().max(LIMITS.crmValue), z.number().finite(), z.boolean(), z.null()]),
    )
    .refine((f) => Object.keys(f).length <= LIMITS.crmFields, {
      message: `at most ${LIMITS.crmFields} fields`,
    }),
  /** Source fields no mapping knew, kept aside as received. */
  unmapped: z
    .record(z.string().max(LIMITS.label), z.unknown())
    .refine((u) => JSON.stringify(u).length <= LIMITS.unmappedBytes, {
      message: `unmapped fields are at most ${LIMITS.unmappedBytes} characters of JSON`,
    })
    .optional(),
});

export const webVisit = z.strictObject({
  ...envelope,
  type: z.literal('web.visit'),
  page: z.string().min(1).max(LIMITS.url).refine(notReserved, 'is a reserved name'),
  product: label.optional(),
  /** Seconds spent on the page, when the site measures it. */
  duration_s: z.number().min(0).max(86_400).optional(),
  /** Where the visit came from: a link in an email, a WeChat or SMS message, an ad, a search. */
  source: z.enum(['email', 'wechat', 'sms', 'ad', 'search', 'direct']).optional(),
});

/** Where a consent change came from, and what proves it. */
export const CONSENT_SOURCES = [
  'call_turn',
  'agent',
  'api',
  'web_form',
  'sms_reply',
  'wechat_reply',
  'email_reply',
  'unsubscribe_link',
  'customer_page',
  'crm_import',
] as const;
export type ConsentSource = (typeof CONSENT_SOURCES)[number];

/**
 * A grant or refusal of contact on a channel (`all`: every channel) for a
 * purpose (absent: every purpose). The consent ledger keeps each with its
 * proof; whether a refusal withdraws an earlier grant follows from the
 * ledger, not from the event.
 */
export const consentChanged = z.strictObject({
  ...envelope,
  type: z.literal('consent.changed'),
  scope: z.enum([...CHANNELS, 'all']),
  purpose: z.enum(PURPOSES).optional(),
  granted: z.boolean(),
  /** The proof: the turn or message that carried it. Its text is personal data, sealed at rest. */
  evidence: z
    .strictObject({
      source: z.enum(CONSENT_SOURCES),
      call_id: z.string().min(1).max(LIMITS.id).optional(),
      event_id: z.string().min(1).max(LIMITS.eventId).optional(),
      /** The phrase that was heard as the change ("别再打了"). */
      cue: z.string().min(1).max(LIMITS.label).optional(),
      text: z.string().min(1).max(LIMITS.text).optional(),
    })
    .optional(),
});

/**
 * A request to erase the customer (PIPL art. 47, GDPR art. 17): every
 * process that holds their data drops it, the store deletes it, and only the
 * consent proof is kept, pseudonymised. The envelope's customer_id names them.
 */
export const customerErased = z.strictObject({
  ...envelope,
  type: z.literal('customer.erased'),
  /** Who asked (an API key's name, "cli"): the audit trail's principal. */
  requested_by: label,
});
