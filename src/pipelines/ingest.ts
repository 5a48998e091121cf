import type { FieldCipher } from '../core/crypto.js';
import { parseEvent, type DialwiseEvent } from '../core/events/index.js';
import { insertRows, type Store, type Tx } from '../core/store/store.js';
import { foldFacts, type Facts } from './facts.js';

export interface RawRecord {
  /** Where it came from (topic, "http", a file): kept with dead letters. */
  source: string;
  value: string;
}

export interface IngestResult {
  accepted: number;
  duplicates: number;
  deadLetters: number;
}

export interface Ingestor {
  ingest(records: RawRecord[]): Promise<IngestResult>;
  readonly totals: IngestResult;
}

/**
 * validate → dead-letter → dedupe → facts and profiles, all of a batch in one
 * DuckDB transaction: the event ledger's primary key makes a replayed batch
 * (after a crash, before the offset commit) change nothing.
 */
export function createIngestor(store: Store, cipher: FieldCipher): Ingestor {
  const totals: IngestResult = { accepted: 0, duplicates: 0, deadLetters: 0 };
  return {
    totals,
    async ingest(records) {
      const valid: DialwiseEvent[] = [];
      const dead: { source: string; reason: string; payload: string }[] = [];
      const seen = new Set<string>();
      let duplicates = 0;
      for (const r of records) {
        const parsed = parseEvent(r.value);
        if (!parsed.ok) dead.push({ source: r.source, reason: parsed.reason, payload: r.value });
        else if (seen.has(parsed.event.event_id)) duplicates += 1;
        else {
          seen.add(parsed.event.event_id);
          valid.push(parsed.event);
        }
      }
      const result = await store.transaction(async (tx) => {
        const now = new Date().toISOString();
        await insertRows(
          tx,
          'dead_letters',
          { received_at: 'TIMESTAMPTZ', source: 'VARCHAR', reason: 'VARCHAR', payload: 'VARCHAR' },
          dead.map((d) => ({ ...d, received_at: now })),
        );
        const fresh = await insertRows<{ event_id: string }>(
          tx,
          'events',
          {
            event_id: 'VARCHAR',
            type: 'VARCHAR',
            ts: 'TIMESTAMPTZ',
            customer_id: 'VARCHAR',
            received_at: 'TIMESTAMPTZ',
          },
          valid.map((e) => ({
            event_id: e.event_id,
            type: e.type,
            ts: e.ts,
            customer_id: e.customer_id,
            received_at: now,
          })),
          'ON CONFLICT DO NOTHING RETURNING event_id',
        );
        const freshIds = new Set(fresh.map((r) => r.event_id));
        await writeFacts(tx, foldFacts(valid.filter((e) => freshIds.has(e.event_id))), cipher, now);
        return {
          accepted: freshIds.size,
          duplicates: duplicates + valid.length - freshIds.size,
          deadLetters: dead.length,
        };
      });
      totals.accepted += result.accepted;
      totals.duplicates += result.duplicates;
      totals.deadLetters += result.deadLetters;
      return result;
    },
  };
}

const CALL_COLUMNS = {
  call_id: 'VARCHAR',
  customer_id: 'VARCHAR',
  campaign_id: 'VARCHAR',
  script_id: 'VARCHAR',
  script_version: 'VARCHAR',
  handled_by: 'VARCHAR',
  region: 'VARCHAR',
  product_line: 'VARCHAR',
  started_at: 'TIMESTAMPTZ',
  answered: 'BOOLEAN',
  unanswered_reason: 'VARCHAR',
  transferred_queue: 'VARCHAR',
  outcome: 'VARCHAR',
  duration_s: 'DOUBLE',
  ended_at: 'TIMESTAMPTZ',
} as const;

// Events of one call may arrive in any order and in different batches: each
// column keeps the value it already had unless this batch knows it.
const CALL_UPSERT = `ON CONFLICT (call_id) DO UPDATE SET ${Object.keys(CALL_COLUMNS)
  .filter((c) => c !== 'call_id')
  .map((c) => `${c} = COALESCE(excluded.${c}, calls.${c})`)
  .join(', ')}`;

const PROFILE_UPSERT = `ON CONFLICT (customer_id) DO UPDATE SET
  calls = customers.calls + excluded.calls,
  answered = customers.answered + excluded.answered,
  conversions = customers.conversions + excluded.conversions,
  web_visits = customers.web_visits + excluded.web_visits,
  last_call_at = greatest(customers.last_call_at, excluded.last_call_at),
  last_visit_at = greatest(customers.last_visit_at, excluded.last_visit_at),
  attributes = json_merge_patch(COALESCE(customers.attributes, '{}'), excluded.attributes),
  consent = json_merge_patch(COALESCE(customers.consent, '{}'), excluded.consent),
  name_enc = COALESCE(excluded.name_enc, customers.name_enc),
  phone_enc = COALESCE(excluded.phone_enc, customers.phone_enc),
  phone_hash = COALESCE(excluded.phone_hash, customers.phone_hash),
  updated_at = excluded.updated_at`;

async function writeFacts(tx: Tx, f: Facts, cipher: FieldCipher, now: string): Promise<void> {
  await insertRows(tx, 'calls', CALL_COLUMNS, [...f.calls.values()], CALL_UPSERT);
  await insertRows(
    tx,
    'turns',
    {
      event_id: 'VARCHAR',
      call_id: 'VARCHAR',
      customer_id: 'VARCHAR',
      turn: 'INTEGER',
      speaker: 'VARCHAR',
      text: 'VARCHAR',
      asr_confidence: 'DOUBLE',
      ts: 'TIMESTAMPTZ',
    },
    f.turns,
  );
  await insertRows(
    tx,
    'web_visits',
    {
      event_id: 'VARCHAR',
      customer_id: 'VARCHAR',
      page: 'VARCHAR',
      product: 'VARCHAR',
      ts: 'TIMESTAMPTZ',
    },
    f.visits,
  );
  await insertRows(
    tx,
    'corrections',
    {
      event_id: 'VARCHAR',
      call_id: 'VARCHAR',
      turn: 'INTEGER',
      corrected_text: 'VARCHAR',
      corrected_intent: 'VARCHAR',
      submitted_by: 'VARCHAR',
      ts: 'TIMESTAMPTZ',
    },
    f.corrections,
  );
  await insertRows(
    tx,
    'customers',
    {
      customer_id: 'VARCHAR',
      name_enc: 'VARCHAR',
      phone_enc: 'VARCHAR',
      phone_hash: 'VARCHAR',
      attributes: 'JSON',
      consent: 'JSON',
      calls: 'INTEGER',
      answered: 'INTEGER',
      conversions: 'INTEGER',
      web_visits: 'INTEGER',
      last_call_at: 'TIMESTAMPTZ',
      last_visit_at: 'TIMESTAMPTZ',
      updated_at: 'TIMESTAMPTZ',
    },
    [...f.profiles.values()].map(({ name, phone, attributes, consent, ...p }) => ({
      ...p,
      name_enc: name === null ? null : cipher.encrypt(name),
      phone_enc: phone === null ? null : cipher.encrypt(phone),
      phone_hash: phone === null ? null : cipher.lookupHash(phone),
      attributes: JSON.stringify(attributes),
      consent: JSON.stringify(consent),
      updated_at: now,
    })),
    PROFILE_UPSERT,
  );
}
