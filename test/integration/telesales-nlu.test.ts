import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey } from '../../src/api/index.js';
import type { Platform } from '../../src/app/index.js';
import { eventually } from '../helpers/eventually.js';
import { gql } from '../helpers/gql.js';
import { rest } from '../helpers/rest.js';
import { startTestPlatform } from '../helpers/platform.js';

describe('Chinese telesales speech on a started platform (the default, trained model)', () => {
  let p: Platform;
  let dialer: string;
  let compliance: string;
  const call = (path: string, body?: unknown, key = dialer) => rest(p.url, key, path, body);
  const say = async (callId: string, customerId: string, text: string) => {
    const res = await call('/dialog/turn', {
      call_id: callId,
      customer_id: customerId,
      product_line: 'loan',
      text,
      asr_confidence: 0.9,
    });
    expect(res.status).toBe(200);
    return res.json();
  };
  const next = async () =>
    (
      (await (await call('/dialer/next', { limit: 1000 })).json()).next as { customerId: string }[]
    ).map((c) => c.customerId);
  const consentOf = (customerId: string) =>
    call('/events', {
      event_id: randomUUID(),
      type: 'consent.changed',
      ts: new Date().toISOString(),
      schema_version: 1,
      customer_id: customerId,
      scope: 'call',
      granted: true,
      evidence: { source: 'web_form' },
    });

  beforeAll(async () => {
    p = await startTestPlatform({ DIALWISE_DEFAULT_MODELS: 'train' });
    dialer = await createApiKey(p.store, 'dialer-nlu', 'dialer');
    compliance = await createApiKey(p.store, 'compliance-nlu', 'compliance');
  }, 180_000);
  afterAll(async () => {
    await p?.stop();
  });

  it('serves the model trained from the telesales corpus, not the keyword fallback', async () => {
    const health = await (await fetch(`${p.url}/health`)).json();
    expect(health.models.intent).toMatch(/^v\d+$/);
    expect(health.models.optout).toMatch(/^v\d+$/);
  });

  it('an indirect opt-out inside a complaint ends the call, revokes consent with evidence, and the dialer never gets the customer again', async () => {
    const customer = `cust-nlu-${randomUUID().slice(0, 8)}`;
    expect((await consentOf(customer)).status).toBe(202);
    await eventually(async () => expect(await next()).toContain(customer), 5_000);

    const id = `call-${randomUUID()}`;
    await say(id, customer, '喂 哪位');
    const text = '你们这都第几回了 烦不烦啊 我要投诉 以后别再给我打过来了';
    const d = await say(id, customer, text);
    expect(d).toMatchObject({ action: 'end', state: 'do_not_call' });
    expect(d.transfer).toBeUndefined();
    expect(await next()).not.toContain(customer);

    // The revocation reached the profile with its evidence; the utterance only for compliance.
    const query = `{ customer(id: "${customer}") { consent { scope purpose state }
      consentChanges { scope granted source callId eventId cue text } } }`;
    await eventually(async () => {
      const { body } = await gql(p.url, query, compliance);
      // Granted on the web form, then withdrawn on the call, for every purpose.
      expect(body.data!.customer.consent).toEqual([
        { scope: 'call', purpose: 'marketing', state: 'withdrawn' },
        { scope: 'call', purpose: 'service', state: 'withdrawn' },
      ]);
      expect(body.data!.customer.consentChanges[0]).toMatchObject({
        scope: 'call',
        granted: false,
        source: 'call_turn',
        callId: id,
        eventId: expect.any(String),
        cue: expect.any(String),
        text,
      });
    }, 5_000);
    const [row] = await p.store.query<{ text_enc: string }>(
      'SELECT text_enc FROM consent_changes WHERE call_id = ?',
      [id],
    );
    expect(row!.text_enc).not.toContain('投诉');
    // The customer stays excluded after the pipeline has applied the change.
    expect(await next()).not.toContain(customer);
  });

  it('a budget and "I decide" are heard once: not asked again, and tagged on the profile', async () => {
    const customer = `cust-nlu-${randomUUID().slice(0, 8)}`;
    const id = `call-${randomUUID()}`;
    await say(id, customer, '喂 你好');
    const who = await say(id, customer, '是的 我是老板 这事我说了算');
    expect(who.state).toBe('needs_discovery');
    const budget = await say(id, customer, '预算的话 大概十万吧');
    expect(budget.state).not.toBe('needs_discovery');
    expect(budget.script_id).not.toBe('needs_discovery');
    const later = await say(id, customer, '你们这个具体能做什么');
    expect(later.script_id).not.toBe('needs_discovery');
    await eventually(async () => {
      const q = `{ customer(id: "${customer}") { tags facts { key value } } }`;
      const c = (await gql(p.url, q, compliance)).body.data!.customer;
      expect(c.tags).toEqual(expect.arrayContaining(['has_budget', 'decision_maker_reached']));
      expect(c.facts).toEqual(
        expect.arrayContaining([
          { key: 'budget', value: '十万' },
          { key: 'decision_maker', value: 'self' },
        ]),
      );
    }, 5_000);
  });
});
