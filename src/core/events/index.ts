import { z } from 'zod';
import { illFormedPath, parseBoundedJson } from '../json.js';
import {
  callAbandoned,
  callAnswered,
  callbackScheduled,
  callEnded,
  callStarted,
  callTransferred,
  callUnanswered,
} from './v1/call.js';
import { consentChanged, customerErased, customerUpdated, webVisit } from './v1/customer.js';
import { correctionSubmitted, dialogTurn } from './v1/dialog.js';
import { touchDelivered, touchReplied, touchSent } from './v1/touch.js';
import { LIMITS } from './v1/common.js';

export { CALLBACK_SOURCES, OUTCOMES } from './v1/call.js';
export { LIMITS, id as idSchema, label as labelSchema } from './v1/common.js';
export { PERSONAL_FIELDS, type PersonalField } from './v1/customer.js';
export { prosody as prosodySchema, SPEAKERS } from './v1/dialog.js';
export {
  CHANNELS,
  INELIGIBLE_REASONS,
  PURPOSES,
  type Channel,
  type IneligibleReason,
  type Purpose,
} from './v1/touch.js';

/** The one definition of every event; TypeScript types are derived from it. */
export const eventSchema = z.discriminatedUnion('type', [
  callStarted,
  callAnswered,
  callUnanswered,
  callAbandoned,
  callTransferred,
  callEnded,
  callbackScheduled,
  dialogTurn,
  correctionSubmitted,
  customerUpdated,
  webVisit,
  consentChanged,
  touchSent,
  touchDelivered,
  touchReplied,
  customerErased,
]);

export type DialwiseEvent = z.infer<typeof eventSchema>;
export type EventType = DialwiseEvent['type'];
export type EventOf<T extends EventType> = Extract<DialwiseEvent, { type: T }>;
export type Outcome = EventOf<'call.ended'>['outcome'];

export const EVENT_TYPES = eventSchema.options.map((o) => o.shape.type.value) as EventType[];
export const CURRENT_SCHEMA_VERSION = 1;

/** Kafka topic family per event type; a new type does not compile until placed. */
export const FAMILY_OF: Record<EventType, 'calls' | 'dialog' | 'crm' | 'web'> = {
  'call.started': 'calls',
  'call.answered': 'calls',
  'call.unanswered': 'calls',
  'call.abandoned': 'calls',
  'call.transferred': 'calls',
  'call.ended': 'calls',
  // With the calls: a call.started to the same customer keeps it, and one topic keeps their order.
  'callback.scheduled': 'calls',
  'dialog.turn': 'dialog',
  'correction.submitted': 'dialog',
  'customer.updated': 'crm',
  'consent.changed': 'crm',
  'touch.sent': 'crm',
  'touch.delivered': 'crm',
  'touch.replied': 'crm',
  'customer.erased': 'crm',
  'web.visit': 'web',
};
export const FAMILIES = ['calls', 'dialog', 'crm', 'web'] as const;

export type ParseResult = { ok: true; event: DialwiseEvent } | { ok: false; reason: string };

/**
 * Decodes and validates one raw message; the reason names every bad field.
 * Every string must be well-formed UTF-16 and every field within LIMITS, so
 * an accepted event always fits the store.
 */
export function parseEvent(raw: string | unknown): ParseResult {
  let value: unknown = raw;
  if (typeof raw === 'string') {
    const parsed = parseBoundedJson(raw, LIMITS.depth);
    if (!parsed.ok) return parsed;
    value = parsed.value;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { ok: false, reason: 'event must be a JSON object' };
  }
  if (typeof raw !== 'string') {
    const bad = illFormedPath(value);
    if (bad) return { ok: false, reason: `${bad}: a lone UTF-16 surrogate or a __proto__ key` };
  }
  const v = value as Record<string, unknown>;
  if (v.schema_version !== undefined && v.schema_version !== CURRENT_SCHEMA_VERSION) {
    return {
      ok: false,
      reason: `unsupported schema_version ${JSON.stringify(v.schema_version)} (supported: ${CURRENT_SCHEMA_VERSION})`,
    };
  }
  if (typeof v.type !== 'string' || !(EVENT_TYPES as string[]).includes(v.type)) {
    return {
      ok: false,
      reason: `unknown event type ${JSON.stringify(v.type)} (known: ${EVENT_TYPES.join(', ')})`,
    };
  }
  const parsed = eventSchema.safeParse(value);
  if (parsed.success) return { ok: true, event: parsed.data };
  const problems = parsed.error.issues.map(
    (i) => `${i.path.length ? i.path.join('.') : '(event)'}: ${i.message}`,
  );
  return { ok: false, reason: `invalid ${v.type}: ${problems.join('; ')}` };
}
