import fc from 'fast-check';
import type { Store } from '../../src/core/store/store.js';
import { eventFixtures } from './fixtures.js';

/**
 * Random and adversarial inputs for every way into the platform, and the
 * properties every one of them must keep: no 5xx, no stall, the process
 * healthy, and every accepted event stored exactly once. Run with a fixed
 * seed in CI (test/integration/fuzz.test.ts) and at length in bench/fuzz.ts.
 */

const fixtures = eventFixtures();
const TYPES = [...fixtures.keys()];

/** Values that have broken parsers and stores before: huge, tiny, odd text, deep nesting. */
const nasty = fc.oneof(
  fc.constantFrom(
    2 ** 31,
    1e15,
    -1,
    1e308,
    -0,
    Number.MAX_SAFE_INTEGER,
    '',
    ' ',
    'ls\udc00cust',
    '\ud800',
    '\u0000',
    "=cmd|' /C calc'!A0",
    '"; DROP TABLE calls; --',
    '<script>alert(1)</script>',
    '../../etc/passwd',
    '__proto__',
    'constructor',
    '我要投诉你们，别再打了！',
    'x'.repeat(5_000),
    true,
    null,
  ),
  fc.string({ unit: 'binary', maxLength: 80 }),
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.integer(),
  fc.double(),
  fc.jsonValue({ maxDepth: 3 }),
);

let serial = 0;
/** A unique event id per generated event, so "stored exactly once" can be checked. */
const eventId = () => `fuzz-${process.pid}-${Date.now().toString(36)}-${(serial++).toString(36)}`;

/** The types stored as rows of their own: weighted up, so the exactly-once check has enough to check. */
const STORED = ['dialog.turn', 'web.visit', 'correction.submitted'];

/** An event of a known type with some fields replaced, added or removed. */
export const mutatedEvent = fc
  .record({
    type: fc.oneof(
      { weight: 1, arbitrary: fc.constantFrom(...STORED) },
      { weight: 2, arbitrary: fc.constantFrom(...TYPES) },
    ),
    changes: fc.array(
      fc.record({
        op: fc.constantFrom('set', 'delete', 'add'),
        field: fc.string({ maxLength: 12 }),
        pick: fc.nat(),
        value: nasty,
      }),
      { maxLength: 3 },
    ),
  })
  .map(({ type, changes }) => {
    const e: Record<string, unknown> = { ...fixtures.get(type)!, event_id: eventId() };
    const keys = Object.keys(e).filter((k) => k !== 'event_id');
    for (const c of changes) {
      const key = keys[c.pick % keys.length]!;
      if (c.op === 'set') e[key] = c.value;
      else if (c.op === 'delete') delete e[key];
      else if (c.field !== 'event_id') e[c.field] = c.value;
    }
    return e;
  });

/** Anything at all in the place of an event. */
export const anyEvent = fc.oneof(
  { weight: 4, arbitrary: mutatedEvent },
  { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 4 }) },
);

/** A POST /events body: an array of events, one event, or text that is not quite JSON. */
export const eventsBody = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.array(anyEvent, { minLength: 1, maxLength: 20 }).map((a) => JSON.stringify(a)),
  },
  { weight: 1, arbitrary: anyEvent.map((e) => JSON.stringify(e)) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 200 }) },
  { weight: 1, arbitrary: fc.nat({ max: 3_000 }).map((n) => '['.repeat(n) + ']'.repeat(n)) },
);

const crmFieldName = fc.oneof(
  fc.constantFrom(
    '客户等级',
    '行业',
    '手机',
    'Mobile Phone',
    'Email',
    '身份证号',
    '微信号',
    '地址',
    '公司',
    'Region',
    '年营收(万)',
    '是否决策人',
  ),
  fc.string({ maxLength: 20 }),
);

/** A POST /customer/update body, CRM fields as a CRM exports them, and worse. */
export const crmBody = fc
  .record({
    customer_id: fc.oneof(fc.constantFrom('fuzz-crm-1', 'fuzz-crm-2'), nasty),
    fields: fc.oneof(fc.dictionary(crmFieldName, nasty, { maxKeys: 8 }), nasty),
    event_id: fc.option(fc.constant(null).map(eventId), { nil: undefined }),
  })
  .map((b) => JSON.stringify(b));

/** Mostly a sensible value, sometimes a nasty one. */
const mostly = <T>(ok: fc.Arbitrary<T>) =>
  fc.oneof({ weight: 5, arbitrary: ok }, { weight: 1, arbitrary: nasty });

/** A POST /dialog/turn body as a voice bot sends it, with some fields bent. */
export const turnBody = fc
  .record({
    n: fc.integer({ min: 1, max: 5 }),
    call_id: fc.option(nasty, { nil: undefined, freq: 6 }),
    customer_id: fc.option(nasty, { nil: undefined, freq: 6 }),
    text: mostly(
      fc.oneof(
        fc.constantFrom('你好', '以后别给我打电话了', '多少钱', '快点', '是的，我是老板'),
        fc.string({ maxLength: 60 }),
      ),
    ),
    asr_confidence: mostly(fc.double({ min: 0, max: 1, noNaN: true })),
    extra: fc.oneof(
      { weight: 8, arbitrary: fc.constant(undefined) },
      { weight: 1, arbitrary: nasty },
    ),
  })
  // A call keeps its customer, but now and then an id is bent.
  .map(({ n, call_id, customer_id, extra, ...b }) =>
    JSON.stringify({
      call_id: call_id === undefined ? `fuzz-call-${n}` : call_id,
      customer_id: customer_id === undefined ? `fuzz-cust-${n}` : customer_id,
      ...b,
      ...(extra === undefined ? {} : { extra }),
    }),
  );

const QUERIES = [
  '{ totals { calls eventsIngested } }',
  '{ kpis(by: REGION) { key calls conversionRate } }',
  '{ kpiTrend(bucket: HOUR) { key at calls } }',
  '{ customers(limit: 5) { customers { customerId } nextCursor } }',
  '{ alerts { ruleId status } }',
  '{ flaggedCalls(limit: 5) { total calls { callId risk } } }',
  '{ models { model version } }',
  '{ me { name role } }',
];

/** A GraphQL request: known queries with random arguments, aliases, fragments, or noise. */
export const graphqlBody = fc
  .oneof(
    fc.constantFrom(...QUERIES).map((query) => ({ query })),
    fc.record({ text: nasty, from: nasty, limit: nasty, id: nasty }).map((v) => ({
      query:
        'query($text: SearchText!, $from: DateTime, $limit: Int, $id: ID!) { transcripts(text: $text, from: $from, limit: $limit) { total } customer(id: $id) { customerId personal { kind value } } }',
      variables: v,
    })),
    fc.array(fc.constantFrom(...QUERIES), { minLength: 1, maxLength: 40 }).map((qs) => ({
      query: `{ ${qs.map((q, i) => `a${i}: ${q.slice(2, -2)}`).join(' ')} }`,
    })),
    fc.nat({ max: 40 }).map((depth) => {
      let doc = 'fragment F0 on Query { totals { calls } }\n';
      for (let i = 1; i <= depth; i++)
        doc += `fragment F${i} on Query { ...F${i - 1} ...F${i - 1} }\n`;
      return { query: `{ ...F${depth} }\n${doc}` };
    }),
    fc.string({ maxLength: 300 }).map((query) => ({ query })),
    nasty.map((query) => ({ query })),
  )
  .map((b) => JSON.stringify(b));

export interface FuzzTarget {
  path: string;
  body: fc.Arbitrary<string>;
  /** The role whose key sends it. */
  role: 'dialer' | 'analyst' | 'admin';
}

export const TARGETS: FuzzTarget[] = [
  { path: '/events', body: eventsBody, role: 'dialer' },
  { path: '/customer/update', body: crmBody, role: 'dialer' },
  { path: '/dialog/turn', body: turnBody, role: 'dialer' },
  {
    path: '/compliance/bot-line',
    body: nasty.map((t) => JSON.stringify({ text: t })),
    role: 'dialer',
  },
  {
    path: '/dialer/next',
    body: mostly(fc.integer({ min: 1, max: 1000 })).map((limit) => JSON.stringify({ limit })),
    role: 'dialer',
  },
  { path: '/graphql', body: graphqlBody, role: 'analyst' },
  { path: '/graphql', body: graphqlBody, role: 'admin' },
];

export interface FuzzOutcome {
  requests: number;
  /** Answers by status, per target path. */
  statuses: Record<string, Record<number, number>>;
  serverErrors: { path: string; status: number; body: string; sent: string }[];
  stalls: { path: string; sent: string }[];
  /** Events POST /events answered as accepted (by id, for the exactly-once check). */
  accepted: Record<string, unknown>[];
}

/** Sends `numRuns` inputs per target; records 5xx answers and stalls (no answer within `stallMs`). */
export async function fuzzApi(
  url: string,
  keys: Record<FuzzTarget['role'], string>,
  opts: { numRuns: number; seed: number; stallMs?: number },
): Promise<FuzzOutcome> {
  const out: FuzzOutcome = {
    requests: 0,
    statuses: {},
    serverErrors: [],
    stalls: [],
    accepted: [],
  };
  for (const [i, target] of TARGETS.entries()) {
    await fc.assert(
      fc.asyncProperty(target.body, async (sent) => {
        out.requests++;
        let res: Response;
        try {
          res = await fetch(`${url}${target.path}`, {
            method: 'POST',
            headers: {
              authorization: `Bearer ${keys[target.role]}`,
              'content-type': 'application/json',
            },
            body: sent,
            signal: AbortSignal.timeout(opts.stallMs ?? 15_000),
          });
        } catch {
          out.stalls.push({ path: target.path, sent: sent.slice(0, 300) });
          return;
        }
        const text = await res.text();
        const seen = (out.statuses[target.path] ??= {});
        seen[res.status] = (seen[res.status] ?? 0) + 1;
        if (res.status >= 500)
          out.serverErrors.push({
            path: target.path,
            status: res.status,
            body: text.slice(0, 300),
            sent: sent.slice(0, 300),
          });
        if (target.path === '/events' && res.status === 202) {
          const { rejected } = JSON.parse(text) as { rejected: { index: number }[] };
          const parsed: unknown = JSON.parse(sent);
          const list = Array.isArray(parsed) ? parsed : [parsed];
          const bad = new Set(rejected.map((r) => r.index));
          list.forEach((e, j) => bad.has(j) || out.accepted.push(e as Record<string, unknown>));
        }
      }),
      { numRuns: opts.numRuns, seed: opts.seed + i, endOnFailure: true },
    );
  }
  return out;
}

/**
 * Of the accepted events that leave a row of their own (turns, visits,
 * corrections), those not stored exactly once: as their row, or once as a
 * dead letter with the store's reason (a call_id another customer owns).
 */
export async function storedOnce(
  store: Store,
  accepted: Record<string, unknown>[],
): Promise<{ checked: number; notOnce: { event_id: string; n: number }[] }> {
  const ids = accepted
    .filter((e) => STORED.includes(String(e.type)))
    .map((e) => String(e.event_id));
  if (ids.length === 0) return { checked: 0, notOnce: [] };
  const list = `[${ids.map((id) => `'${id.replaceAll("'", "''")}'`).join(',')}]`;
  const counts = await store.query<{ event_id: string; n: number }>(
    `WITH ids AS (SELECT unnest(${list}::VARCHAR[]) AS event_id)
     SELECT ids.event_id,
       ((SELECT count(*) FROM turns t WHERE t.event_id = ids.event_id)
        + (SELECT count(*) FROM web_visits v WHERE v.event_id = ids.event_id)
        + (SELECT count(*) FROM corrections c WHERE c.event_id = ids.event_id)
        + (SELECT count(*) FROM dead_letters d WHERE d.source = 'store'
             AND contains(d.payload, ids.event_id)))::INTEGER AS n
     FROM ids`,
  );
  return { checked: ids.length, notOnce: counts.filter((c) => c.n !== 1) };
}
