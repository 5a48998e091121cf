/**
 * Corrections take labels only from the intent taxonomy: at the API edge a
 * correction with another label is refused by index with the reason, and
 * one that reaches the pipeline another way (Kafka) is dead-lettered with
 * it; a correction with a label of the taxonomy is stored.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Platform } from '../../src/app/index.js';
import { createFieldCipher } from '../../src/core/crypto.js';
import { createLogger } from '../../src/core/log.js';
import { migrate, Store } from '../../src/core/store/store.js';
import { INTENT_TAXONOMY, labelProblem } from '../../src/models/intent-taxonomy.js';
import { DuckDbSink, Pipeline } from '../../src/pipelines/index.js';
import { keywordEnricher } from '../helpers/enricher.js';
import { startTestPlatform } from '../helpers/platform.js';
import { rest } from '../helpers/rest.js';
import { tmpDir } from '../helpers/tmp.js';

const correction = (id: string, intent: string) => ({
  event_id: `correction-${id}`,
  type: 'correction.submitted',
  ts: '2026-12-07T02:00:00Z',
  schema_version: 1,
  customer_id: 'c-corr',
  call_id: 'call-corr',
  turn: 3,
  corrected_intent: intent,
  submitted_by: 'agent-li',
});

describe('corrections take labels from the taxonomy', () => {
  it('names the problem of a label the taxonomy lacks, and none for its own labels', () => {
    expect(INTENT_TAXONOMY.labels).toContain('ask_price');
    const ok = correction('a', 'ask_price');
    expect(labelProblem(ok as never)).toBeUndefined();
    expect(labelProblem(correction('b', 'ask_pricee') as never)).toMatch(
      /corrected_intent "ask_pricee" is not an intent of the taxonomy/,
    );
  });

  describe('on a started platform', () => {
    let p: Platform;
    beforeAll(async () => {
      p = await startTestPlatform({ DIALWISE_SIM_RATE: '0' });
    });
    afterAll(() => p?.stop());

    it('refuses the unknown label at POST /events and stores the known one', async () => {
      const res = await rest(p.url, p.adminKey!, '/events', [
        correction('good', 'ask_price'),
        correction('typo', '问价格'),
      ]);
      expect(res.status).toBe(202);
      const body = (await res.json()) as {
        accepted: number;
        rejected: { index: number; reason: string }[];
      };
      expect(body.accepted).toBe(1);
      expect(body.rejected).toEqual([
        { index: 1, reason: expect.stringMatching(/"问价格" is not an intent of the taxonomy/) },
      ]);
      await expect
        .poll(async () =>
          (await p.store.query<{ event_id: string }>('SELECT event_id FROM corrections')).map(
            (r) => r.event_id,
          ),
        )
        .toEqual(['correction-good']);
    });
  });

  it('dead-letters an unknown label that reaches the pipeline another way', async () => {
    const store = await Store.open(join(tmpDir(), 'labels.duckdb'));
    await migrate(store);
    const pipeline = await Pipeline.open({
      sink: new DuckDbSink(store),
      enricher: keywordEnricher(),
      cipher: createFieldCipher(Buffer.alloc(32, 5).toString('base64')),
      logger: createLogger('error'),
      commitIntervalMs: 60_000,
      maxPending: 10_000,
      refuse: labelProblem,
    });
    await pipeline.process([
      { source: 'kafka', value: JSON.stringify(correction('k1', 'ask_price')) },
      { source: 'kafka', value: JSON.stringify(correction('k2', 'not_a_label')) },
    ]);
    await pipeline.flush();
    const stored = await store.query<{ event_id: string }>('SELECT event_id FROM corrections');
    const dead = await store.query<{ reason: string; payload: string }>(
      'SELECT reason, payload FROM dead_letters',
    );
    await pipeline.stop(1_000);
    await store.close();
    expect(stored).toEqual([{ event_id: 'correction-k1' }]);
    expect(dead).toHaveLength(1);
    expect(dead[0]!.reason).toMatch(/"not_a_label" is not an intent of the taxonomy/);
    expect(dead[0]!.payload).toContain('correction-k2');
  });
});
