// Two decision replicas (`dialwise decide`) over a real broker, one killed
// with kill -9 in the middle of live calls: the other takes its partitions
// over and every call goes on where it was, through either replica; a
// customer's weekly contact cap holds across both, before and after. What
// they share (API keys, the do-not-call register) binds on both at once, and
// their decision log reaches the loader.
import { randomBytes, randomUUID } from 'node:crypto';
import { AssignerProtocol, Partitioners } from 'kafkajs';
import { afterAll, describe, expect, it } from 'vitest';
import { startChildPlatform, type ChildPlatform } from '../helpers/child-platform.js';
import { allDayDecisionConfig } from '../helpers/decision-config.js';
import { eventually } from '../helpers/eventually.js';
import { eventFixtures } from '../helpers/fixtures.js';
import { gql } from '../helpers/gql.js';
import { connectAdmin } from '../helpers/kafka.js';
import { rest } from '../helpers/rest.js';
import { requireService } from '../helpers/services.js';
import { tmpDir } from '../helpers/tmp.js';
import { FORWARDED_HEADER } from '../../src/api/index.js';
import type { NextResponse } from '../../src/api/rest/schemas.js';

const brokers = requireService('Kafka', 'KAFKA_BROKERS');
const CALLS = 16;
const callId = (i: number) => `call-replica-${i}`;
const customerId = (i: number) => `cust-replica-${i}`;

const VIOLATIONS = `{ dialingViolations { callId rule } }`;

/** The partition of a customer's events among 4 (kafkajs's default partitioner, as the platform's). */
const partitionOf = (customer: string) =>
  Partitioners.DefaultPartitioner()({
    topic: 'any',
    partitionMetadata: [0, 1, 2, 3].map((partitionId) => ({
      partitionId,
      leader: 0,
      partitionErrorCode: 0,
      replicas: [0],
      isr: [0],
    })),
    message: { key: customer, value: null },
  });

/**
 * What the replicas share, changed on A and binding on B at its next
 * request: an API key issued and revoked, a number on the do-not-call
 * register; and whom to dial, ranked over both replicas' customers.
 */
async function sharedAcross(
  a: ChildPlatform,
  b: ChildPlatform,
  shares: { url: string; partitions: number[] }[],
) {
  const issued = await rest(a.url, a.key, '/admin/keys', { name: 'dialer-shared', role: 'dialer' });
  expect(issued.status).toBe(201);
  const dialer = ((await issued.json()) as { key: string }).key;
  expect((await rest(b.url, dialer, '/dialer/next', { limit: 5 })).status).toBe(200);

  const onB = shares.find((s) => s.url === b.url)!.partitions;
  const customer = Array.from({ length: 64 }, (_, i) => `cust-replica-dnc-${i}`).find((c) =>
    onB.includes(partitionOf(c)),
  )!;
  const upd = await rest(a.url, a.key, '/customer/update', {
    customer_id: customer,
    fields: { phone: '13900139000' },
  });
  expect(upd.status).toBe(202);
  await eventually(async () => {
    const { body } = await gql(b.url, `{ customer(id: "${customer}") { phone } }`, b.key);
    expect(body.data!.customer.phone).toBe('13900139000');
  }, 20_000);
  const check = async () => {
    const res = await rest(b.url, dialer, '/outreach/check', {
      customer_id: customer,
      channel: 'call',
    });
    expect(res.status).toBe(200);
    return ((await res.json()) as { reason: string | null }).reason;
  };
  expect(await check()).not.toBe('do_not_call');
  const listed = { source: 'gov-dnc', listed_on: '2026-12-01', phones: ['+86 139 0013 9000'] };
  const imported = await rest(a.url, a.key, '/dnc/import', listed);
  expect(await imported.json()).toEqual({ imported: 1, already: 0, invalid: [] });
  // B's very next decision sees it; B's register has it.
  expect(await check()).toBe('do_not_call');
  expect(await (await rest(b.url, b.key, '/dnc/import', listed)).json()).toMatchObject({
    imported: 0,
    already: 1,
  });

  // Whom to dial: through A, both replicas' customers, each counted once.
  const local = async (via: ChildPlatform) => {
    const res = await fetch(`${via.url}/dialer/next`, {
      method: 'POST',
      headers: { authorization: `Bearer ${dialer}`, [FORWARDED_HEADER]: '1' },
      body: JSON.stringify({ limit: 1000 }),
    });
    return counted((await res.json()) as NextResponse);
  };
  const [here, there] = [await local(a), await local(b)];
  expect(here).toBeGreaterThan(0);
  expect(there).toBeGreaterThan(0);
  const merged = await rest(a.url, dialer, '/dialer/next', { limit: 1000 });
  expect(counted((await merged.json()) as NextResponse)).toBe(here + there);

  const revoked = await fetch(`${a.url}/admin/keys/dialer-shared`, {
    method: 'DELETE',
    headers: { authorization: `Bearer ${a.key}` },
  });
  expect(revoked.status).toBe(200);
  expect((await rest(b.url, dialer, '/dialer/next', { limit: 5 })).status).toBe(401);
}

/** Every customer a ranking looked at: ranked, skipped or deferred. */
const counted = (r: NextResponse) =>
  r.next.length + Object.values(r.skipped).reduce((n, k) => n + k, 0) + r.deferred;

describe.skipIf(!brokers)('decision replicas, one killed mid-call (real broker)', () => {
  const prefix = `it-decide-${randomUUID().slice(0, 8)}`;
  const key = `dw_${'r'.repeat(32)}`;
  const dataKey = randomBytes(32).toString('base64');
  const env = () => ({
    KAFKA_BROKERS: brokers!,
    DIALWISE_TOPIC_PREFIX: prefix,
    DIALWISE_KAFKA_GROUP: prefix,
    DIALWISE_ADMIN_KEY: key,
    DIALWISE_DATA_KEY: dataKey,
    DIALWISE_DATA_DIR: tmpDir(),
    DIALWISE_DECISION_CONFIG: allDayDecisionConfig(),
    DIALWISE_COMMIT_INTERVAL_MS: '200',
  });
  const children: ChildPlatform[] = [];
  afterAll(async () => {
    for (const c of children) c.proc.kill('SIGKILL');
    await Promise.all(children.map((c) => c.exited));
  });

  it(
    'goes on with every call on the replica that takes over, the cap exact on both',
    { timeout: 180_000 },
    async () => {
      const a = await startChildPlatform(env(), 'decide');
      const b = await startChildPlatform(env(), 'decide');
      const loader = await startChildPlatform(env(), 'loader');
      children.push(a, b, loader);
      const admin = await connectAdmin(brokers!);
      const owned = async () => {
        const { groups } = await admin.describeGroups([`${prefix}-workers`]);
        const g = groups[0]!;
        expect(g.state).toBe('Stable');
        return g.members.map((m) => ({
          url: AssignerProtocol.MemberMetadata.decode(m.memberMetadata)!.userData.toString(),
          partitions: Object.values(
            AssignerProtocol.MemberAssignment.decode(m.memberAssignment)!.assignment,
          )[0]!,
        }));
      };
      // Each replica advertises its own address with its share of the partitions.
      const shares = await eventually(async () => {
        const m = await owned();
        expect(m.map((x) => x.url).sort()).toEqual([a.url, b.url].sort());
        return m;
      }, 60_000);
      expect(shares.every((s) => s.partitions.length === 2)).toBe(true);

      // Every request goes to A: B's customers are decided on B through it.
      // The dialer's request id goes with a relayed request to the owner and comes back.
      const say = async (via: ChildPlatform, i: number, text: string) => {
        const requestId = `dialer-${randomUUID()}`;
        const res = await fetch(`${via.url}/dialog/turn`, {
          method: 'POST',
          headers: { authorization: `Bearer ${key}`, 'x-request-id': requestId },
          body: JSON.stringify({
            call_id: callId(i),
            customer_id: customerId(i),
            product_line: 'loan',
            text,
            asr_confidence: 0.9,
          }),
        });
        expect(res.status).toBe(200);
        expect(res.headers.get('x-request-id')).toBe(requestId);
        return (await res.json()) as { state: string; reason: string };
      };
      const context = async (via: ChildPlatform, i: number) => {
        const res = await rest(via.url, key, `/dialog/context?call_id=${callId(i)}`);
        expect(res.status).toBe(200);
        return res.json();
      };
      for (let i = 0; i < CALLS; i++) {
        await say(a, i, '喂，你好');
        await say(a, i, '是我，我们预算大概二十万，下个月要');
      }
      const before = await Promise.all(Array.from({ length: CALLS }, (_, i) => context(a, i)));
      expect(before.every((c) => c.customer_turns === 2)).toBe(true);
      // Through B the same: its own calls, and A's asked of A.
      expect(await Promise.all(Array.from({ length: CALLS }, (_, i) => context(b, i)))).toEqual(
        before,
      );

      // Three calls this week, posted to A: a fourth is refused, whichever replica owns the customer.
      const fx = eventFixtures();
      const dial = async (n: number, hoursAgo = 0) => {
        const ts = new Date(Date.now() - hoursAgo * 3_600_000).toISOString();
        const started = { ...fx.get('call.started'), event_id: randomUUID(), ts };
        const call = { customer_id: 'cust-replica-cap', call_id: `call-replica-cap-${n}` };
        const res = await rest(a.url, key, '/events', [{ ...started, ...call }]);
        expect(res.status).toBe(202);
        const turn = await rest(a.url, key, '/dialog/turn', {
          ...call,
          product_line: 'loan',
          text: '喂，你好',
          asr_confidence: 0.9,
        });
        expect(turn.status).toBe(200);
        return (await turn.json()) as { reason: string };
      };
      for (const n of [1, 2, 3]) expect((await dial(n, 4 - n)).reason).not.toMatch(/^refused/);
      expect((await dial(4)).reason).toBe('refused: frequency_cap');

      await sharedAcross(a, b, shares);

      b.proc.kill('SIGKILL');
      await b.exited;
      // A takes every partition once B's session times out; meanwhile its requests wait.
      for (let i = 0; i < CALLS; i++) {
        const d = await say(a, i, '价格怎么算？');
        expect(d.state).not.toBe('opening');
        const c = await context(a, i);
        expect(c.customer_turns).toBe(3);
        expect(c.slots.budget).toBe(before[i].slots.budget);
        expect(c.last_turns.slice(0, 4)).toEqual(before[i].last_turns.slice(-4));
      }
      expect((await owned()).map((m) => m.partitions.length)).toEqual([4]);
      expect((await dial(5)).reason).toBe('refused: frequency_cap');
      // The replicas' dialing violations are stored by the loader.
      await eventually(async () => {
        const { body } = await gql(loader.url, VIOLATIONS, key);
        expect(body.data!.dialingViolations).toContainEqual({
          callId: 'call-replica-cap-5',
          rule: 'frequency_cap',
        });
      }, 30_000);
      await admin.disconnect();
    },
  );
});
