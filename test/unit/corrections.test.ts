/**
 * Agents' corrections: what a correction may say (the served intent
 * model's labels, else the registry champion's, else the taxonomy's; the
 * slots the extractor knows), the refusals, the event a checked input
 * becomes, a slot correction from the event through the store into the
 * record the next retrain exports (an unknown label dead-lettered), and
 * the dashboard's edit of a turn.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { correctionEvent, correctionProblem } from '../../src/api/correction-rules.js';
import { correctionVocabulary, heardSlots } from '../../src/api/correction-vocabulary.js';
import { createFieldCipher } from '../../src/core/crypto.js';
import { parseEvent } from '../../src/core/events/index.js';
import { createLogger } from '../../src/core/log.js';
import { migrate, Store } from '../../src/core/store/store.js';
import {
  correctionEventProblem,
  servedVocabulary,
  type CorrectionVocabulary,
} from '../../src/models/correction-labels.js';
import { INTENT_TAXONOMY } from '../../src/models/intent-taxonomy.js';
import { createKeywordModels } from '../../src/models/keyword/index.js';
import { ModelRegistry } from '../../src/models/registry.js';
import type { TextClassifier } from '../../src/models/text/classifier.js';
import { saveTextModel } from '../../src/models/text/model-folder.js';
import { createTrainedModels } from '../../src/models/trained-models.js';
import { CORRECTABLE_SLOTS } from '../../src/models/types.js';
import { DuckDbSink, Pipeline } from '../../src/pipelines/index.js';
import { readCorrections } from '../../src/training/index.js';
import { correctionOf, turnState } from '../../src/dashboard/views/corrections/correction-diff.js';
import { trainTextClassifier } from '../../src/training/text/index.js';
import { keywordEnricher } from '../helpers/enricher.js';
import { tmpDir } from '../helpers/tmp.js';
import { TINY_OPTIONS, tinyIntentRecords } from './text-fixtures.js';

const vocab: CorrectionVocabulary = {
  intents: ['ask_price', 'opt_out'],
  slots: ['budget', 'competitor'],
};

describe('what a correction may say', () => {
  it.each([
    [{ intent: 'ask_price' }, undefined],
    [{ text: '多少钱', slots: [{ name: 'budget', value: '二十万' }] }, undefined],
    [{ slots: [{ name: 'competitor', value: null }] }, undefined],
    [{}, /an empty correction/],
    [{ slots: [] }, /an empty correction/],
    [{ text: '   ' }, /corrected text is empty/],
    [{ intent: 'ask_pricee' }, /"ask_pricee" is not a label .*allowed: ask_price, opt_out/],
    [
      { slots: [{ name: 'mood', value: 'x' }] },
      /"mood" is not a slot .*allowed: budget, competitor/,
    ],
    [
      {
        slots: [
          { name: 'budget', value: '1' },
          { name: 'budget', value: '2' },
        ],
      },
      /"budget" is given twice/,
    ],
  ])('%j → %s', (input, problem) => {
    const got = correctionProblem(input, vocab);
    if (problem === undefined) expect(got).toBeUndefined();
    else expect(got).toMatch(problem);
  });

  it('builds the event as the signed-in principal, trimmed, and the schema takes it', () => {
    const e = correctionEvent(
      {
        callId: 'call-1',
        turn: 3,
        text: ' 我预算二十万 ',
        intent: 'ask_price',
        slots: [
          { name: 'budget', value: ' 二十万 ' },
          { name: 'competitor', value: null },
        ],
      },
      {
        eventId: 'correction-x',
        ts: '2026-12-07T02:00:00.000Z',
        customerId: 'c-1',
        submittedBy: 'agent-li',
      },
    );
    expect(e).toMatchObject({
      customer_id: 'c-1',
      corrected_text: '我预算二十万',
      corrected_slots: { budget: '二十万', competitor: null },
      submitted_by: 'agent-li',
    });
    expect(parseEvent(e).ok).toBe(true);
    const textOnly = correctionEvent(
      { callId: 'call-1', turn: 3, text: 'x' },
      { eventId: 'correction-y', ts: e.ts, customerId: 'c-1', submittedBy: 'a' },
    );
    expect(Object.keys(textOnly)).not.toContain('corrected_intent');
    expect(Object.keys(textOnly)).not.toContain('corrected_slots');
  });

  it('refuses a raw event with a label the served models do not know; other events pass', () => {
    const raw = (extra: object) => {
      const r = parseEvent({
        event_id: 'correction-raw',
        type: 'correction.submitted',
        ts: '2026-12-07T02:00:00Z',
        schema_version: 1,
        customer_id: 'c',
        call_id: 'k',
        turn: 1,
        submitted_by: 'a',
        ...extra,
      });
      if (!r.ok) throw new Error(r.reason);
      return r.event;
    };
    expect(correctionEventProblem(raw({ corrected_intent: 'opt_out' }), vocab)).toBeUndefined();
    expect(correctionEventProblem(raw({ corrected_intent: 'nope' }), vocab)).toMatch(/"nope"/);
    expect(correctionEventProblem(raw({ corrected_slots: { mood: 'x' } }), vocab)).toMatch(
      /"mood"/,
    );
    // An event of before corrected_slots existed still parses.
    expect(correctionEventProblem(raw({}), vocab)).toBeUndefined();
  });

  it('bounds corrected_slots in the event schema', () => {
    const base = {
      event_id: 'correction-bounds',
      type: 'correction.submitted',
      ts: '2026-12-07T02:00:00Z',
      schema_version: 1,
      customer_id: 'c',
      call_id: 'k',
      turn: 1,
      submitted_by: 'a',
    };
    const many = Object.fromEntries(Array.from({ length: 17 }, (_, i) => [`s${i}`, 'v']));
    expect(parseEvent({ ...base, corrected_slots: many })).toMatchObject({ ok: false });
    expect(parseEvent({ ...base, corrected_slots: { budget: 'x'.repeat(129) } })).toMatchObject({
      ok: false,
    });
    expect(parseEvent({ ...base, corrected_slots: { budget: '' } })).toMatchObject({ ok: false });
  });
});

describe('the vocabulary follows the served intent model', () => {
  const root = tmpDir('dialwise-correction-vocab-');
  const registry = new ModelRegistry(join(root, 'registry'), ['intent']);
  let model: TextClassifier;
  beforeAll(async () => {
    ({ model } = await trainTextClassifier(tinyIntentRecords(), TINY_OPTIONS));
  });
  afterAll(() => model?.dispose());

  it('takes the taxonomy for the keyword rules, the trained model its own labels', async () => {
    const keyword = createKeywordModels();
    expect(await correctionVocabulary({ registry, turn: () => keyword })).toEqual({
      intents: INTENT_TAXONOMY.labels,
      slots: CORRECTABLE_SLOTS,
    });
    const trained = createTrainedModels({ intent: model });
    const v = await correctionVocabulary({ registry, turn: () => trained });
    expect([...v.intents].sort()).toEqual(['balance', 'card_lost', 'greeting', 'transfer']);
    expect(v.intents).not.toContain('ask_price');
  });

  it('where no models are served (the loader): the champion, else the taxonomy', async () => {
    expect((await correctionVocabulary({ registry })).intents).toEqual(INTENT_TAXONOMY.labels);
    const dir = join(root, 'model');
    await saveTextModel(model, dir);
    const meta = { parent: null, dataSha256: 'x', params: {}, metrics: {} };
    const v = await registry.register('intent', dir, meta);
    await registry.setAlias('intent', 'champion', v.version);
    expect((await correctionVocabulary({ registry })).intents).toEqual(model.labels);
  });

  it('hears the slots of a text with the served extractor', () => {
    const keyword = createKeywordModels();
    expect(heardSlots({ registry, turn: () => keyword }, '预算二十万左右，下个月再说')).toEqual([
      { name: 'budget', value: expect.stringContaining('二十万') },
      { name: 'timeline', value: '下个月' },
    ]);
  });
});

describe('slot corrections reach the exported records', () => {
  it('merges a turn’s fixes (latest per slot), keeps slot-only turns out of training, dead-letters unknown labels', async () => {
    const store = await Store.open(join(tmpDir(), 'corrections.duckdb'));
    await migrate(store);
    const pipeline = await Pipeline.open({
      sink: new DuckDbSink(store),
      enricher: keywordEnricher(),
      cipher: createFieldCipher(Buffer.alloc(32, 5).toString('base64')),
      logger: createLogger('error'),
      commitIntervalMs: 60_000,
      maxPending: 10_000,
      refuse: (e) => correctionEventProblem(e, servedVocabulary(createKeywordModels())),
    });
    const ev = (id: string, ts: string, extra: object) => ({
      event_id: `slot-test-${id}`,
      ts,
      schema_version: 1,
      customer_id: 'c-slot',
      call_id: 'call-slot',
      ...extra,
    });
    const turn = (n: number, text: string) =>
      ev(`turn-${n}`, '2026-12-07T01:00:00Z', {
        type: 'dialog.turn',
        turn: n,
        speaker: 'customer',
        text,
        asr_confidence: 0.8,
      });
    const fix = (id: string, ts: string, n: number, extra: object) =>
      ev(id, ts, { type: 'correction.submitted', turn: n, submitted_by: 'agent-li', ...extra });
    await pipeline.process(
      [
        turn(1, '预算二十万'),
        turn(2, '我们在用别家'),
        fix('fix-a', '2026-12-07T02:00:00Z', 1, {
          corrected_intent: 'inform_budget',
          corrected_slots: { budget: '二十五万', competitor: 'x' },
        }),
        fix('fix-b', '2026-12-07T02:01:00Z', 1, { corrected_slots: { competitor: null } }),
        fix('fix-c', '2026-12-07T02:02:00Z', 2, { corrected_slots: { competitor: '某银行' } }),
        fix('fix-d', '2026-12-07T02:03:00Z', 2, { corrected_intent: 'balance' }),
      ].map((e) => ({ source: 'test', value: JSON.stringify(e) })),
    );
    await pipeline.flush();
    const { records, skipped } = await readCorrections(store, 'unit test');
    const dead = await store.query<{ reason: string }>('SELECT reason FROM dead_letters');
    await pipeline.stop(1_000);
    await store.close();
    expect(skipped).toBe(1); // turn 2: slots only, nothing for the intent model
    expect(records).toEqual([
      expect.objectContaining({
        text: '预算二十万',
        label: 'inform_budget',
        slots: { budget: '二十五万', competitor: null },
      }),
    ]);
    // The keyword rules serve: "balance" is no label of the taxonomy.
    expect(dead).toEqual([{ reason: expect.stringMatching(/intent "balance" is not a label/) }]);
  });
});

describe('the dashboard’s edit of a turn', () => {
  const heard = {
    turn: 2,
    speaker: 'customer',
    text: '下周再打给我',
    ts: '2026-12-07T01:00:00.000Z',
    intent: 'request_callback',
    slots: [
      { name: 'timeline', value: '下周' },
      { name: 'budget', value: '十万' },
    ],
  };
  const fix = (at: string, extra: object) => ({
    eventId: at,
    callId: 'k',
    turn: 2,
    submittedBy: 'a',
    submittedAt: at,
    originalText: heard.text,
    originalIntent: heard.intent,
    originalSlots: heard.slots,
    correctedText: null,
    correctedIntent: null,
    correctedSlots: [],
    ...extra,
  });

  it('applies the corrections oldest first over what was heard', () => {
    // Newest first, as the server lists them.
    const state = turnState(heard, [
      fix('2', { correctedSlots: [{ name: 'budget', value: null }] }),
      fix('1', { correctedText: '多少钱', correctedIntent: 'ask_price' }),
      { ...fix('0', { correctedIntent: 'opt_out' }), turn: 3 },
    ]);
    expect(state).toEqual({
      text: '多少钱',
      intent: 'ask_price',
      slots: { timeline: '下周', budget: null },
      corrected: true,
    });
    expect(turnState(heard, []).corrected).toBe(false);
  });

  it('sends only what the edit changes: a cleared slot as not said', () => {
    const state = turnState(heard, []);
    const same = {
      text: heard.text,
      intent: 'request_callback',
      slots: { timeline: '下周', budget: '十万' },
    };
    expect(correctionOf(state, same)).toBeNull();
    expect(
      correctionOf(state, { ...same, text: ' 多少钱 ', slots: { timeline: '下周', budget: '' } }),
    ).toEqual({
      text: '多少钱',
      slots: [{ name: 'budget', value: null }],
    });
    expect(
      correctionOf(state, {
        ...same,
        intent: 'ask_price',
        slots: { ...same.slots, competitor: '某行' },
      }),
    ).toEqual({
      intent: 'ask_price',
      slots: [{ name: 'competitor', value: '某行' }],
    });
  });
});
