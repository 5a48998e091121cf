import type { FieldCipher } from '../../core/crypto.js';
import { redactPayload } from '../../core/personal.js';
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
