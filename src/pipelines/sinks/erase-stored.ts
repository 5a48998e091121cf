import type { FieldCipher } from '../../core/crypto.js';
import type { Store, Tx } from '../../core/store/store.js';
import type { ErasureRow } from './rows.js';

/**
 * Where a customer's rows are, and how the erasure finds them. Corrections
 * name a call, not a customer: they go first, while the calls are there.
 * audit_log stays (the legal record); KPI roll-ups are counts, not anyone's.
 */
const THEIRS: readonly [table: string, where: string][] = [
  [
    'corrections',
    `call_id IN (SELECT call_id FROM calls WHERE customer_id = $id
       UNION SELECT call_id FROM turns WHERE customer_id = $id)`,
  ],
  ['compliance_hits', 'customer_id = $id'],
  ['turns', 'customer_id = $id'],
  ['calls', 'customer_id = $id'],
  ['web_visits', 'customer_id = $id'],
  ['touches', 'customer_id = $id'],
  ['callbacks', 'customer_id = $id'],
  ['decisions', 'customer_id = $id'],
  ['dialing_violations', 'customer_id = $id'],
  ['kpi_customers', 'customer_id = $id'],
  ['profiles', 'customer_id = $id'],
];

/** Whether a JSON value holds `customer_id: id` at any depth (an event, a stored row). */
function holds(value: unknown, id: string, depth = 0): boolean {
  if (typeof value !== 'object' || value === null || depth > 16) return false;
  if (!Array.isArray(value) && (value as Record<string, unknown>).customer_id === id) return true;
  return Object.values(value).some((v) => holds(v, id, depth + 1));
}

/** Whether a dead letter's payload (JSON, or text that is not) names this customer. */
export function namesCustomer(payload: string, id: string): boolean {
  try {
    return holds(JSON.parse(payload), id);
  } catch {
    const quoted = JSON.stringify(id).replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    return new RegExp(`"customer_id"\\s*:\\s*${quoted}`).test(payload);
  }
}

/**
 * The customer's dead letters: found by the payload shown (redacted), and,
 * with a cipher, by the sealed original of any whose shown payload had
 * something redacted (a customer id that looks like a phone number).
 */
async function eraseDeadLetters(tx: Tx, id: string, cipher?: FieldCipher): Promise<number> {
  const rows = await tx.all<{ id: bigint; payload: string; payload_sealed: string | null }>(
    `SELECT id, payload, payload_sealed FROM dead_letters
     WHERE contains(payload, $quoted) OR contains(payload, '[redacted]')`,
    { quoted: JSON.stringify(id) },
  );
  const opened = (sealed: string | null) => {
    if (!cipher || sealed === null) return '';
    try {
      return cipher.decrypt(sealed);
    } catch {
      return ''; // sealed under a key no longer held: the shown payload decides
    }
  };
  const gone = rows
    .filter((r) => namesCustomer(r.payload, id) || namesCustomer(opened(r.payload_sealed), id))
    .map((r) => r.id);
  if (gone.length)
    await tx.run('DELETE FROM dead_letters WHERE id IN (SELECT unnest($ids::BIGINT[]))', {
      ids: `[${gone.join(',')}]`,
    });
  return gone.length;
}

/** What an erasure removed, by table, and what it kept (the consent proof, pseudonymised). */
export interface ErasureCounts {
  erased: Record<string, number>;
  kept: { consent_changes: number };
}

/**
 * Applies an erasure inside a commit's transaction: deletes the customer's
 * rows from every table that holds them, pseudonymises their consent proof
 * (the evidence text dropped, scope, grant, source, event ids, cue and time
 * kept) and records what it did in `erasures`. Applying it again (a
 * redelivered event) deletes what came since and keeps the first record.
 */
export async function eraseStored(
  tx: Tx,
  e: ErasureRow,
  nowIso: string,
  cipher?: FieldCipher,
): Promise<ErasureCounts> {
  const id = { id: e.customer_id };
  const erased: Record<string, number> = {};
  for (const [table, where] of THEIRS) {
    const [row] = await tx.all<{ n: number }>(
      `SELECT count(*)::INTEGER AS n FROM ${table} WHERE ${where}`,
      id,
    );
    erased[table] = row!.n;
    if (row!.n) await tx.run(`DELETE FROM ${table} WHERE ${where}`, id);
  }
  erased.dead_letters = await eraseDeadLetters(tx, e.customer_id, cipher);
  await tx.run(
    `UPDATE consent_changes SET customer_id = $pseudonym, text_enc = NULL WHERE customer_id = $id`,
    { ...id, pseudonym: e.pseudonym },
  );
  for (const c of e.consents)
    await tx.run(
      `INSERT INTO consent_changes (event_id, customer_id, scope, purpose, granted, source,
         call_id, evidence_event_id, cue, text_enc, ts)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, ?::TIMESTAMPTZ) ON CONFLICT DO NOTHING`,
      [c.event_id, e.pseudonym, c.scope, c.purpose, c.granted, c.source].concat([
        c.call_id,
        c.evidence_event_id,
        c.cue,
        c.ts,
      ]),
    );
  const [kept] = await tx.all<{ n: number }>(
    'SELECT count(*)::INTEGER AS n FROM consent_changes WHERE customer_id = ?',
    [e.pseudonym],
  );
  const counts = { erased, kept: { consent_changes: kept!.n } };
  await tx.run(
    `INSERT INTO erasures VALUES (?, ?, ?, ?::TIMESTAMPTZ, ?::TIMESTAMPTZ, ?::JSON, ?::JSON)
     ON CONFLICT DO NOTHING`,
    [
      e.event_id,
      e.pseudonym,
      e.requested_by,
      e.ts,
      nowIso,
      JSON.stringify(erased),
      JSON.stringify(counts.kept),
    ],
  );
  return counts;
}

/** An erasure as recorded once applied. */
export interface ErasureRecord extends ErasureCounts {
  event_id: string;
  pseudonym: string;
  requested_by: string;
  requested_at: string;
  erased_at: string;
}

/** The record of an applied erasure, or undefined while it is not applied (yet). */
export async function erasureRecord(
  store: Pick<Store, 'query'>,
  eventId: string,
): Promise<ErasureRecord | undefined> {
  const [row] = await store.query<{
    event_id: string;
    pseudonym: string;
    requested_by: string;
    requested_ms: number;
    erased_ms: number;
    erased: string;
    kept: string;
  }>(
    `SELECT event_id, pseudonym, requested_by, epoch_ms(requested_at)::DOUBLE AS requested_ms,
       epoch_ms(erased_at)::DOUBLE AS erased_ms, erased::VARCHAR AS erased, kept::VARCHAR AS kept
     FROM erasures WHERE event_id = ?`,
    [eventId],
  );
  if (!row) return undefined;
  const { requested_ms, erased_ms, ...rest } = row;
  return {
    ...rest,
    requested_at: new Date(requested_ms).toISOString(),
    erased_at: new Date(erased_ms).toISOString(),
    erased: JSON.parse(row.erased) as ErasureCounts['erased'],
    kept: JSON.parse(row.kept) as ErasureCounts['kept'],
  };
}
