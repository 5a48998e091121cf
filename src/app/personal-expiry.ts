/**
 * The retention of personal fields: a customer not heard from for the
 * `personal` period (config/retention.json) loses name, phone and every
 * other personal field, their words and history kept. The profiles live in
 * the enricher, so the change goes through the pipeline like any other — a
 * `customer.updated` that sets each personal field to null — and reaches
 * every process; the sealed columns are then stored empty.
 */
import { PERSONAL_FIELDS, parseEvent, type DialwiseEvent } from '../core/events/index.js';
import type { FieldCipher } from '../core/crypto.js';
import type { Store } from '../core/store/store.js';

/** Customers cleared per run at most; the next day's run takes the rest. */
const PER_RUN = 5_000;

export async function expirePersonal(deps: {
  store: Store;
  cipher: FieldCipher;
  submit: (valid: DialwiseEvent[], invalid: string[]) => Promise<void>;
  cutoffIso: string;
  nowIso: string;
}): Promise<number> {
  const rows = await deps.store.query<{ customer_id: string; personal_enc: string | null }>(
    `SELECT customer_id, personal_enc FROM profiles
     WHERE (name_enc IS NOT NULL OR phone_enc IS NOT NULL OR personal_enc IS NOT NULL)
       AND json_extract_string(state, '$.last_event_at')::TIMESTAMPTZ < ?::TIMESTAMPTZ
     ORDER BY customer_id LIMIT ${PER_RUN}`,
    [deps.cutoffIso],
  );
  const day = deps.nowIso.slice(0, 10);
  const events = rows.map((r) => {
    const others = r.personal_enc
      ? Object.keys(JSON.parse(deps.cipher.decrypt(r.personal_enc)) as object)
      : [];
    const fields = Object.fromEntries([...PERSONAL_FIELDS, ...others].map((k) => [k, null]));
    const parsed = parseEvent({
      event_id: `retention:${day}:${r.customer_id}`.slice(0, 128),
      type: 'customer.updated',
      ts: deps.nowIso,
      schema_version: 1,
      customer_id: r.customer_id,
      fields,
    });
    if (!parsed.ok) throw new Error(`personal expiry: ${parsed.reason}`);
    return parsed.event;
  });
  for (let i = 0; i < events.length; i += 1_000) await deps.submit(events.slice(i, i + 1_000), []);
  return events.length;
}
