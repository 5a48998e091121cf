import type { FieldCipher } from '../core/crypto.js';
import type { Store } from '../core/store/store.js';

/**
 * Re-seals every stored name and phone that an older key sealed, and
 * recomputes phone look-up hashes with the current key, in one transaction.
 * Run it after putting a new DIALWISE_DATA_KEY in place (the old one moved to
 * DIALWISE_DATA_KEYS_PREVIOUS); afterwards the old key can be retired.
 */
export async function rotateKeys(
  store: Store,
  cipher: FieldCipher,
): Promise<{ profiles: number; resealed: number }> {
  const rows = await store.query<{
    customer_id: string;
    name_enc: string | null;
    phone_enc: string | null;
  }>(
    'SELECT customer_id, name_enc, phone_enc FROM profiles WHERE name_enc IS NOT NULL OR phone_enc IS NOT NULL',
  );
  const stale = (v: string | null) => v !== null && cipher.keyIdOf(v) !== cipher.keyId;
  const reseal = (v: string | null) => (v === null ? null : cipher.encrypt(cipher.decrypt(v)));
  const updates = rows
    .filter((r) => stale(r.name_enc) || stale(r.phone_enc))
    .map((r) => ({
      customer_id: r.customer_id,
      name_enc: reseal(r.name_enc),
      phone_enc: reseal(r.phone_enc),
      phone_hash: r.phone_enc === null ? null : cipher.lookupHash(cipher.decrypt(r.phone_enc)),
    }));
  await store.transaction(async (tx) => {
    await tx.run(
      'CREATE OR REPLACE TEMP TABLE resealed (customer_id VARCHAR, name_enc VARCHAR, phone_enc VARCHAR, phone_hash VARCHAR)',
    );
    await tx.append(
      'resealed',
      { customer_id: 'VARCHAR', name_enc: 'VARCHAR', phone_enc: 'VARCHAR', phone_hash: 'VARCHAR' },
      updates,
    );
    await tx.run(`UPDATE profiles SET name_enc = r.name_enc, phone_enc = r.phone_enc, phone_hash = r.phone_hash
      FROM resealed r WHERE profiles.customer_id = r.customer_id`);
    await tx.run('DROP TABLE resealed');
  });
  return { profiles: rows.length, resealed: updates.length };
}
