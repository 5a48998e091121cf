import { existsSync, readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ErasureReport } from '../../src/api/index.js';
import { startPlatform, storePath, type Platform } from '../../src/app/index.js';
import { loadTestConfig } from '../helpers/config.js';
import { customerStory } from '../helpers/erasure.js';
import { eventually } from '../helpers/eventually.js';
import { gql } from '../helpers/gql.js';
import { rest } from '../helpers/rest.js';
import { tmpDir } from '../helpers/tmp.js';

const ID = 'cust-erase-001';
const OTHER = 'cust-stays-002';
const NAME = '欧阳娜娜';
const PHONE = '+86 139 8765 4321';
const WORD = 'xylophonequartz';
const KEPT_WORD = 'zebrafinchkept';

const CUSTOMER = `query($id: ID!) { customer(id: $id) { customerId name phone calls
  consentChanges { scope granted } recentCalls { callId } } }`;
const BY_PHONE = `query($p: String!) { customerByPhone(phone: $p) { customerId } }`;
const SEARCH = `query($t: SearchText!) { transcripts(text: $t, limit: 50) { total hits { customerId text } } }`;

describe('erasure on request, end to end', () => {
  let p: Platform;
  let db: string;
  const files = () => [db, `${db}.wal`].filter((f) => existsSync(f));
  /** Which of these strings occur in the bytes of the DuckDB file or its WAL. */
  const inFiles = (...needles: string[]) =>
    needles.filter((n) => files().some((f) => readFileSync(f).includes(Buffer.from(n))));
  const q = (query: string, variables: Record<string, unknown>) =>
    gql(p.url, query, p.adminKey, variables);
  const searched = async (text: string) =>
    (await q(SEARCH, { t: text })).body.data!.transcripts as {
      total: number;
      hits: { customerId: string; text: string }[];
    };

  beforeAll(async () => {
    const dataDir = tmpDir();
    const config = loadTestConfig({
      env: { DIALWISE_PORT: '0', DIALWISE_DATA_DIR: dataDir, DIALWISE_LOG_LEVEL: 'warn' },
    });
    db = storePath(config);
    p = await startPlatform(config);
    const story = [
      ...customerStory(ID, { name: NAME, phone: PHONE, word: WORD }),
      ...customerStory(OTHER, { name: '王伟', phone: '+86 138 1111 2222', word: KEPT_WORD }),
    ];
    const res = await rest(p.url, p.adminKey, '/events', story);
    expect(res.status).toBeLessThan(300);
    // A dead letter of theirs: an invalid turn that names them.
    const bad = { ...story[4], event_id: `${ID}-bad-0000`, turn: -1, text: `${NAME} ${WORD}` };
    expect((await rest(p.url, p.adminKey, '/events', bad)).status).toBe(400);
    // The transcript index has caught up with the turns (search reads the rest from turns).
    await eventually(async () => {
      const [row] = await p.store.query<{ behind: boolean }>(
        `SELECT (SELECT max(seq) FROM turns) > COALESCE((SELECT max(last_seq) FROM search_segments), 0) AS behind`,
      );
      expect(row!.behind).toBe(false);
    });
  });
  afterAll(() => p?.stop());

  it('finds the customer before: GraphQL, phone look-up, search, dead letters, the bytes', async () => {
    const c = (await q(CUSTOMER, { id: ID })).body.data!.customer;
    expect(c).toMatchObject({ customerId: ID, name: NAME, phone: PHONE, calls: 1 });
    expect(c.consentChanges.length).toBeGreaterThanOrEqual(2);
    expect((await q(BY_PHONE, { p: PHONE })).body.data!.customerByPhone).toEqual({
      customerId: ID,
    });
    expect((await searched(WORD)).hits.every((h) => h.customerId === ID)).toBe(true);
    const letters = await (await rest(p.url, p.adminKey, '/dead-letters')).json();
    expect(JSON.stringify(letters)).toContain(ID);
    // Their words are in the clear in the store (turns, the index; the bot said their name);
    // name and phone as CRM fields are sealed.
    expect(inFiles(WORD, NAME, KEPT_WORD)).toEqual([WORD, NAME, KEPT_WORD]);
    expect(inFiles(PHONE, PHONE.replace(/\D/g, ''))).toEqual([]);
  });

  it('erases them over REST and reports what was erased where', async () => {
    const res = await rest(p.url, p.adminKey, `/customers/${ID}/erase`, {});
    expect(res.status).toBe(200);
    const report = (await res.json()) as ErasureReport;
    if (process.env.SHOW_REPORT) console.log(JSON.stringify(report, null, 2));
    expect(report).toMatchObject({ customer_id: ID, requested_by: 'local-admin' });
    expect(report.pseudonym).toMatch(/^erased:/);
    expect(report.erased).toMatchObject({
      profiles: 1,
      turns: 4,
      calls: 1,
      web_visits: 1,
      corrections: 1,
      dead_letters: 1,
      search_index: 4,
      audited_searches: 1,
    });
    expect(report.erased.compliance_hits).toBeGreaterThan(0);
    // The SMS reply and the opt-out heard on the call: kept, pseudonymised.
    expect(report.kept.consent_changes).toBeGreaterThanOrEqual(2);
    const proof = await p.store.query<{ customer_id: string; text_enc: string | null }>(
      'SELECT customer_id, text_enc FROM consent_changes WHERE customer_id = ?',
      [report.pseudonym],
    );
    expect(proof).toHaveLength(report.kept.consent_changes);
    expect(proof.every((r) => r.text_enc === null)).toBe(true);
    const audits = await p.store.query<{ principal: string; target: string }>(
      "SELECT principal, target FROM audit_log WHERE action = 'customer.erase'",
    );
    expect(audits).toEqual([{ principal: 'local-admin', target: ID }]);
  });

  it('finds them nowhere after: the bytes of the file and its WAL, GraphQL, REST, search', async () => {
    // First: a search after the erasure is audited with its terms, as any search is.
    expect(inFiles(NAME, PHONE, PHONE.replace(/\D/g, ''), WORD)).toEqual([]);
    expect(inFiles(KEPT_WORD)).toEqual([KEPT_WORD]);
    expect((await q(CUSTOMER, { id: ID })).body.data!.customer).toBeNull();
    expect((await q(BY_PHONE, { p: PHONE })).body.data!.customerByPhone).toBeNull();
    expect(await searched(WORD)).toMatchObject({ total: 0, hits: [] });
    expect((await searched(NAME)).total).toBe(0);
    const letters = await (await rest(p.url, p.adminKey, '/dead-letters')).json();
    expect(JSON.stringify(letters)).not.toContain(ID);
    expect(JSON.stringify(letters)).not.toContain(WORD);
    // The other customer is untouched.
    expect((await searched(KEPT_WORD)).total).toBe(2);
    expect((await q(CUSTOMER, { id: OTHER })).body.data!.customer).toMatchObject({ calls: 1 });
  });

  it('takes the customer in again as a new, empty profile; refuses other roles', async () => {
    const visit = { ...customerStory(ID, { name: NAME, phone: PHONE, word: WORD })[1] };
    await rest(p.url, p.adminKey, '/events', { ...visit, event_id: `${ID}-again-0000` });
    const c = (await q(CUSTOMER, { id: ID })).body.data!.customer;
    expect(c).toMatchObject({ name: null, phone: null, calls: 0, consentChanges: [] });
    const analyst = await gql(
      p.url,
      'mutation { createApiKey(name: "ana", role: analyst) { key } }',
      p.adminKey,
    );
    const key = analyst.body.data?.createApiKey?.key as string | undefined;
    expect(key).toBeTruthy();
    expect((await rest(p.url, key!, `/customers/${ID}/erase`, {})).status).toBe(403);
    const denied = await p.store.query(
      "SELECT 1 FROM audit_log WHERE action = 'customer.erase.denied' AND principal = 'ana'",
    );
    expect(denied).toHaveLength(1);
  });
});
