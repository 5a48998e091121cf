// kill -9 in the middle of live calls: the restarted platform goes on with
// every call where it was (state, memory, script version), and the bot's
// turns the pipeline had not committed before the kill are stored after it.
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Store } from '../../src/core/store/store.js';
import { startChildPlatform, type ChildPlatform } from '../helpers/child-platform.js';
import { allDayDecisionConfig } from '../helpers/decision-config.js';
import { eventually } from '../helpers/eventually.js';
import { gql } from '../helpers/gql.js';
import { rest } from '../helpers/rest.js';
import { tmpDir } from '../helpers/tmp.js';

const CALLS = 20;
const callId = (i: number) => `call-kill-${i}`;

describe('platform killed mid-call', () => {
  let child: ChildPlatform | undefined;
  afterAll(() => void child?.proc.kill('SIGKILL'));

  it('continues every live call from its state and memory after kill -9', async () => {
    const env = {
      DIALWISE_DATA_DIR: tmpDir(),
      DIALWISE_ADMIN_KEY: `dw_${'m'.repeat(32)}`,
      DIALWISE_DECISION_CONFIG: allDayDecisionConfig(),
      // Nothing the bot said reaches DuckDB before the kill: only the journal has it.
      DIALWISE_COMMIT_INTERVAL_MS: '60000',
    };
    child = await startChildPlatform(env);
    const say = async (i: number, text: string) => {
      const res = await rest(child!.url, child!.key, '/dialog/turn', {
        call_id: callId(i),
        customer_id: `cust-kill-${i}`,
        product_line: 'loan',
        text,
        asr_confidence: 0.9,
      });
      expect(res.status).toBe(200);
      return (await res.json()) as { state: string; text: string };
    };
    const context = async (i: number) => {
      const res = await rest(child!.url, child!.key, `/dialog/context?call_id=${callId(i)}`);
      expect(res.status).toBe(200);
      return res.json();
    };
    for (let i = 0; i < CALLS; i++) {
      await say(i, '喂，你好');
      await say(i, '是我，我是负责人');
      await say(i, '我们预算大概二十万，下个月要');
    }
    const before = await Promise.all(Array.from({ length: CALLS }, (_, i) => context(i)));
    expect(new Set(before.map((c) => c.state)).has('opening')).toBe(false);
    child.proc.kill('SIGKILL');
    await child.exited;

    // Commits as usual from here.
    child = await startChildPlatform({ ...env, DIALWISE_COMMIT_INTERVAL_MS: '200' });
    const after = await Promise.all(Array.from({ length: CALLS }, (_, i) => context(i)));
    expect(after).toEqual(before);
    for (let i = 0; i < CALLS; i++) {
      await say(i, '价格怎么算？');
      const c = await context(i);
      expect(c.customer_turns).toBe(4);
      // The budget stated before the kill is still known to the call.
      expect(c.slots.budget).toBe(before[i].slots.budget);
      expect(c.last_turns.slice(0, 4)).toEqual(before[i].last_turns.slice(-4));
    }

    // The bot's lines said before the kill were sent again and stored once.
    await eventually(async () => {
      const { body } = await gql(
        child!.url,
        `{ callTranscript(callId: "${callId(0)}") { turns { turn speaker text } } }`,
        child!.key,
      );
      const turns = body.data!.callTranscript?.turns ?? [];
      expect(turns.filter((t: { speaker: string }) => t.speaker === 'bot')).toHaveLength(4);
    });

    // The decision log lost none of the 60 decisions taken before the kill, and holds none twice.
    child.proc.kill('SIGTERM');
    await child.exited;
    child = undefined;
    const store = await Store.open(join(env.DIALWISE_DATA_DIR, 'dialwise.duckdb'));
    const [row] = await store.query<{ decisions: number; distinct: number }>(
      `SELECT count(*)::INTEGER AS decisions, count(DISTINCT decision_id)::INTEGER AS distinct
       FROM decisions WHERE call_id LIKE 'call-kill-%' AND kind = 'turn'`,
    );
    await store.close();
    expect(row).toEqual({ decisions: CALLS * 4, distinct: CALLS * 4 });
  });
});
