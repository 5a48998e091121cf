import type { CallbackRow, ConsentRow, TouchRow } from '../../core/store/migrations.js';
import type { EventOf } from '../../core/events/index.js';
import type { FieldCipher } from '../../core/crypto.js';
import { redactPayload } from '../../core/personal.js';
import {
  type ComplianceRow,
  type EnrichedTurn,
  type Changes,
  newProfile,
  upgradeProfile,
  type CallState,
  type PendingErasure,
  type Profile,
  type TouchEvent,
} from '../enrich/index.js';

/** A profile as stored and published: personal data sealed, the rest as JSON. */
export interface ProfileRow {
  customer_id: string;
  state: string;
  name_enc: string | null;
  phone_enc: string | null;
  phone_hash: string | null;
  /** Sealed JSON of `Profile.personal` (null when empty). */
  personal_enc: string | null;
  intent_score: number;
  tags: string;
  updated_at: string;
}

/**
 * An input the pipeline could not take. `payload` is shown to admins with
 * personal data redacted; the original is kept sealed for a replay.
 */
export interface DeadLetter {
  source: string;
  reason: string;
  payload: string;
  payload_sealed: string | null;
  received_at: string;
}

/** Longest redacted payload kept in the clear (the sealed original is whole). */
const SHOWN_PAYLOAD = 16_384;

/**
 * A dead letter for `raw`: redacted for display, the original sealed (not
 * kept without a cipher: rows the store derived, not what a sender sent).
 */
export function deadLetter(
  cipher: FieldCipher | undefined,
  source: string,
  reason: string,
  raw: string,
  receivedAt: string,
): DeadLetter {
  const shown = redactPayload(
    raw.length > 4 * SHOWN_PAYLOAD ? raw.slice(0, 4 * SHOWN_PAYLOAD) : raw,
  );
  return {
    source,
    reason,
    payload: shown.length > SHOWN_PAYLOAD ? `${shown.slice(0, SHOWN_PAYLOAD)}…(truncated)` : shown,
    payload_sealed: cipher ? cipher.encrypt(raw) : null,
    received_at: receivedAt,
  };
}

/** A consent change as stored: the evidence's text sealed. */
export function consentRow(e: EventOf<'consent.changed'>, cipher: FieldCipher): ConsentRow {
  const ev = e.evidence;
  return {
    event_id: e.event_id,
    customer_id: e.customer_id,
    scope: e.scope,
    purpose: e.purpose ?? null,
    granted: e.granted,
    source: ev?.source ?? null,
    call_id: ev?.call_id ?? null,
    evidence_event_id: ev?.event_id ?? null,
    cue: ev?.cue ?? null,
    text_enc: ev?.text ? cipher.encrypt(ev.text) : null,
    ts: e.ts,
  };
}

/** A touch as stored: a reply's text sealed. */
export function touchRow(e: TouchEvent, cipher: FieldCipher): TouchRow {
  return {
    event_id: e.event_id,
    kind: e.type === 'touch.sent' ? 'sent' : e.type === 'touch.delivered' ? 'delivered' : 'replied',
    touch_id: e.touch_id,
    customer_id: e.customer_id,
    channel: e.channel,
    campaign_id: e.type === 'touch.sent' ? (e.campaign_id ?? null) : null,
    purpose: e.type === 'touch.sent' ? (e.purpose ?? 'marketing') : null,
    delivered: e.type === 'touch.delivered' ? (e.delivered ?? true) : null,
    text_enc: e.type === 'touch.replied' ? cipher.encrypt(e.text) : null,
    ts: e.ts,
  };
}

/**
 * An erasure as the sink applies it: the customer's rows go, their consent
 * proof stays under `pseudonym` (the evidence text dropped), including the
 * changes of this commit that came before the erasure (`consents`, already
 * pseudonymised).
 */
export interface ErasureRow {
  event_id: string;
  customer_id: string;
  pseudonym: string;
  requested_by: string;
  ts: string;
  consents: ConsentRow[];
}

export function erasureRow(e: PendingErasure, cipher: FieldCipher): ErasureRow {
  const pseudonym = cipher.pseudonym(e.event.customer_id);
  return {
    event_id: e.event.event_id,
    customer_id: e.event.customer_id,
    pseudonym,
    requested_by: e.event.requested_by,
    ts: e.event.ts,
    consents: e.consents.map((c) => ({
      ...consentRow(c, cipher),
      customer_id: pseudonym,
      text_enc: null,
    })),
  };
}

/** What one commit writes: plain rows, whoever produced them (pipeline or loader). */
export interface SinkRows {
  calls: CallState[];
  turns: EnrichedTurn[];
  hits: ComplianceRow[];
  visits: EventOf<'web.visit'>[];
  corrections: EventOf<'correction.submitted'>[];
  consents: ConsentRow[];
  touches: TouchRow[];
  /** One row per callback (mergeCallbacks), its latest state. */
  callbacks: CallbackRow[];
  profiles: ProfileRow[];
  deadLetters: DeadLetter[];
  /** Applied first, before the other rows (which all came after them). */
  erasures: ErasureRow[];
  counters: { accepted: number; duplicates: number; late: number; dead_letters: number };
}

export const emptyRows = (): SinkRows => ({
  calls: [],
  turns: [],
  hits: [],
  visits: [],
  corrections: [],
  consents: [],
  touches: [],
  callbacks: [],
  profiles: [],
  deadLetters: [],
  erasures: [],
  counters: { accepted: 0, duplicates: 0, late: 0, dead_letters: 0 },
});

/**
 * Seals name, phone and personal fields, re-encrypting only when they
 * changed: a profile is saved at every commit that touches it, its personal
 * data rarely changes. Held by the profile object: a profile that leaves
 * memory (dropped past the bound, erased) takes its entry with it.
 */
export class SealCache {
  private readonly sealed = new WeakMap<
    Profile,
    { name: string | null; phone: string | null; personal: string | null; row: Sealed }
  >();

  constructor(readonly cipher: FieldCipher) {}

  seal(p: Profile): Sealed {
    const personal = personalOf(p);
    const hit = this.sealed.get(p);
    if (hit && hit.name === p.name && hit.phone === p.phone && hit.personal === personal)
      return hit.row;
    const row = {
      name_enc: p.name === null ? null : this.cipher.encrypt(p.name),
      phone_enc: p.phone === null ? null : this.cipher.encrypt(p.phone),
      phone_hash: p.phone === null ? null : this.cipher.lookupHash(p.phone),
      personal_enc: personal === null ? null : this.cipher.encrypt(personal),
    };
    this.sealed.set(p, { name: p.name, phone: p.phone, personal, row });
    return row;
  }

  /** A profile read back from its stored row: the row's sealed fields are what it holds. */
  stored(p: Profile, row: ProfileRow): void {
    const { name_enc, phone_enc, phone_hash, personal_enc } = row;
    const sealed = { name_enc, phone_enc, phone_hash, personal_enc };
    this.sealed.set(p, { name: p.name, phone: p.phone, personal: personalOf(p), row: sealed });
  }
}

const personalOf = (p: Profile) =>
  Object.keys(p.personal).length ? JSON.stringify(p.personal) : null;

type Sealed = Pick<ProfileRow, 'name_enc' | 'phone_enc' | 'phone_hash' | 'personal_enc'>;

/**
 * The dedupe window as base64 of its float64s: a third the size of the JSON
 * numbers and far cheaper to write and read, at every snapshot of every profile.
 */
const packIds = (ids: number[]): string =>
  Buffer.from(Float64Array.from(ids).buffer).toString('base64');
const unpackIds = (packed: string): number[] => {
  const bytes = Buffer.from(packed, 'base64');
  return Array.from(new Float64Array(bytes.buffer, bytes.byteOffset, bytes.length / 8));
};

export function profileRow(p: Profile, seals: SealCache, nowIso: string): ProfileRow {
  const { name, phone, personal, recent_ids, ...rest } = p;
  return {
    customer_id: p.customer_id,
    state: JSON.stringify({ ...rest, recent_ids: packIds(recent_ids) }),
    ...seals.seal(p),
    intent_score: p.intent_score,
    tags: JSON.stringify(p.tags),
    updated_at: nowIso,
  };
}

export function restoreProfile(row: ProfileRow, cipher: FieldCipher): Profile {
  const state = JSON.parse(row.state) as Partial<Omit<Profile, 'recent_ids'>> & {
    recent_ids?: number[] | string;
  };
  // Older snapshots hold the ids as a JSON array.
  const ids = state.recent_ids;
  // Defaults first: a snapshot from an older version may lack newer fields.
  return upgradeProfile({
    ...newProfile(row.customer_id),
    ...state,
    recent_ids: typeof ids === 'string' ? unpackIds(ids) : (ids ?? []),
    name: row.name_enc === null ? null : cipher.decrypt(row.name_enc),
    phone: row.phone_enc === null ? null : cipher.decrypt(row.phone_enc),
    personal: row.personal_enc
      ? (JSON.parse(cipher.decrypt(row.personal_enc)) as Record<string, string>)
      : {},
  });
}

/** Freezes a batch's changes into rows (copies: the live state moves on). */
export function toRows(
  changes: Changes,
  dead: DeadLetter[],
  seals: SealCache,
  nowIso: string,
): SinkRows {
  return {
    // The voice baseline stays with the live call: it is state, not a column.
    calls: [...changes.calls.values()].map(({ voice, ...c }) => c),
    turns: changes.turns,
    hits: changes.hits,
    visits: changes.visits,
    corrections: changes.corrections,
    consents: changes.consents.map((e) => consentRow(e, seals.cipher)),
    touches: changes.touches.map((e) => touchRow(e, seals.cipher)),
    callbacks: [...changes.callbacks.values()],
    profiles: [...changes.profiles].map((p) => profileRow(p, seals, nowIso)),
    deadLetters: dead,
    erasures: changes.erasures.map((e) => erasureRow(e, seals.cipher)),
    counters: {
      accepted: changes.accepted,
      duplicates: changes.duplicates,
      late: changes.late,
      dead_letters: dead.length,
    },
  };
}

/**
 * One row per callback for the upsert (a statement takes no key twice), from
 * several commits' rows in order (the loader's batch): kept or missed once
 * is kept or missed for good.
 */
export function mergeCallbacks(rows: readonly CallbackRow[]): CallbackRow[] {
  const byId = new Map<string, CallbackRow>();
  for (const r of rows) {
    const prev = byId.get(r.event_id);
    byId.set(
      r.event_id,
      prev
        ? {
            ...r,
            kept_at: prev.kept_at ?? r.kept_at,
            kept_by: prev.kept_by ?? r.kept_by,
            missed: prev.missed || r.missed,
          }
        : r,
    );
  }
  return [...byId.values()];
}
