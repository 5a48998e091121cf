import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { startPlatform } from '../../src/app/index.js';
import { loadTestConfig } from '../helpers/config.js';
import { createFieldCipher } from '../../src/core/crypto.js';
import { rotateKeys } from '../../src/pipelines/index.js';
import { tmpDir } from '../helpers/tmp.js';
import { toneWav } from '../helpers/wav.js';

const key = () => randomBytes(32).toString('base64');

describe('data key rotation', () => {
  it('re-seals every name, phone, personal field, dead letter and recording key with the new key, after which the old key can go', async () => {
    const dataDir = tmpDir();
    const [oldKey, newKey] = [key(), key()];
    const env = { DIALWISE_PORT: '0', DIALWISE_DATA_DIR: dataDir, DIALWISE_LOG_LEVEL: 'warn' };
    let p = await startPlatform(loadTestConfig({ env: { ...env, DIALWISE_DATA_KEY: oldKey } }), {
      simulate: { calls: 60, seed: 3, ratePerSec: 0 },
    });
    await p.waitForIdle();
    const post = (path: string, body: unknown) =>
      fetch(`${p.url}${path}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${p.adminKey}` },
        body: JSON.stringify(body),
      });
    const customer = [...p.enricher.profiles.keys()][0]!;
    expect(
      (await post('/customer/update', { customer_id: customer, fields: { Email: 'a@b.cn' } }))
        .status,
    ).toBe(202);
    expect((await post('/events', [{ type: 'nope', phone: '13900001111' }])).status).toBe(400);
    const audio = toneWav(1);
    const upload = await fetch(`${p.url}/calls/call-rotated/recording`, {
      method: 'POST',
      headers: { authorization: `Bearer ${p.adminKey}` },
      body: new Uint8Array(audio),
    });
    expect(upload.status).toBe(201);
    const before = p.enricher.profiles.size;
    await p.stop();

    p = await startPlatform(
      loadTestConfig({
        env: { ...env, DIALWISE_DATA_KEY: newKey, DIALWISE_DATA_KEYS_PREVIOUS: oldKey },
      }),
    );
    const result = await rotateKeys(p.store, createFieldCipher(newKey, [oldKey]));
    expect(result.resealed).toBe(result.profiles);
    expect(result.profiles).toBe(before);
    expect(result.deadLetters).toBe(1);
    expect(result.recordings).toBe(1);
    await p.stop();

    // The new key alone now opens everything, and look-up hashes follow it.
    p = await startPlatform(loadTestConfig({ env: { ...env, DIALWISE_DATA_KEY: newKey } }));
    const only = createFieldCipher(newKey);
    const rows = await p.store.query<{ name_enc: string; phone_enc: string; phone_hash: string }>(
      'SELECT name_enc, phone_enc, phone_hash FROM profiles',
    );
    expect(rows).toHaveLength(before);
    for (const r of rows) {
      expect(only.keyIdOf(r.name_enc)).toBe(only.keyId);
      expect(r.phone_hash).toBe(only.lookupHash(only.decrypt(r.phone_enc)));
    }
    const restored = [...p.enricher.profiles.values()];
    expect(restored.every((x) => x.name !== null && x.phone !== null)).toBe(true);
    expect(p.enricher.profiles.get(customer)!.personal).toEqual({ email: 'a@b.cn' });
    const [letter] = await p.store.query<{ payload_sealed: string }>(
      'SELECT payload_sealed FROM dead_letters',
    );
    expect(only.decrypt(letter!.payload_sealed)).toContain('13900001111');
    // The recording's own key was re-sealed: the audio, untouched, plays under the new key alone.
    const played = await fetch(`${p.url}/calls/call-rotated/recording`, {
      headers: { authorization: `Bearer ${p.adminKey}` },
    });
    expect(Buffer.from(await played.arrayBuffer()).equals(audio)).toBe(true);
    await p.stop();
  });
});
