import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Platform } from '../../src/app/index.js';
import { gql } from '../helpers/gql.js';
import { rest } from '../helpers/rest.js';
import { startTestPlatform } from '../helpers/platform.js';

describe('retention of personal fields: cleared through the pipeline after the period', () => {
  let p: Platform;
  const update = (id: string, ts: string) => ({
    event_id: randomUUID(),
    type: 'customer.updated',
    ts,
    schema_version: 1,
    customer_id: id,
    fields: { name: '欧阳娜娜', phone: '13912345678', region: 'east' },
    unmapped: { 备用手机: '13800001111' },
  });
  const who = async (id: string) =>
    (
      await gql(
        p.url,
        `{ customer(id: "${id}") { name phone crm { key value } personal { key } } }`,
        p.adminKey,
      )
    ).body.data!.customer;

  beforeAll(async () => {
    p = await startTestPlatform();
    const old = new Date(Date.now() - 800 * 86_400_000).toISOString(); // past the 730 days
    const events = [update('cust-old', old), update('cust-new', new Date().toISOString())];
    expect((await rest(p.url, p.adminKey, '/events', events)).status).toBe(202);
  });
  afterAll(async () => p?.stop());

  it('clears name, phone and other personal fields of a customer not heard from, keeps the rest', async () => {
    expect(await who('cust-old')).toMatchObject({
      name: '欧阳娜娜',
      personal: [{ key: '备用手机' }],
    });
    const res = await rest(p.url, p.adminKey, '/admin/retention/run', {});
    expect(res.status).toBe(200);
    expect((await res.json()).personalCleared).toBe(1);
    expect(await who('cust-old')).toEqual({
      name: null,
      phone: null,
      crm: [{ key: 'region', value: 'east' }],
      personal: [],
    });
    expect(await who('cust-new')).toMatchObject({ name: '欧阳娜娜', phone: '13912345678' });
    const [row] = await p.store.query<{ n: number }>(
      `SELECT count(*)::INTEGER AS n FROM profiles WHERE customer_id = 'cust-old'
         AND (name_enc IS NOT NULL OR phone_enc IS NOT NULL OR personal_enc IS NOT NULL)`,
    );
    expect(row!.n).toBe(0);
  });
});
