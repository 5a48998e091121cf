import { z } from 'zod';
import type { FieldCipher } from '../../core/crypto.js';
import { redactPayload, redactText } from '../../core/personal.js';
import type { Refusal } from './duckdb-sink.js';
import { deadLetter, type DeadLetter, type SinkRows } from './rows.js';
import type { Store } from '../../core/store/store.js';

/**
 * Dead letters stored before payloads were redacted hold personal data in
 * the clear: seal each original and keep only its redacted form in view.
 * Runs at start; a few thousand at a time until none is left.
 */
export async function sealLegacyDeadLetters(store: Store, cipher: FieldCipher): Promise<number> {
  let sealed = 0;
  for (;;) {
    const rows = await store.query<{ id: bigint; payload: string }>(
      'SELECT id, payload FROM dead_letters WHERE payload_sealed IS NULL ORDER BY id LIMIT 2000',
    );
    if (rows.length === 0) return sealed;
    await store.transaction(async (tx) => {
      for (const r of rows)
        await tx.run('UPDATE dead_letters SET payload = ?, payload_sealed = ? WHERE id = ?', [
          redactPayload(r.payload),
          cipher.encrypt(r.payload),
          r.id,
        ]);
    });
    sealed += rows.length;
  }
}

/** A dead letter as admins list it: the payload shown redacted, never the sealed original. */
export const listedDeadLetter = z
  .object({
    id: z.number().int(),
    received_at: z.string(),
    source: z.string(),
    reason: z.string(),
    payload: z.string(),
  })
  .meta({ id: 'DeadLetter', description: 'An event refused, why, and its payload redacted.' });
export type ListedDeadLetter = z.infer<typeof listedDeadLetter>;

/** Dead letters newest first, `limit` of them with ids below `before` (the next page). */
export async function deadLetterPage(
  store: Store,
  page: { limit: number; before?: number | undefined },
): Promise<ListedDeadLetter[]> {
  const rows = await store.query<Omit<ListedDeadLetter, 'id'> & { id: bigint }>(
    `SELECT id, received_at::VARCHAR AS received_at, source, reason, payload
     FROM dead_letters WHERE id < ? ORDER BY dead_letters.id DESC LIMIT ?`,
    [page.before ?? Number.MAX_SAFE_INTEGER, page.limit],
  );
  return rows.map((r) => ({ ...r, id: Number(r.id) }));
}

/**
 * The sealed originals of these dead letters, for a replay: null for one
 * stored before originals were kept. Ids that do not exist are left out.
 */
export async function sealedOriginals(
  store: Store,
  ids: readonly number[],
): Promise<{ id: number; sealed: string | null }[]> {
  const rows = await store.query<{ id: bigint; payload_sealed: string | null }>(
    'SELECT id, payload_sealed FROM dead_letters WHERE id IN (SELECT unnest(?::BIGINT[]))',
    [`[${ids.join(',')}]`],
  );
  return rows.map((r) => ({ id: Number(r.id), sealed: r.payload_sealed }));
}

/** The commit without the refused rows, each of which becomes a dead letter. */
export function quarantine(
  rows: SinkRows,
  refused: Refusal[],
  cipher: FieldCipher,
  nowIso: string,
): SinkRows {
  const out: SinkRows = { ...rows, counters: { ...rows.counters } };
  const gone = new Set(refused.map((r) => r.row));
  const letters: DeadLetter[] = refused.map((r) => {
    // DuckDB quotes the input it choked on: redacted, and no longer than needed.
    const reason = `the store refused this ${r.table} row: ${redactText(r.reason).slice(0, 1_000)}`;
    // A dead letter the store refuses is kept only sealed (its text is what failed).
    if (r.table === 'deadLetters') {
      const d = r.row as DeadLetter;
      return { ...d, reason: `${d.reason}; ${reason}`, payload: '(kept sealed only)' };
    }
    return deadLetter(cipher, 'store', reason, JSON.stringify(r.row), nowIso);
  });
  // Every kind of row a merge writes: one left in would be refused again, forever.
  for (const table of new Set(refused.map((r) => r.table)))
    if (table !== 'deadLetters')
      (out[table] as object[]) = (rows[table] as object[]).filter((x) => !gone.has(x));
  out.deadLetters = [...rows.deadLetters.filter((x) => !gone.has(x)), ...letters];
  out.counters.dead_letters += refused.filter((r) => r.table !== 'deadLetters').length;
  return out;
}
