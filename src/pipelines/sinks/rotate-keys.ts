import type { FieldCipher } from '../../core/crypto.js';
import type { Columns, Store, Tx } from '../../core/store/store.js';

/**
 * Re-seals every stored value that an older key sealed — names, phones, the
 * other personal fields of each profile, the originals of dead letters, the
 * utterances that prove a consent change, replies to messages, the
 * do-not-call register's phones (hashed anew) — and
 * recomputes phone look-up hashes with the current key, in one transaction.
 * Run it after putting a new DIALWISE_DATA_KEY in place (the old one moved to
 * DIALWISE_DATA_KEYS_PREVIOUS); afterwards the old key can be retired.
 */
const DNC_COLUMNS = {
  phone_hash: 'VARCHAR',
  phone_enc: 'VARCHAR',
  source: 'VARCHAR',
  listed_on: 'VARCHAR',
  imported_at: 'VARCHAR',
} as const;

/** The do-not-call register sealed and hashed with the current key, like the profiles' phones. */
async function rehashedRegister(store: Store, cipher: FieldCipher) {
  const rows = await store.query<{
    phone_enc: string;
    source: string;
    listed_on: string;
    imported_at: string;
  }>('SELECT phone_enc, source, listed_on, imported_at FROM dnc_register');
  return rows.map((r) => {
    const phone = cipher.decrypt(r.phone_enc);
    return { ...r, phone_hash: cipher.lookupHash(phone), phone_enc: cipher.encrypt(phone) };
  });
}

export async function rotateKeys(
  store: Store,
  cipher: FieldCipher,
): Promise<
  Record<
    'profiles' | 'resealed' | 'deadLetters' | 'consents' | 'replies' | 'dncRegister' | 'recordings',
    number
  >
> {
  const rows = await store.query<{
    customer_id: string;
    name_enc: string | null;
    phone_enc: string | null;
    personal_enc: string | null;
  }>(
    `SELECT customer_id, name_enc, phone_enc, personal_enc FROM profiles
     WHERE name_enc IS NOT NULL OR phone_enc IS NOT NULL OR personal_enc IS NOT NULL`,
  );
  const stale = (v: string | null) => v !== null && cipher.keyIdOf(v) !== cipher.keyId;
  const reseal = (v: string | null) => (v === null ? null : cipher.encrypt(cipher.decrypt(v)));
  const updates = rows
    .filter((r) => stale(r.name_enc) || stale(r.phone_enc) || stale(r.personal_enc))
    .map((r) => ({
      customer_id: r.customer_id,
      name_enc: reseal(r.name_enc),
      phone_enc: reseal(r.phone_enc),
      phone_hash: r.phone_enc === null ? null : cipher.lookupHash(cipher.decrypt(r.phone_enc)),
      personal_enc: reseal(r.personal_enc),
    }));
  // The sealed column of a table, each value under an old key re-sealed, by the table's key.
  const sealedColumn = async (table: string, key: string, column: string) =>
    (
      await store.query<Record<string, string>>(
        `SELECT ${key}, ${column} FROM ${table} WHERE ${column} IS NOT NULL`,
      )
    )
      .filter((r) => stale(r[column]!))
      .map((r) => ({ [key]: r[key], [column]: reseal(r[column]!) }));
  const letters = await sealedColumn('dead_letters', 'id', 'payload_sealed');
  const consents = await sealedColumn('consent_changes', 'event_id', 'text_enc');
  const register = await rehashedRegister(store, cipher);
  const replies = await sealedColumn('touches', 'event_id', 'text_enc');
  // A recording's own key, sealed by the data key: re-sealing it is the whole rotation (the audio stays).
  const recordingKeys = await sealedColumn('recordings', 'call_id', 'key_enc');
  await store.transaction(async (tx) => {
    await tx.run(
      'CREATE OR REPLACE TEMP TABLE resealed (customer_id VARCHAR, name_enc VARCHAR, phone_enc VARCHAR, phone_hash VARCHAR, personal_enc VARCHAR)',
    );
    await tx.append(
      'resealed',
      {
        customer_id: 'VARCHAR',
        name_enc: 'VARCHAR',
        phone_enc: 'VARCHAR',
        phone_hash: 'VARCHAR',
        personal_enc: 'VARCHAR',
      },
      updates,
    );
    await tx.run(`UPDATE profiles SET name_enc = r.name_enc, phone_enc = r.phone_enc,
        phone_hash = r.phone_hash, personal_enc = r.personal_enc
      FROM resealed r WHERE profiles.customer_id = r.customer_id`);
    await tx.run('DROP TABLE resealed');
    await resealColumn(tx, 'dead_letters', { id: 'BIGINT' }, 'payload_sealed', letters);
    await resealColumn(tx, 'consent_changes', { event_id: 'VARCHAR' }, 'text_enc', consents);
    await resealColumn(tx, 'touches', { event_id: 'VARCHAR' }, 'text_enc', replies);
    await resealColumn(tx, 'recordings', { call_id: 'VARCHAR' }, 'key_enc', recordingKeys);
    await tx.run('DELETE FROM dnc_register');
    await tx.append('dnc_register', DNC_COLUMNS, register);
  });
  return {
    profiles: rows.length,
    resealed: updates.length,
    deadLetters: letters.length,
    consents: consents.length,
    replies: replies.length,
    recordings: recordingKeys.length,
    dncRegister: register.length,
  };
}

/** Writes re-sealed values of one column back, matched on the table's key column. */
async function resealColumn(
  tx: Tx,
  table: string,
  key: Columns,
  column: string,
  rows: readonly object[],
): Promise<void> {
  const [id] = Object.keys(key);
  const temp = `resealed_${table}`;
  await tx.run(`CREATE OR REPLACE TEMP TABLE ${temp} (${id} ${key[id!]}, ${column} VARCHAR)`);
  await tx.append(temp, { ...key, [column]: 'VARCHAR' }, rows);
  await tx.run(
    `UPDATE ${table} SET ${column} = r.${column} FROM ${temp} r WHERE ${table}.${id} = r.${id}`,
  );
  await tx.run(`DROP TABLE ${temp}`);
}
