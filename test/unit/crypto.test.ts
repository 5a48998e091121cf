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

  it('refuses a tampered value and a value sealed with another key', () => {
    const sealed = c.encrypt('secret');
    const parts = sealed.split('.');
    parts[3] = Buffer.from('tampered').toString('base64url');
    expect(() => c.decrypt(parts.join('.'))).toThrow();
    expect(() => createFieldCipher(key()).decrypt(sealed)).toThrow();
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
