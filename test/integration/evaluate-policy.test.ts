import { randomUUID } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey } from '../../src/api/index.js';
import { startPlatform, type Platform } from '../../src/app/index.js';
import { evaluatePolicyCommand } from '../../src/cli/evaluate-policy-command.js';
import { createLogger } from '../../src/core/log.js';
import { loadTestConfig } from '../helpers/config.js';
import { allDayDecisionConfig } from '../helpers/decision-config.js';
import { eventually } from '../helpers/eventually.js';
import { gql } from '../helpers/gql.js';
import { rest } from '../helpers/rest.js';
import { tmpDir } from '../helpers/tmp.js';

const CALLS = 36;
const STARTED = {
  campaign_id: 'spring',
  script_id: 'intro',
  script_version: 'v1',
  handled_by: 'bot',
  region: 'east',
  product_line: 'loan',
};
const QUERY = `query ($policy: String!, $from: DateTime!, $to: DateTime!) {
  policyEvaluation(policy: $policy, from: $from, to: $to) {
    policy node n level loggedPolicies loggedValue loggedLo loggedHi
    estimates { estimator value lo hi } ess support
  }
}`;

describe('off-policy evaluation on the live decision log', () => {
  const dataDir = tmpDir();
  const config = loadTestConfig({
    env: {
      DIALWISE_PORT: '0',
      DIALWISE_DATA_DIR: dataDir,
      DIALWISE_LOG_LEVEL: 'error',
      DIALWISE_COMMIT_INTERVAL_MS: '50',
      DIALWISE_DECISION_CONFIG: allDayDecisionConfig(),
    },
  });
  const logger = createLogger('error');
  let p: Platform;
  let dialer: string;
  let analyst: string;
  const from = new Date(Date.now() - 3_600_000).toISOString();
  const to = () => new Date(Date.now() + 60_000).toISOString();
  const call = (path: string, body?: unknown) => rest(p.url, dialer, path, body);
  const event = (type: string, customerId: string, callId: string, extra: object = {}) =>
    call('/events', {
      event_id: randomUUID(),
      type,
      ts: new Date().toISOString(),
      schema_version: 1,
      customer_id: customerId,
      call_id: callId,
      ...extra,
    });
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
  };
  /** A policy file over `node`: `probs` by a rule for tier A customers and by default. */
  const policyFile = (name: string, node: string, probs: Record<string, number>) => {
    const path = join(dataDir, `${name}.json`);
    const rules = [{ when: { tier: ['A'] }, probs }];
    writeFileSync(path, JSON.stringify({ name, node, rules, default: probs }));
    return path;
  };
  /** The logged script node with most distinct variants, and those variants. */
  let node = '';
  let variants: string[] = [];

  beforeAll(async () => {
    p = await startPlatform(config);
    dialer = await createApiKey(p.store, 'dialer-op', 'dialer');
    analyst = await createApiKey(p.store, 'analyst-op', 'analyst');
    for (let i = 0; i < CALLS; i++) {
      const fields = { 地区: i % 2 ? 'east' : 'north', 客户等级: i % 3 ? 'B' : 'A', 行业: '零售' };
      expect((await call('/customer/update', { customer_id: `op-${i}`, fields })).status).toBe(202);
    }
    const next = await call('/dialer/next', { limit: 10 });
    expect(((await next.json()).next as unknown[]).length).toBeGreaterThan(0);
    for (let i = 0; i < CALLS; i++) {
      const [customer, id] = [`op-${i}`, `call-op-${i}-${randomUUID()}`];
      expect((await event('call.started', customer, id, STARTED)).status).toBe(202);
      await say(id, customer, '你好');
      await say(id, customer, '价格怎么算？');
      const outcome = i % 3 === 0 ? 'converted' : 'rejected';
      expect((await event('call.ended', customer, id, { duration_s: 40, outcome })).status).toBe(
        202,
      );
    }
  }, 60_000);
  afterAll(() => p?.stop());

  it('logs every turn with its context, propensity and policy, and every dialer offer', async () => {
    await eventually(async () => {
      const turns = await p.store.query<{
        context: string;
        propensity: number;
        policy_version: string;
        script_version: string;
      }>(
        `SELECT context::VARCHAR AS context, propensity, policy_version, script_version
         FROM decisions WHERE kind = 'turn' AND customer_id LIKE 'op-%'`,
      );
      expect(turns).toHaveLength(2 * CALLS);
      for (const t of turns) {
        expect(t.propensity).toBeGreaterThan(0);
        expect(t.propensity).toBeLessThanOrEqual(1);
        expect(t.policy_version).toBe(t.script_version);
        expect(JSON.parse(t.context)).toMatchObject({
          region: expect.stringMatching(/^(east|north)$/),
          tier: expect.stringMatching(/^(A|B)$/),
          product_line: 'loan',
          hour: expect.any(Number),
        });
      }
      const dials = await p.store.query<{ n: number; calls: number; policy: string }>(
        `SELECT count(*)::INTEGER AS n, count(call_id)::INTEGER AS calls,
           any_value(policy_version) AS policy
         FROM decisions WHERE kind = 'dial' AND action = 'dial' AND node = 'dialer'`,
      );
      expect(dials[0]).toMatchObject({ calls: 0, policy: 'ranker-v1' });
      expect(dials[0]!.n).toBeGreaterThan(0);
      // The calls have ended: the turns' outcomes are there to join.
      const [ended] = await p.store.query<{ n: number }>(
        `SELECT count(*)::INTEGER AS n FROM calls WHERE call_id LIKE 'call-op-%' AND outcome IS NOT NULL`,
      );
      expect(ended!.n).toBe(CALLS);
    }, 10_000);
    const byNode = await p.store.query<{ node: string; variants: string }>(
      `SELECT node, list(DISTINCT variant ORDER BY variant)::VARCHAR AS variants FROM decisions
       WHERE kind = 'turn' AND variant <> 'safe' GROUP BY node ORDER BY count(DISTINCT variant) DESC, node`,
    );
    node = byNode[0]!.node;
    variants = JSON.parse(byNode[0]!.variants.replace(/([\w-]+)/g, '"$1"')) as string[];
    // A node where the experiment drew among several variants (pricing with the shipped scripts).
    expect(variants.length).toBeGreaterThanOrEqual(2);
  });

  it('evaluates a policy file through the CLI function and GraphQL alike, with intervals', async () => {
    const uniform = Object.fromEntries(variants.map((v) => [v, 1 / variants.length]));
    const file = policyFile('uniform', node, uniform);
    const report = await evaluatePolicyCommand(config, logger, { policy: file, from, to: to() });
    expect(report).toMatchObject({ policy: 'uniform', node, support: null, level: 0.95 });
    expect(report.n).toBeGreaterThanOrEqual(CALLS);
    expect(report.logged.interval.lo).toBeLessThanOrEqual(report.logged.value);
    expect(report.estimates.map((e) => e.estimator)).toEqual(['ips', 'snips', 'dr']);
    for (const e of report.estimates) {
      expect(e.interval.lo).toBeLessThanOrEqual(e.value);
      expect(e.interval.hi).toBeGreaterThanOrEqual(e.value);
    }
    expect(report.ess).toBeGreaterThan(0);

    const policy = JSON.stringify({ name: 'uniform', node, default: uniform });
    const res = await gql(p.url, QUERY, analyst, { policy, from, to: to() });
    expect(res.status).toBe(200);
    const ev = res.body.data!.policyEvaluation;
    expect(ev).toMatchObject({ node, n: report.n, support: null });
    expect(ev.estimates).toHaveLength(3);
    for (const e of ev.estimates) expect(e.lo).toBeLessThanOrEqual(e.hi);
    const [audited] = await p.store.query<{ n: number }>(
      `SELECT count(*)::INTEGER AS n FROM audit_log WHERE action = 'decisions.evaluate'`,
    );
    expect(audited!.n).toBeGreaterThanOrEqual(1);
  });

  it('says when the log lacks support, and refuses bad input and other roles', async () => {
    const file = policyFile('novel', node, { never_logged: 1 });
    const report = await evaluatePolicyCommand(config, logger, { policy: file, from, to: to() });
    expect(report.estimates).toEqual([]);
    expect(report.support).toMatch(/"never_logged".*never take it/);

    const bad = JSON.stringify({ name: 'x', node, default: { a: 0.5 }, rules: [{ when: {} }] });
    const res = await gql(p.url, QUERY, analyst, { policy: bad, from, to: to() });
    expect(res.status).toBe(400);
    const message = res.body.errors![0]!.message;
    expect(message).toMatch(/default: probabilities sum to 0\.5, not 1/);
    expect(message).toMatch(/rules\.0\.probs/);
    const huge = await gql(p.url, QUERY, analyst, { policy: 'x'.repeat(20_000), from, to: to() });
    expect(huge.body.errors![0]!.message).toMatch(/20000 characters, at most 16384/);
    const denied = await gql(p.url, QUERY, dialer, { policy: bad, from, to: to() });
    expect(denied.body.errors![0]!.extensions?.code).toBe('FORBIDDEN');
    await expect(
      evaluatePolicyCommand(config, logger, { policy: file, from: 'last week', to: to() }),
    ).rejects.toThrow(/\$from.*not an ISO 8601 time/);
  });

  it('reads the DuckDB file itself when no platform is up', async () => {
    await p.stop();
    const uniform = Object.fromEntries(variants.map((v) => [v, 1 / variants.length]));
    const file = policyFile('on-file', node, uniform);
    const report = await evaluatePolicyCommand(config, logger, { policy: file, from, to: to() });
    expect(report).toMatchObject({ policy: 'on-file', node, support: null });
    expect(report.estimates).toHaveLength(3);
  });
});
