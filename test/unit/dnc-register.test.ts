import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DncRegister } from '../../src/analytics/records/index.js';
import { registerPhones } from '../../src/cli/contact-command.js';
import { createFieldCipher } from '../../src/core/crypto.js';
import { phoneKey } from '../../src/core/personal.js';
import { migrate, Store } from '../../src/core/store/store.js';
import { tmpDir } from '../helpers/tmp.js';

const cipher = createFieldCipher(randomBytes(32).toString('base64'));
let store: Store;
let file: string;

beforeEach(async () => {
  file = join(tmpDir(), 'dnc.duckdb');
  store = await Store.open(file);
  await migrate(store);
});
afterEach(async () => store.close());

describe('do-not-call register', () => {
  it.each([
    ['+86 138-0013-8000', '13800138000'],
    ['0086 13800138000', '13800138000'],
    ['8613800138000', '13800138000'],
    ['(010) 6552-9988', '01065529988'],
    ['12', null],
    ['no number', null],
  ])('compares %s as %s', (phone, key) => {
    expect(phoneKey(phone)).toBe(key);
  });

  it('imports once per number, matches any spelling of it, and keeps no phone in the clear', async () => {
    const r = await DncRegister.open(store, cipher);
    const list = {
      source: 'gov-dnc',
      listed_on: '2026-12-01',
      phones: ['+86 138 0013 8000', '13800138000', 'x'],
    };
    expect(await r.import(list, '2026-12-06T00:00:00Z')).toEqual({
      imported: 1,
      already: 1,
      invalid: [2],
    });
    expect(r.match('138-0013-8000')).toEqual({ source: 'gov-dnc', listed_on: '2026-12-01' });
    expect(r.match('13900000000')).toBeNull();
    expect(r.match(null)).toBeNull();
    // A second listing keeps the first; a reopened register has it.
    await r.import({ ...list, source: 'other', phones: ['13800138000'] }, '2026-12-07T00:00:00Z');
    const again = await DncRegister.open(store, cipher);
    expect(again.size).toBe(1);
    expect(again.match('+8613800138000')?.source).toBe('gov-dnc');
    await store.checkpoint();
    expect(readFileSync(file).includes('13800138000')).toBe(false);
  });

  it('reads a register file: one phone per line or the first CSV column, headers skipped', () => {
    const text = 'phone,name\n"+86 139-1111-2222",张三\n13911112223\r\n\nno digits here\n';
    expect(registerPhones(text)).toEqual(['+86 139-1111-2222', '13911112223']);
  });
});
