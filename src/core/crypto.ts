import { createCipheriv, createDecipheriv, createHmac, randomBytes } from 'node:crypto';
import { DialwiseError } from './errors.js';

/**
 * Field encryption for personal data at rest: AES-256-GCM with a random
 * 96-bit IV per value. Stored form: `v1.<iv>.<tag>.<ciphertext>` (base64url).
 * `lookupHash` is a keyed HMAC, so equal phones can be found without
 * decrypting and without a plain hash that a dictionary would reverse.
 */
export interface FieldCipher {
  encrypt(plain: string): string;
  decrypt(sealed: string): string;
  lookupHash(value: string): string;
}

export function createFieldCipher(keyBase64: string): FieldCipher {
  const key = Buffer.from(keyBase64, 'base64');
  if (key.length !== 32) {
    throw new DialwiseError(
      'CONFIG_INVALID',
      'data key must be 32 bytes (base64 of 32 random bytes)',
    );
  }
  const macKey = createHmac('sha256', key).update('dialwise lookup-hash v1').digest();
  return {
    encrypt(plain) {
      const iv = randomBytes(12);
      const c = createCipheriv('aes-256-gcm', key, iv);
      const ct = Buffer.concat([c.update(plain, 'utf8'), c.final()]);
      return ['v1', iv, c.getAuthTag(), ct]
        .map((p) => (typeof p === 'string' ? p : p.toString('base64url')))
        .join('.');
    },
    decrypt(sealed) {
      const [v, iv, tag, ct] = sealed.split('.');
      if (v !== 'v1' || !iv || !tag || ct === undefined) {
        throw new DialwiseError('BAD_REQUEST', 'not a sealed value');
      }
      const d = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
      d.setAuthTag(Buffer.from(tag, 'base64url'));
      return Buffer.concat([d.update(Buffer.from(ct, 'base64url')), d.final()]).toString('utf8');
    },
    lookupHash(value) {
      return createHmac('sha256', macKey).update(normalisePhone(value)).digest('base64url');
    },
  };
}

/** Digits only (a leading + kept), so "+86 138-0000" and "+861380000" match. */
export const normalisePhone = (phone: string): string => phone.replace(/(?!^\+)[^0-9]/g, '');
