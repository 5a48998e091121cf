import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  CONSENT_LINK_LABEL,
  consentLinkId,
  MAX_TOKEN_LENGTH,
  signConsentLink,
  verifyConsentLink,
} from '../../src/core/consent-link.js';
import { createFieldCipher } from '../../src/core/crypto.js';

const OLD = randomBytes(32).toString('base64');
const NEW = randomBytes(32).toString('base64');
const before = createFieldCipher(OLD);
const after = createFieldCipher(NEW, [OLD]);
const [key] = before.derivedKeys(CONSENT_LINK_LABEL) as [Buffer];
const EXP = 1_800_000_000;

/** The token with one part replaced. */
const swap = (token: string, i: number, part: string) =>
  token
    .split('.')
    .map((p, j) => (j === i ? part : p))
    .join('.');

describe('consent links: signed, expiring tokens', () => {
  it('round-trips a customer id, ASCII or not, until just before the expiry', () => {
    for (const id of ['cust-1', '客户-42', 'a'.repeat(64)]) {
      const token = signConsentLink(key, id, EXP);
      expect(token).toMatch(/^[A-Za-z0-9_-]+\.\d+\.[A-Za-z0-9_-]{22}$/);
      expect(verifyConsentLink([key], token, EXP - 1)).toEqual({
        ok: true,
        customerId: id,
        expiresAtS: EXP,
      });
    }
  });

  it('is expired at the expiry second exactly, and after it', () => {
    const token = signConsentLink(key, 'cust-1', EXP);
    expect(verifyConsentLink([key], token, EXP)).toEqual({ ok: false, reason: 'expired' });
    expect(verifyConsentLink([key], token, EXP + 86_400)).toEqual({
      ok: false,
      reason: 'expired',
    });
  });

  it('refuses a tampered signature, id or expiry as forged', () => {
    const token = signConsentLink(key, 'cust-1', EXP);
    const sig = token.split('.')[2]!;
    const flipped = (sig[0] === 'A' ? 'B' : 'A') + sig.slice(1);
    const forged = { ok: false, reason: 'forged' };
    expect(verifyConsentLink([key], swap(token, 2, flipped), 0)).toEqual(forged);
    const otherId = Buffer.from('cust-2').toString('base64url');
    expect(verifyConsentLink([key], swap(token, 0, otherId), 0)).toEqual(forged);
    expect(verifyConsentLink([key], swap(token, 1, String(EXP + 1)), 0)).toEqual(forged);
    // An expired link with a forged signature says forged: expiry is read only once it is genuine.
    expect(verifyConsentLink([key], swap(token, 2, flipped), EXP + 1)).toEqual(forged);
    // Another data folder's key signs nothing here.
    const stranger = createFieldCipher(randomBytes(32).toString('base64'));
    expect(verifyConsentLink(stranger.derivedKeys(CONSENT_LINK_LABEL), token, 0)).toEqual(forged);
  });

  it.each([
    ['empty', ''],
    ['two parts', 'Y3VzdC0x.1800000000'],
    ['four parts', 'Y3VzdC0x.1800000000.AAAAAAAAAAAAAAAAAAAAAA.x'],
    ['an id that is not base64url', 'Y3Vz*C0x.1800000000.AAAAAAAAAAAAAAAAAAAAAA'],
    ['an empty id', '.1800000000.AAAAAAAAAAAAAAAAAAAAAA'],
    ['an id past 64 characters', `${'YWFh'.repeat(22)}.1800000000.AAAAAAAAAAAAAAAAAAAAAA`],
    ['a non-canonical id (padding bits set)', 'Y3VzdDF.1800000000.AAAAAAAAAAAAAAAAAAAAAA'],
    ['a negative expiry', 'Y3VzdC0x.-1.AAAAAAAAAAAAAAAAAAAAAA'],
    ['a leading-zero expiry', 'Y3VzdC0x.01800000000.AAAAAAAAAAAAAAAAAAAAAA'],
    ['a fractional expiry', 'Y3VzdC0x.1800000000.5.AAAAAAAAAAAAAAAAAAAAAA'],
    ['a short signature', 'Y3VzdC0x.1800000000.AAAA'],
    ['a non-canonical signature', 'Y3VzdC0x.1800000000.AAAAAAAAAAAAAAAAAAAAAB'],
    ['an over-long token', `${'A'.repeat(MAX_TOKEN_LENGTH)}.1.AAAAAAAAAAAAAAAAAAAAAA`],
  ])('refuses a malformed token: %s', (_, token) => {
    expect(verifyConsentLink([key], token, 0)).toEqual({ ok: false, reason: 'malformed' });
  });

  it('still verifies a link signed before a key rotation, until it expires; new links use the new key', () => {
    const old = signConsentLink(key, 'cust-1', EXP);
    const ring = after.derivedKeys(CONSENT_LINK_LABEL);
    expect(ring).toHaveLength(2);
    expect(ring[1]!.equals(key)).toBe(true);
    expect(verifyConsentLink(ring, old, EXP - 1)).toMatchObject({ ok: true, customerId: 'cust-1' });
    expect(verifyConsentLink(ring, old, EXP)).toEqual({ ok: false, reason: 'expired' });
    const fresh = signConsentLink(ring[0]!, 'cust-1', EXP);
    expect(verifyConsentLink(ring, fresh, 0)).toMatchObject({ ok: true });
    // Once the old key is dropped, what it signed no longer opens the page.
    expect(verifyConsentLink([key], fresh, 0)).toEqual({ ok: false, reason: 'forged' });
    expect(verifyConsentLink(ring.slice(0, 1), old, 0)).toEqual({ ok: false, reason: 'forged' });
  });

  it('derives a key of its own per label (not the lookup hash nor the pseudonym key)', () => {
    const [a] = before.derivedKeys(CONSENT_LINK_LABEL);
    const [b] = before.derivedKeys('dialwise lookup-hash v1');
    expect(a!.equals(b!)).toBe(false);
  });

  it('names a link by a short hash, never the token itself', () => {
    const token = signConsentLink(key, 'cust-1', EXP);
    const id = consentLinkId(token);
    expect(id).toHaveLength(12);
    expect(token).not.toContain(id);
    expect(consentLinkId(token)).toBe(id);
  });

  it('signs only what it could verify', () => {
    expect(() => signConsentLink(key, '', EXP)).toThrow(RangeError);
    expect(() => signConsentLink(key, 'x'.repeat(65), EXP)).toThrow(RangeError);
    expect(() => signConsentLink(key, 'cust-1', 1.5)).toThrow(RangeError);
  });
});
