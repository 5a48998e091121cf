import type { EventOf } from '../core/events/index.js';
import type { FieldCipher } from '../core/crypto.js';
import type { ComplianceRow, EnrichedTurn, Changes } from './enricher.js';
import { newProfile, type CallState, type Profile } from './profile.js';

/** A profile as stored and published: personal data sealed, the rest as JSON. */
export interface ProfileRow {
  customer_id: string;
  state: string;
  name_enc: string | null;
  phone_enc: string | null;
  phone_hash: string | null;
  intent_score: number;
  tags: string;
  updated_at: string;
}

export interface DeadLetter {
  source: string;
  reason: string;
  payload: string;
  received_at: string;
}

/** What one commit writes: plain rows, whoever produced them (pipeline or loader). */
export interface SinkRows {
  calls: CallState[];
  turns: EnrichedTurn[];
  hits: ComplianceRow[];
  visits: EventOf<'web.visit'>[];
  corrections: EventOf<'correction.submitted'>[];
  profiles: ProfileRow[];
  deadLetters: DeadLetter[];
  counters: { accepted: number; duplicates: number; late: number; dead_letters: number };
}

export const emptyRows = (): SinkRows => ({
  calls: [],
  turns: [],
  hits: [],
  visits: [],
  corrections: [],
  profiles: [],
  deadLetters: [],
  counters: { accepted: 0, duplicates: 0, late: 0, dead_letters: 0 },
});

/**
 * Seals name and phone, re-encrypting only when they changed: a profile is
 * saved at every commit that touches it, its personal data rarely changes.
 */
export class SealCache {
  private readonly sealed = new Map<
    string,
    { name: string | null; phone: string | null; row: Sealed }
  >();

  constructor(readonly cipher: FieldCipher) {}

  seal(p: Profile): Sealed {
    const hit = this.sealed.get(p.customer_id);
    if (hit && hit.name === p.name && hit.phone === p.phone) return hit.row;
    const row = {
      name_enc: p.name === null ? null : this.cipher.encrypt(p.name),
      phone_enc: p.phone === null ? null : this.cipher.encrypt(p.phone),
      phone_hash: p.phone === null ? null : this.cipher.lookupHash(p.phone),
    };
    this.sealed.set(p.customer_id, { name: p.name, phone: p.phone, row });
    return row;
  }
}

type Sealed = Pick<ProfileRow, 'name_enc' | 'phone_enc' | 'phone_hash'>;

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
  const { name, phone, recent_ids, ...rest } = p;
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
  return {
    ...newProfile(row.customer_id),
    ...state,
    recent_ids: typeof ids === 'string' ? unpackIds(ids) : (ids ?? []),
    name: row.name_enc === null ? null : cipher.decrypt(row.name_enc),
    phone: row.phone_enc === null ? null : cipher.decrypt(row.phone_enc),
  };
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
    profiles: [...changes.profiles].map((p) => profileRow(p, seals, nowIso)),
    deadLetters: dead,
    counters: {
      accepted: changes.accepted,
      duplicates: changes.duplicates,
      late: changes.late,
      dead_letters: dead.length,
    },
  };
}
