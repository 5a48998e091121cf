import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createFieldCipher } from '../../src/core/crypto.js';

const key = () => randomBytes(32).toString('base64');

describe('field cipher', () => {
  const c = createFieldCipher(key());

  it('round-trips and never stores the clear text', () => {
    const sealed = c.encrypt('王伟 +86 138 1234 5678');
    expect(sealed).not.toContain('138');
    expect(c.decrypt(sealed)).toBe('王伟 +86 138 1234 5678');
    expect(c.encrypt('same')).not.toBe(c.encrypt('same'));
  });

  it('never gives two values one nonce, across refills of its pool of random nonces', () => {
    const sealed = Array.from({ length: 3_000 }, (_, i) => c.encrypt(`v${i}`));
    const ivs = sealed.map((v) => v.split('.')[2]!);
    expect(ivs.every((iv) => Buffer.from(iv, 'base64url').length === 12)).toBe(true);
    expect(new Set(ivs).size).toBe(ivs.length);
    expect(sealed.map((v) => c.decrypt(v))).toEqual(sealed.map((_, i) => `v${i}`));
  });

  it('refuses a tampered value and a value sealed with another key', () => {
    const sealed = c.encrypt('secret');
    const parts = sealed.split('.');
    parts[4] = Buffer.from('tampered').toString('base64url');
    expect(() => c.decrypt(parts.join('.'))).toThrow();
    expect(() => createFieldCipher(key()).decrypt(sealed)).toThrow(
      /unknown key .*DIALWISE_DATA_KEYS_PREVIOUS/,
    );
  });

  it('opens values sealed with a previous key and seals new ones with the current key', () => {
    const old = key();
    const sealedOld = createFieldCipher(old).encrypt('+86 138 0000 0000');
    const rotated = createFieldCipher(key(), [old]);
    expect(rotated.decrypt(sealedOld)).toBe('+86 138 0000 0000');
    expect(rotated.keyIdOf(sealedOld)).toBe(createFieldCipher(old).keyId);
    expect(rotated.keyIdOf(rotated.encrypt('x'))).toBe(rotated.keyId);
    expect(rotated.keyId).not.toBe(createFieldCipher(old).keyId);
  });

  it('gives equal look-up hashes for the same phone written differently, per key', () => {
    expect(c.lookupHash('+86 138-1234-5678')).toBe(c.lookupHash('+8613812345678'));
    expect(c.lookupHash('+8613812345678')).not.toBe(c.lookupHash('+8613812345679'));
    expect(createFieldCipher(key()).lookupHash('+8613812345678')).not.toBe(
      c.lookupHash('+8613812345678'),
    );
  });

  it('rejects a key of the wrong size', () => {
    expect(() => createFieldCipher(randomBytes(16).toString('base64'))).toThrow(/32 bytes/);
  });
});
