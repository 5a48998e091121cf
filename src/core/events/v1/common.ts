import { z } from 'zod';

/**
 * Bounds every field holds to what the store holds: ids and labels fit an
 * index, counters fit DuckDB's INTEGER, texts a spoken turn. An event past
 * them is refused at the edge (dead-lettered with the reason) and never
 * reaches a commit.
 */
export const LIMITS = {
  id: 64,
  eventId: 128,
  label: 128,
  text: 4000,
  url: 2048,
  crmValue: 1000,
  crmFields: 200,
  /** Slots one correction may fix. */
  slots: 16,
  /** JSON text of a customer.updated's unmapped fields. */
  unmappedBytes: 16_384,
  /** DuckDB INTEGER. */
  int32: 2_147_483_647,
  /** Nesting of an event's JSON (the deepest valid event nests 3). */
  depth: 16,
} as const;

/**
 * Names JavaScript objects resolve to their prototype: an id or name used as
 * a key (a profile's open calls by call_id, pages visited) must never be one,
 * or one event could rewrite Object.prototype for the whole process.
 */
export const RESERVED_KEYS: ReadonlySet<string> = new Set([
  '__proto__',
  'constructor',
  'prototype',
]);
export const notReserved = (s: string): boolean => !RESERVED_KEYS.has(s);
const reserved = { message: 'is a reserved name (__proto__, constructor, prototype)' };

/** A customer, call or agent id. */
export const id = z.string().min(1).max(LIMITS.id).refine(notReserved, reserved);
/** A short name: region, campaign, script, queue, intent. */
export const label = z.string().min(1).max(LIMITS.label).refine(notReserved, reserved);
/** A count or ordinal stored as INTEGER. */
export const int32 = z.number().int().nonnegative().max(LIMITS.int32);

/** Fields every event carries. `ts` is event time (ISO 8601 with offset). */
export const envelope = {
  event_id: z.string().min(8).max(LIMITS.eventId),
  ts: z.iso.datetime({ offset: true }),
  schema_version: z.literal(1),
  customer_id: id,
};

export const callRef = { call_id: id };
