/**
 * The signed, expiring token of a customer's consent link (the page where
 * customers see and withdraw their consent, sent to them by SMS or WeChat):
 * `<customer id, base64url>.<expiry, epoch seconds>.<signature>`. The
 * signature is HMAC-SHA256 over the version, id and expiry, truncated to 128
 * bits (22 characters: the link stays short enough for an SMS), under a key
 * derived from the data key (`FieldCipher.derivedKeys(CONSENT_LINK_LABEL)`).
 * A link signed before a key rotation verifies with the previous key until
 * it expires. The token names the customer and nothing else: no name, no
 * phone.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { LIMITS } from './events/index.js';

/** The label of the derived key: a key of its own, distinct from the lookup hash's and pseudonyms'. */
export const CONSENT_LINK_LABEL = 'dialwise consent-link v1';

/** Longest token accepted before anything else is looked at. */
export const MAX_TOKEN_LENGTH = 200;
const MAC_BYTES = 16;
const MAC_CHARS = 22;
const B64URL = /^[A-Za-z0-9_-]+$/;

export type LinkCheck =
  | { ok: true; customerId: string; expiresAtS: number }
  | { ok: false; reason: 'malformed' | 'forged' | 'expired' };

const mac = (key: Uint8Array, idPart: string, exp: string): Buffer =>
  createHmac('sha256', key).update(`v1.${idPart}.${exp}`).digest().subarray(0, MAC_BYTES);

/** The token for `customerId`, valid until `expiresAtS` (epoch seconds, exclusive). */
export function signConsentLink(key: Uint8Array, customerId: string, expiresAtS: number): string {
  if (!customerId || customerId.length > LIMITS.id) throw new RangeError('bad customer id');
  if (!Number.isSafeInteger(expiresAtS) || expiresAtS <= 0) throw new RangeError('bad expiry');
  const idPart = Buffer.from(customerId, 'utf8').toString('base64url');
  const exp = String(expiresAtS);
  return `${idPart}.${exp}.${mac(key, idPart, exp).toString('base64url')}`;
}

/** The id part's customer, or null when it is not the canonical base64url of a valid id. */
function customerOf(idPart: string): string | null {
  if (!B64URL.test(idPart)) return null;
  const id = Buffer.from(idPart, 'base64url').toString('utf8');
  if (!id || id.length > LIMITS.id) return null;
  return Buffer.from(id, 'utf8').toString('base64url') === idPart ? id : null;
}

/**
 * Checks a token against every key (current first; constant-time compare)
 * and then its expiry at `nowS`: valid while `nowS < expiry`. The signature
 * is checked before the expiry, so a forged token never learns whether it
 * would have expired.
 */
export function verifyConsentLink(
  keys: readonly Uint8Array[],
  token: string,
  nowS: number,
): LinkCheck {
  if (token.length > MAX_TOKEN_LENGTH) return { ok: false, reason: 'malformed' };
  const parts = token.split('.');
  if (parts.length !== 3) return { ok: false, reason: 'malformed' };
  const [idPart, exp, sig] = parts as [string, string, string];
  const customerId = customerOf(idPart);
  if (customerId === null || !/^[1-9][0-9]{0,11}$/.test(exp))
    return { ok: false, reason: 'malformed' };
  if (sig.length !== MAC_CHARS || !B64URL.test(sig)) return { ok: false, reason: 'malformed' };
  const given = Buffer.from(sig, 'base64url');
  if (given.length !== MAC_BYTES || given.toString('base64url') !== sig)
    return { ok: false, reason: 'malformed' };
  // Every key is tried (no early exit), so timing tells nothing of which one matched.
  let valid = false;
  for (const key of keys) valid = timingSafeEqual(mac(key, idPart, exp), given) || valid;
  if (!valid) return { ok: false, reason: 'forged' };
  const expiresAtS = Number(exp);
  if (nowS >= expiresAtS) return { ok: false, reason: 'expired' };
  return { ok: true, customerId, expiresAtS };
}

/**
 * A short name for one link (12 characters of a hash of the token): it ties
 * the audit row of the link's creation to the consent changes made through
 * it, without the token, which is a bearer secret, ever being stored.
 */
export const consentLinkId = (token: string): string =>
  createHash('sha256').update(token).digest('base64url').slice(0, 12);
