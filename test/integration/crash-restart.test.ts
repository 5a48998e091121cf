// kill -9 right after the first start (migrations and the first turns only in
// the write-ahead log): the restart replays the log and loses nothing.
import { afterAll, describe, expect, it } from 'vitest';
import { startChildPlatform, type ChildPlatform } from '../helpers/child-platform.js';
import { gql } from '../helpers/gql.js';
import { tmpDir } from '../helpers/tmp.js';

describe('embedded platform killed before its first checkpoint', () => {
  let child: ChildPlatform | undefined;
  afterAll(() => void child?.proc.kill('SIGKILL'));

  it('restarts from the write-ahead log with every turn, numbered and searchable', async () => {
    const env = { DIALWISE_DATA_DIR: tmpDir(), DIALWISE_ADMIN_KEY: `dw_${'k'.repeat(32)}` };
    child = await startChildPlatform(env);
    const turn = (i: number) => ({
      event_id: crypto.randomUUID(),
      type: 'dialog.turn',
      ts: new Date(Date.now() - 1000 + i).toISOString(),
      schema_version: 1,
      customer_id: 'cust-crash',
      call_id: 'call-crash',
      turn: i,
      speaker: i % 2 ? 'customer' : 'agent',
      text: i % 2 ? '我想退款 refund please' : '这个产品保证收益',
      asr_confidence: 0.9,
    });
    const posted = await fetch(`${child.url}/events`, {
      method: 'POST',
      headers: { authorization: `Bearer ${child.key}` },
      body: JSON.stringify([0, 1, 2, 3].map(turn)),
    });
    expect(posted.status).toBe(202); // committed: in the log, not yet checkpointed
    child.proc.kill('SIGKILL');
    await child.exited;

    child = await startChildPlatform(env);
    const { body } = await gql(
      child.url,
      '{ transcripts(text: "refund") { total hits { turn speaker } } }',
      child.key,
    );
    expect(body.data!.transcripts.total).toBe(2);
    expect(body.data!.transcripts.hits.map((h: { turn: number }) => h.turn)).toEqual([3, 1]);
  });
});
