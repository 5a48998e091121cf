import { describe, expect, it } from 'vitest';
import { createFieldCipher } from '../../src/core/crypto.js';
import {
  idHash,
  newProfile,
  profileRow,
  restoreProfile,
  SealCache,
} from '../../src/pipelines/index.js';

const cipher = createFieldCipher(Buffer.alloc(32, 7).toString('base64'));

describe('profile snapshots', () => {
  it('round-trip a profile, dedupe window and personal data included', () => {
    const p = {
      ...newProfile('cust-1'),
      name: '王伟',
      phone: '+86 138 0000 0000',
      calls: 3,
      recent_ids: ['a', 'b', 'c'].map(idHash),
    };
    const row = profileRow(p, new SealCache(cipher), new Date(0).toISOString());
    expect(row.state).not.toContain('王伟');
    expect(row.state).not.toContain('138');
    expect(restoreProfile(row, cipher)).toEqual(p);
  });

  it('reads snapshots written before the dedupe window was packed', () => {
    const ids = ['x', 'y'].map(idHash);
    const { name, phone, ...state } = { ...newProfile('cust-2'), recent_ids: ids, calls: 1 };
    const restored = restoreProfile(
      {
        customer_id: 'cust-2',
        state: JSON.stringify(state),
        name_enc: name,
        phone_enc: phone,
        phone_hash: null,
        personal_enc: null,
        intent_score: 0,
        tags: '[]',
        updated_at: new Date(0).toISOString(),
      },
      cipher,
    );
    expect(restored.recent_ids).toEqual(ids);
    expect(restored.calls).toBe(1);
  });
});
