import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey } from '../../src/api/index.js';
import { startPlatform, type Platform } from '../../src/app/index.js';
import { loadTestConfig } from '../helpers/config.js';
import { eventually } from '../helpers/eventually.js';
import { gql } from '../helpers/gql.js';
import { rest } from '../helpers/rest.js';
import { allDayDecisionConfig } from '../helpers/decision-config.js';
import { tmpDir } from '../helpers/tmp.js';

describe('decision layer over REST: a full simulated call', () => {
  let p: Platform;
  let dialer: string;
  let analyst: string;
  const call = (path: string, body?: unknown, key = dialer) => rest(p.url, key, path, body);
  const say = async (callId: string, customerId: string, text: string) => {
    const res = await call('/dialog/turn', {
      call_id: callId,
      customer_id: customerId,
      campaign_id: 'spring',
      product_line: 'loan',
      text,
      asr_confidence: 0.92,
    });
    expect(res.status).toBe(200);
    return res.json();
  };
  const crm = (customerId: string, fields: Record<string, string>) =>
    call('/customer/update', { customer_id: customerId, fields });
  /** The dialer reports the call converted; resolves with the HTTP status. */
  const converted = async (callId: string, customerId: string) =>
    (
      await call('/events', {
        event_id: randomUUID(),
        type: 'call.ended',
        ts: new Date().toISOString(),
        schema_version: 1,
        customer_id: customerId,
        call_id: callId,
        duration_s: 30,
        outcome: 'converted',
      })
    ).status;
  /** The segment the call's first decision was logged under, once the log is written. */
  const loggedSegment = (callId: string) =>
    eventually(async () => {
      const [row] = await p.store.query<{ segment: string }>(
        'SELECT segment FROM decisions WHERE call_id = ?',
        [callId],
      );
      expect(row).toBeDefined();
      return row!.segment;
    }, 5_000);

  // The agent desktop: a local receiver of pushed handoffs.
  const pushed: { call_id?: string; callId?: string; summary: string; agent: string }[] = [];
  const desktop = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      pushed.push(JSON.parse(body));
      res.writeHead(204).end();
    });
  });

  const dataDir = tmpDir();
  let decisionDir = '';

  beforeAll(async () => {
    decisionDir = allDayDecisionConfig();
    await new Promise<void>((r) => desktop.listen(0, '127.0.0.1', r));
    const { port } = desktop.address() as AddressInfo;
    p = await startPlatform(
      loadTestConfig({
        env: {
          DIALWISE_PORT: '0',
          DIALWISE_DATA_DIR: dataDir,
          DIALWISE_LOG_LEVEL: 'error',
          DIALWISE_COMMIT_INTERVAL_MS: '50',
          DIALWISE_DECISION_CONFIG: decisionDir,
          DIALWISE_HANDOFF_WEBHOOK_URL: `http://127.0.0.1:${port}/handoff`,
        },
      }),
    );
    dialer = await createApiKey(p.store, 'dialer-1', 'dialer');
    analyst = await createApiKey(p.store, 'analyst-1', 'analyst');
    expect((await crm('cust-dec-1', { 行业: '制造业', 客户等级: 'A' })).status).toBe(202);
  });
  afterAll(async () => {
    await p?.stop();
    desktop.close();
  });

  it('walks opening → discovery → pricing → transfer, remembering what was said', async () => {
    const id = `call-${randomUUID()}`;
    const d1 = await say(id, 'cust-dec-1', '你好');
    // The pickup: the bot introduces the call first.
    expect(d1).toMatchObject({ action: 'say', state: 'opening', script_id: 'opening' });
    const d2 = await say(id, 'cust-dec-1', '是我，我是负责人');
    expect(d2.state).toBe('needs_discovery');
    // Manufacturing hears the manufacturing question, not the generic one.
    expect(d2.variant).toBe('manufacturing');
    // Budget and timeline stated: discovery (which asks for the budget) is not asked again.
    const d3 = await say(id, 'cust-dec-1', '我们预算大概二十万，下个月上线');
    expect(d3.state).not.toBe('needs_discovery');
    const d4 = await say(id, 'cust-dec-1', '价格怎么算？');
    expect(d4.state).toBe('pricing');
    if (d4.variant === 'budget') expect(d4.text).toContain('二十万');
    const d5 = await say(id, 'cust-dec-1', '我想找人工客服聊聊');
    expect(d5.action).toBe('transfer');
    expect(d5.transfer).toMatchObject({
      queue: expect.any(String),
      reason: { trigger: 'request_human' },
      slots: { budget: '二十万', timeline: '下个月' },
      agent: expect.stringMatching(/^agent-/),
    });
    expect(Date.parse(d5.transfer.pickup_deadline) - Date.now()).toBeGreaterThan(25_000);
    expect(d5.transfer.lastTurns.at(-1)).toEqual({
      speaker: 'customer',
      text: '我想找人工客服聊聊',
    });
    // Once transferred, the bot does not speak again.
    expect((await say(id, 'cust-dec-1', '喂？')).decision_id).toBe(d5.decision_id);

    const ctx = await (await call(`/dialog/context?call_id=${id}`)).json();
    expect(ctx).toMatchObject({
      state: 'transfer_to_human',
      slots: { budget: '二十万', timeline: '下个月' },
      handoff: { agent: d5.transfer.agent },
    });
    expect(
      (await call(`/dialog/pickup`, { call_id: id, agent_id: d5.transfer.agent })).status,
    ).toBe(204);

    // The turns were recorded through the pipeline, the decisions logged with their propensities.
    await eventually(async () => {
      const [t] = await p.store.query<{ customer: number; bot: number }>(
        `SELECT count(*) FILTER (WHERE speaker = 'customer')::INTEGER AS customer,
                count(*) FILTER (WHERE speaker = 'bot')::INTEGER AS bot FROM turns WHERE call_id = ?`,
        [id],
      );
      expect(t).toEqual({ customer: 5, bot: 5 });
      const logged = await p.store.query<{ propensity: number; variant: string }>(
        'SELECT propensity, variant FROM decisions WHERE call_id = ? ORDER BY ts',
        [id],
      );
      expect(logged).toHaveLength(5);
      for (const l of logged) expect(l.propensity).toBeGreaterThan(0);
    }, 10_000);
  });

  it('ends the call when the customer declines twice, with no opt-out; one who opts out or revokes is not dialled again', async () => {
    for (const c of ['cust-dec-2', 'cust-dec-3', 'cust-dec-4', 'cust-dec-5'])
      expect((await crm(c, { 行业: '零售' })).status).toBe(202);
    const eligible = async () =>
      (
        (await (await call('/dialer/next', { limit: 1000 })).json()).next as {
          customerId: string;
        }[]
      ).map((c) => c.customerId);
    expect(await eligible()).toEqual(
      expect.arrayContaining(['cust-dec-2', 'cust-dec-3', 'cust-dec-5']),
    );

    const id = `call-${randomUUID()}`;
    await say(id, 'cust-dec-2', '喂');
    expect((await say(id, 'cust-dec-2', '不需要，谢谢')).state).toBe('objection_handling');
    const last = await say(id, 'cust-dec-2', '不需要，谢谢');
    expect(last).toMatchObject({ action: 'end', state: 'end' });
    const optOut = `call-${randomUUID()}`;
    await say(optOut, 'cust-dec-5', '喂');
    expect(await say(optOut, 'cust-dec-5', '以后别再给我打电话了')).toMatchObject({
      action: 'end',
      state: 'do_not_call',
    });
    const revoke = await call('/events', {
      event_id: randomUUID(),
      type: 'consent.changed',
      ts: new Date().toISOString(),
      schema_version: 1,
      customer_id: 'cust-dec-3',
      scope: 'call',
      granted: false,
    });
    expect(revoke.status).toBe(202);
    const after = await eligible();
    // Two refusals are no opt-out: the customer may be called another day.
    expect(after).toContain('cust-dec-2');
    expect(after).not.toContain('cust-dec-5');
    expect(after).not.toContain('cust-dec-3');
    expect(after).toContain('cust-dec-4');
    // The spoken opt-out reached the profile as a refused consent.
    await eventually(async () => {
      const { body } = await gql(
        p.url,
        '{ customer(id: "cust-dec-5") { consent { scope purpose state } } }',
        analyst,
      );
      expect(body.data!.customer.consent).toContainEqual({
        scope: 'call',
        purpose: 'marketing',
        state: 'refused',
      });
    }, 5_000);
  });

  it('sends a complaint to the complaints queue with the context pushed', async () => {
    const d = await say(`call-${randomUUID()}`, 'cust-dec-4', '你们服务太差了，我要投诉');
    expect(d).toMatchObject({
      action: 'transfer',
      transfer: { queue: 'complaints', reason: { trigger: 'complaint_words' } },
    });
    expect(d.transfer.summary.length).toBeGreaterThan(10);
  });

  it('answers bad requests with a 4xx and a reason', async () => {
    const missing = await call('/dialog/turn', {
      call_id: 'x',
      customer_id: 'y',
      asr_confidence: 2,
    });
    expect(missing.status).toBe(400);
    const msg = (await missing.json()).error.message;
    expect(msg).toMatch(/text: /);
    expect(msg).toMatch(/asr_confidence: /);
    expect((await call('/dialog/turn', { call_id: 'x' }, analyst)).status).toBe(403);
    expect((await call('/dialog/context?call_id=nope')).status).toBe(404);
    expect((await call('/dialog/pickup', { call_id: 'nope', agent_id: 'a' })).status).toBe(404);
  });

  it('mirrors the experiment and the dialer ranking in GraphQL', async () => {
    const id = `call-${randomUUID()}`;
    await say(id, 'cust-dec-1', '你好');
    expect(await converted(id, 'cust-dec-1')).toBe(202);
    const segment = await loggedSegment(id);
    const { body } = await gql(
      p.url,
      `{ experiment(node: "opening", segment: "${segment}") { variant trials conversions pBest } }`,
      analyst,
    );
    const rows = body.data!.experiment as { trials: number; conversions: number }[];
    expect(rows.reduce((a, r) => a + r.conversions, 0)).toBe(1);
    const ranked = await gql(
      p.url,
      '{ dialerNext(limit: 5) { customerId score pAnswer } }',
      dialer,
    );
    expect(ranked.body.data!.dialerNext.length).toBeGreaterThan(0);
  });

  it('rolls out a new script version over REST without changing calls in progress', async () => {
    const admin = p.adminKey;
    const inProgress = `call-${randomUUID()}`;
    const before = await say(inProgress, 'cust-dec-1', '你好');
    const bad = await call('/admin/scripts', { version: 'x', nodes: {} }, admin);
    expect(bad.status).toBe(400);
    expect((await bad.json()).error.message).toMatch(/nodes/);
    const v2 = JSON.parse(readFileSync('config/scripts.json', 'utf8'));
    v2.version = `test-${randomUUID().slice(0, 8)}`;
    expect((await call('/admin/scripts', v2, dialer)).status).toBe(403);
    const ok = await call('/admin/scripts', v2, admin);
    expect(ok.status).toBe(201);
    expect((await call('/admin/scripts', v2, admin)).status).toBe(400); // a version is never reused
    const during = await say(inProgress, 'cust-dec-1', '是我，我是负责人');
    expect(during.script_version).toBe(before.script_version);
    const fresh = await say(`call-${randomUUID()}`, 'cust-dec-1', '你好');
    expect(fresh.script_version).toBe(v2.version);
  });

  it('keeps what the experiments learned across a restart', async () => {
    const id = `call-${randomUUID()}`;
    const d = await say(id, 'cust-dec-1', '你好');
    expect(await converted(id, 'cust-dec-1')).toBe(202);
    const segment = await loggedSegment(id);
    const before = p.decisions.experimentReport(d.script_id, segment);
    expect(before.find((r) => r.variant === d.variant)!.conversions).toBeGreaterThan(0);
    await p.stop();
    p = await startPlatform(
      loadTestConfig({
        env: {
          DIALWISE_PORT: '0',
          DIALWISE_DATA_DIR: dataDir,
          DIALWISE_LOG_LEVEL: 'error',
          DIALWISE_DECISION_CONFIG: decisionDir,
        },
      }),
    );
    const after = p.decisions.experimentReport(d.script_id, segment);
    const pick = (rows: typeof before) =>
      rows.map(({ variant, trials, conversions }) => ({ variant, trials, conversions }));
    expect(pick(after)).toEqual(pick(before));
  });
});
