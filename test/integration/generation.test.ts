/**
 * Generated replies end to end over REST: a platform with
 * DIALWISE_GENERATION_URL at a local OpenAI-compatible server (the tests'
 * stand-in for a model: no weights can be had here), the sample knowledge
 * base in DuckDB. An off-script question gets a generated answer grounded
 * in the retrieved facts, the prompt holds no personal data; a poisoned
 * completion, a slow model and a failing one are replaced by the template;
 * the decision log, GraphQL and /metrics count each outcome.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TurnResponse } from '../../src/api/rest/schemas.js';
import type { Platform } from '../../src/app/index.js';
import {
  ensureDashboardBuilt,
  launchChromium,
  requireChromium,
  signedIn,
} from '../helpers/browser.js';
import { eventually } from '../helpers/eventually.js';
import { eventFixtures } from '../helpers/fixtures.js';
import { gql } from '../helpers/gql.js';
import { lastUserMessage, startLlmServer, type LlmServer } from '../helpers/llm-server.js';
import { startTestPlatform } from '../helpers/platform.js';
import { rest } from '../helpers/rest.js';

const customerOf = (callId: string) => `cust-${callId}`;
const GROUNDED = '提前还款不收违约金，也不收手续费，宽限期是3天。';
const POISONED = '您放心，这款产品保本保息，年化收益保证8%，绝对没有风险。';

describe('generated replies over REST', () => {
  let p: Platform;
  let llm: LlmServer;
  const fx = eventFixtures();
  const say = async (callId: string, text: string) => {
    const started = performance.now();
    const res = await rest(p.url, p.adminKey, '/dialog/turn', {
      call_id: callId,
      customer_id: customerOf(callId),
      campaign_id: 'spring-promo',
      product_line: 'loan',
      text,
      asr_confidence: 0.9,
    });
    expect(res.status, await res.clone().text()).toBe(200);
    return { d: (await res.json()) as TurnResponse, ms: performance.now() - started };
  };
  // One customer a call (three calls a week is each customer's cap), each with a name and phone in
  // their profile: none of it may reach the model.
  const startCall = async (callId: string) => {
    const customer = customerOf(callId);
    const ts = new Date().toISOString();
    const crm = {
      ...fx.get('customer.updated'),
      event_id: randomUUID(),
      ts,
      customer_id: customer,
    };
    const started = {
      ...fx.get('call.started'),
      event_id: randomUUID(),
      ts,
      customer_id: customer,
    };
    const res = await rest(p.url, p.adminKey, '/events', [crm, { ...started, call_id: callId }]);
    expect(res.status).toBe(202);
    await say(callId, '喂，你好');
  };

  beforeAll(async () => {
    llm = await startLlmServer({
      rules: [
        { match: /客户刚才说：合同里违约金怎么算/, reply: GROUNDED },
        { match: /客户刚才说：你们这个产品具体怎么用/, reply: POISONED },
      ],
      fallback: '这个我请专业顾问跟您详细说明。',
    });
    p = await startTestPlatform({
      DIALWISE_SIM_RATE: '0',
      DIALWISE_GENERATION_URL: llm.url,
      DIALWISE_GENERATION_MODEL: 'qwen-test',
      DIALWISE_GENERATION_DEADLINE_MS: '600',
    });
  });
  afterAll(async () => {
    await p?.stop();
    await llm?.close();
  });

  it('answers an off-script question with a line grounded in the knowledge base', async () => {
    await startCall('gen-call-1');
    const { d } = await say('gen-call-1', '合同里违约金怎么算');
    expect(d).toMatchObject({ action: 'say', variant: 'generated', text: GROUNDED });
    expect(d.generation).toMatchObject({ spoken: true });
    // The call's campaign sells loans and wealth: its facts, and the shared ones, never another campaign's.
    expect(d.generation!.facts).toContain('loan#overdue');
    expect(d.generation!.facts!.every((f) => !/^(credit-card|insurance)#/.test(f))).toBe(true);
    const asked = llm.requests.find((r) => lastUserMessage(r.body).includes('违约金怎么算'))!;
    expect(asked.body.model).toBe('qwen-test');
    const prompt = JSON.stringify(asked.body.messages);
    expect(prompt).toContain('合同没有另外的违约金');
    expect(prompt).toContain('产品线 loan');
    expect(prompt).not.toMatch(/王伟|138 ?1234 ?5678/);
  });

  it('says the template instead of a poisoned completion, and counts why', async () => {
    await startCall('gen-call-2');
    const { d } = await say('gen-call-2', '你们这个产品具体怎么用');
    expect(d.generation).toMatchObject({ spoken: false, cause: 'gate:compliance' });
    expect(d.variant).not.toBe('generated');
    expect(d.text).not.toMatch(/保本|保证|绝对/);
  });

  it('falls back to the template within the deadline when the model is slow or failing', async () => {
    await startCall('gen-call-3');
    llm.setMode({ firstTokenDelayMs: 3_000 });
    const slow = await say('gen-call-3', '发票怎么开');
    expect(slow.d.generation).toMatchObject({ spoken: false, cause: 'timeout' });
    expect(slow.d.variant).not.toBe('generated');
    expect(slow.ms).toBeLessThan(600 + 400);
    llm.setMode({ firstTokenDelayMs: 0, status: 503 });
    await startCall('gen-call-4');
    const failing = await say('gen-call-4', '售后怎么联系');
    expect(failing.d.generation).toMatchObject({ spoken: false, cause: 'failed' });
    // A line that passed before is reused for the same (node, intent, facts): no model is asked.
    const asked = llm.requests.length;
    const cached = await say('gen-call-4', '合同里违约金怎么算');
    expect(cached.d).toMatchObject({ variant: 'generated', text: GROUNDED });
    expect(cached.d.generation).toMatchObject({ spoken: true, cached: true, tokens: 0 });
    expect(llm.requests.length).toBe(asked);
    llm.setMode({ status: 200 });
  });

  it('keeps scripted steps templates: nothing is generated for an opening or an opt-out', async () => {
    const before = llm.requests.length;
    await startCall('gen-call-5');
    const { d } = await say('gen-call-5', '以后别再给我打电话了');
    expect(d.generation).toBeUndefined();
    expect(llm.requests.length).toBe(before);
  });

  it('logs each outcome with its tokens, for GraphQL and /metrics', async () => {
    await eventually(async () => {
      const { body } = await gql(
        p.url,
        '{ generationStats { asked spoken tokens tokensPerCall fallbacks { cause count } } }',
        p.adminKey,
      );
      const s = body.data!['generationStats'];
      expect(s.asked).toBe(5);
      expect(s.spoken).toBe(2);
      expect(s.tokens).toBeGreaterThan(0);
      expect(s.fallbacks).toEqual(
        expect.arrayContaining([
          { cause: 'gate:compliance', count: 1 },
          { cause: 'timeout', count: 1 },
          { cause: 'failed', count: 1 },
        ]),
      );
    }, 10_000);
    const metrics = await (await rest(p.url, p.adminKey, '/metrics')).text();
    expect(metrics).toMatch(/dialwise_generation_total\{outcome="spoken"\} 2/);
    expect(metrics).toMatch(/dialwise_generation_total\{outcome="gate:compliance"\} 1/);
    expect(metrics).toMatch(
      /dialwise_decision_seconds_count\{route="\/dialog\/turn\+generation"\} 5/,
    );
  });

  it.runIf(requireChromium('generation.test'))(
    'shows generated lines and tokens per call on the dashboard',
    async () => {
      ensureDashboardBuilt();
      const { body } = await gql(p.url, '{ generationStats { asked tokensPerCall } }', p.adminKey);
      const stats = body.data!['generationStats'] as { asked: number; tokensPerCall: number };
      const browser = await launchChromium();
      const errors: string[] = [];
      try {
        const page = await signedIn(browser, p.url, p.adminKey, '#/experiments', errors);
        const panel = page.getByTestId('generation-panel');
        await panel.getByTestId('generation-tokens').waitFor();
        await expect(
          panel.getByTestId('generation-asked').locator('dd').textContent(),
        ).resolves.toBe(String(stats.asked));
        await expect(
          panel.getByTestId('generation-tokens').locator('dd').textContent(),
        ).resolves.toBe(stats.tokensPerCall.toFixed(1));
        await expect(
          panel.getByTestId('generation-fallbacks').locator('tbody tr').count(),
        ).resolves.toBe(3);
      } finally {
        await browser.close();
      }
      expect(errors).toEqual([]);
    },
  );
});
