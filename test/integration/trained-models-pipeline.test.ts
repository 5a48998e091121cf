import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPlatform, type Platform } from '../../src/app/index.js';
import { loadTestConfig } from '../helpers/config.js';
import { saveTextModel } from '../../src/models/text/model-folder.js';
import { trainTextClassifier } from '../../src/training/text/index.js';
import { TINY_OPTIONS } from '../unit/text-fixtures.js';
import { tmpDir } from '../helpers/tmp.js';

// A campaign's own intent set (labels are data): the simulator's customers
// say these things, in Chinese and English.
const CAMPAIGN: Record<string, string[]> = {
  sign_up: ['好的，那就办理吧', 'sounds good, sign me up', '价格可以，我要了', 'ok let us do it'],
  asks_price: ['听起来不错，多少钱', 'what does it cost', '这个多少钱', 'how much is it'],
  call_later: ['晚点再打给我', 'call me back tomorrow morning', '我现在在开会', 'not now, later'],
  refuses: ['不需要，谢谢', "no thanks, i'm not interested", '我不要', 'not interested at all'],
  complains: [
    '我要投诉',
    'stop calling me, i will file a complaint',
    '你们怎么又打电话来了',
    'this is harassment',
  ],
  undecided: ['我再考虑一下', "i'll think about it", '让我想想', 'let me think'],
};
const records = Object.entries(CAMPAIGN).flatMap(([label, texts]) =>
  texts.flatMap((t) => ['', '。', '!', ' ok'].map((s) => ({ text: t + s, label }))),
);

describe('the pipeline with a trained intent model (DIALWISE_INTENT_MODEL)', () => {
  let p: Platform;

  beforeAll(async () => {
    const modelDir = join(mkdtempSync(join(tmpdir(), 'dialwise-intent-')), 'model');
    const { model } = await trainTextClassifier(records, { ...TINY_OPTIONS, maxFalseFlag: 0 });
    await saveTextModel(model, modelDir);
    model.dispose();
    p = await startPlatform(
      loadTestConfig({
        env: {
          DIALWISE_PORT: '0',
          DIALWISE_DATA_DIR: tmpDir(),
          DIALWISE_LOG_LEVEL: 'warn',
          DIALWISE_INTENT_MODEL: modelDir,
        },
      }),
      { simulate: { calls: 200, seed: 5, ratePerSec: 0 } },
    );
    await p.waitForIdle();
  }, 60_000);
  afterAll(() => p?.stop());

  it("labels customer turns with the campaign's own intents", async () => {
    const rows = await p.store.query<{ intent: string; n: number }>(
      `SELECT intent, count(*)::INTEGER AS n FROM turns WHERE speaker = 'customer' GROUP BY intent`,
    );
    expect(rows.length).toBeGreaterThan(3);
    for (const r of rows) expect(Object.keys(CAMPAIGN)).toContain(r.intent);
  });

  it('understands what the simulated customers say', async () => {
    const rows = await p.store.query<{ text: string; intent: string }>(
      `SELECT DISTINCT text, intent FROM turns WHERE speaker = 'customer'`,
    );
    const want: Record<string, string> = {
      '好的，那就办理吧。': 'sign_up',
      'Can you call me back tomorrow morning?': 'call_later',
      '不需要，谢谢。': 'refuses',
      '我再考虑一下。': 'undecided',
    };
    const got = Object.fromEntries(rows.map((r) => [r.text, r.intent]));
    for (const [text, intent] of Object.entries(want)) expect(got[text]).toBe(intent);
  });
});
