import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { FieldCipher } from '../crypto.js';
import { DialwiseError } from '../errors.js';

const IV = 12;
const TAG = 16;

/**
 * Envelope encryption for a file: a random 256-bit key of its own seals the
 * bytes (AES-256-GCM, `iv | tag | ciphertext`), and the data key seals that
 * key (`keyEnc`, kept in the database: a key rotation re-seals 44 bytes, not
 * the file). `aad` binds the file to what it belongs to (a call id), so one
 * call's file cannot be passed off as another's.
 */
export function sealBlob(
  cipher: FieldCipher,
  plain: Uint8Array,
  aad: string,
): { keyEnc: string; blob: Buffer } {
  const key = randomBytes(32);
  const iv = randomBytes(IV);
  const c = createCipheriv('aes-256-gcm', key, iv);
  c.setAAD(Buffer.from(aad, 'utf8'));
  const ct = Buffer.concat([c.update(plain), c.final()]);
  return {
    keyEnc: cipher.encrypt(key.toString('base64')),
    blob: Buffer.concat([iv, c.getAuthTag(), ct]),
  };
}

export function openBlob(cipher: FieldCipher, keyEnc: string, blob: Buffer, aad: string): Buffer {
  if (blob.length < IV + TAG)
    throw new DialwiseError('STORE_FAILED', 'a sealed file is shorter than its header');
  const d = createDecipheriv(
    'aes-256-gcm',
    Buffer.from(cipher.decrypt(keyEnc), 'base64'),
    blob.subarray(0, IV),
  );
  d.setAAD(Buffer.from(aad, 'utf8'));
  d.setAuthTag(blob.subarray(IV, IV + TAG));
  try {
    return Buffer.concat([d.update(blob.subarray(IV + TAG)), d.final()]);
  } catch (err) {
    throw new DialwiseError('STORE_FAILED', 'a sealed file does not open: altered or misplaced', {
      cause: err,
    });
  }
}
