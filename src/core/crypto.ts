import {
  createCipheriv,
  createDecipheriv,
  createHash,
  createHmac,
  createSecretKey,
  randomBytes,
} from 'node:crypto';
import { DialwiseError } from './errors.js';

/** Random 96-bit GCM nonces drawn from one buffer: one call into OpenSSL per 1,024 of them, not one each. */
const IV_BYTES = 12;
let ivPool = Buffer.alloc(0);
let ivAt = 0;
function nextIv(): Buffer {
  if (ivAt === ivPool.length) {
    ivPool = randomBytes(IV_BYTES * 1_024);
    ivAt = 0;
  }
  ivAt += IV_BYTES;
  return ivPool.subarray(ivAt - IV_BYTES, ivAt);
}

/**
 * Field encryption for personal data at rest: AES-256-GCM with a random
 * 96-bit IV per value. Stored form: `v1.<key id>.<iv>.<tag>.<ciphertext>`
 * (base64url). The key id names the key that sealed it, so after a rotation
 * old values still open with the previous keys while new ones use the
 * current key. `lookupHash` is a keyed HMAC (current key), so equal phones
 * can be found without decrypting and without a plain, reversible hash.
 */
export interface FieldCipher {
  readonly keyId: string;
  encrypt(plain: string): string;
  decrypt(sealed: string): string;
  lookupHash(value: string): string;
  /**
   * A keyed pseudonym for an identifier (an erased customer's id): the same
   * id gives the same pseudonym under the same key, and nobody without the
   * key can tell whose it is. Prefixed `erased:`, so it is never mistaken
   * for a live customer's id.
   */
  pseudonym(id: string): string;
  /** The id of the key that sealed a value. */
  keyIdOf(sealed: string): string;
  /**
   * Keys for another use (signing customers' links), one per data key:
   * HMAC-SHA256 of `label` under the current key first, then each previous
   * one, so what was signed before a rotation still verifies.
   */
  derivedKeys(label: string): Buffer[];
}

const decodeKey = (b64: string): Buffer => {
  const key = Buffer.from(b64, 'base64');
  if (key.length !== 32) {
    throw new DialwiseError(
      'CONFIG_INVALID',
      'data key must be 32 bytes (base64 of 32 random bytes)',
    );
  }
  return key;
};
const idOf = (key: Buffer): string =>
  createHash('sha256').update(key).digest('base64url').slice(0, 8);

export function createFieldCipher(
  currentBase64: string,
  previousBase64: string[] = [],
): FieldCipher {
  const current = decodeKey(currentBase64);
  const all = [current, ...previousBase64.map(decodeKey)];
  // Key objects, made once: createCipheriv with a raw key buffer imports the key on every call (twice the time).
  const ring = new Map(all.map((k) => [idOf(k), createSecretKey(k)]));
  const keyId = idOf(current);
  const sealing = ring.get(keyId)!;
  // As key objects too: an HMAC over a raw key buffer imports it on every call (13 µs against 1.8).
  const derived = (label: string) =>
    createSecretKey(createHmac('sha256', current).update(label).digest());
  const macKey = derived('dialwise lookup-hash v1');
  const pseudoKey = derived('dialwise pseudonym v1');
  const parts = (sealed: string) => {
    const [v, kid, iv, tag, ct] = sealed.split('.');
    if (v !== 'v1' || !kid || !iv || !tag || ct === undefined) {
      throw new DialwiseError('BAD_REQUEST', 'not a sealed value');
    }
    return { kid, iv, tag, ct };
  };
  return {
    keyId,
    encrypt(plain) {
      const iv = nextIv();
      const c = createCipheriv('aes-256-gcm', sealing, iv);
      const ct = Buffer.concat([c.update(plain, 'utf8'), c.final()]);
      return ['v1', keyId, ...[iv, c.getAuthTag(), ct].map((b) => b.toString('base64url'))].join(
        '.',
      );
    },
    decrypt(sealed) {
      const { kid, iv, tag, ct } = parts(sealed);
      const key = ring.get(kid);
      if (!key) {
        throw new DialwiseError(
          'CONFIG_INVALID',
          `value sealed with unknown key ${kid}: add it to DIALWISE_DATA_KEYS_PREVIOUS`,
        );
      }
      const d = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
      d.setAuthTag(Buffer.from(tag, 'base64url'));
      return Buffer.concat([d.update(Buffer.from(ct, 'base64url')), d.final()]).toString('utf8');
    },
    lookupHash(value) {
      return createHmac('sha256', macKey).update(normalisePhone(value)).digest('base64url');
    },
    pseudonym: (id) => `erased:${createHmac('sha256', pseudoKey).update(id).digest('base64url')}`,
    keyIdOf: (sealed) => parts(sealed).kid,
    derivedKeys: (label) => all.map((k) => createHmac('sha256', k).update(label).digest()),
  };
}

/** Digits only (a leading + kept), so "+86 138-0000" and "+861380000" match. */
export const normalisePhone = (phone: string): string => phone.replace(/(?!^\+)[^0-9]/g, '');
