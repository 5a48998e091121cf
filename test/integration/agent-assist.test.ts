/**
 * Live agent assist on a started platform: an agent's turn posted by the
 * dialer that breaks the compliance rules reaches the agent desktop's
 * webhook (a local receiver) within 1 s, with the rule and a compliant
 * wording; it is stored with the agent's id and counted per agent in
 * GraphQL (`agentWarnings`). A clean agent turn sends nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Platform } from '../../src/app/index.js';
import { gql } from '../helpers/gql.js';
import { startTestPlatform } from '../helpers/platform.js';
import { startReceiver, type Receiver } from '../helpers/receiver.js';
import { rest } from '../helpers/rest.js';

const agentTurn = (n: number, text: string, agent: string) => ({
  event_id: `assist-${n}`,
  type: 'dialog.turn',
  ts: new Date().toISOString(),
  schema_version: 1,
  customer_id: 'c-assist',
  call_id: 'call-assist',
  turn: n,
  speaker: 'agent',
  text,
  asr_confidence: 0.93,
  agent_id: agent,
});

describe('live agent assist', () => {
  let p: Platform;
  let desk: Receiver;

  beforeAll(async () => {
    desk = await startReceiver();
    p = await startTestPlatform({ DIALWISE_SIM_RATE: '0', DIALWISE_HANDOFF_WEBHOOK_URL: desk.url });
  });
  afterAll(async () => {
    await p?.stop();
    await desk?.close();
  });

  it("warns the agent's desktop within 1 s of a forbidden promise, with what to say instead", async () => {
    const sent = Date.now();
    const res = await rest(p.url, p.adminKey!, '/events', [
      agentTurn(1, '您好，我是理财顾问小李', 'agent-li'),
      agentTurn(2, '这个产品保本保息，您放一百个心', 'agent-li'),
    ]);
    expect(res.status).toBe(202);
    await expect.poll(() => desk.posts.length, { timeout: 1_000, interval: 10 }).toBe(1);
    expect(Date.now() - sent).toBeLessThan(1_000);
    const warning = desk.posts[0] as {
      kind: string;
      agent_id: string;
      turn: number;
      hits: { rule: string; term: string; say_instead: { zh: string } }[];
    };
    expect(warning).toMatchObject({ kind: 'compliance_warning', agent_id: 'agent-li', turn: 2 });
    expect(warning.hits[0]).toMatchObject({ rule: 'principal_guarantee' });
    expect(warning.hits[0]!.say_instead.zh).toContain('不承诺保本');
    // The clean first turn sent nothing: still one post a moment later.
    await new Promise((r) => setTimeout(r, 200));
    expect(desk.posts).toHaveLength(1);
  });

  it('counts the warnings per agent for the dashboard', async () => {
    await rest(p.url, p.adminKey!, '/events', [
      agentTurn(3, '稳赚不赔的，零风险', 'agent-wang'),
      agentTurn(4, '保证收益', 'agent-li'),
    ]);
    const query = '{ agentWarnings { agent turns hits calls } }';
    await expect
      .poll(async () => (await gql(p.url, query, p.adminKey)).body.data?.agentWarnings, {
        timeout: 5_000,
      })
      .toEqual([
        { agent: 'agent-li', turns: 2, hits: expect.any(Number), calls: 1 },
        { agent: 'agent-wang', turns: 1, hits: 2, calls: 1 },
      ]);
  });
});
