import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createKeywordModels } from '../../src/models/keyword/index.js';
import type { TextClassifier } from '../../src/models/text/classifier.js';
import { EMOTION_MAP, mapEmotion } from '../../src/models/text/emotion-map.js';
import { createTrainedModels, RememberedClassifier } from '../../src/models/trained-models.js';
import { trainTextClassifier } from '../../src/training/text/index.js';
import { TINY_OPTIONS, tinyIntentRecords } from './text-fixtures.js';

describe('mapEmotion', () => {
  it.each([
    [['anger', 'joy', 'neutral'], [0.7, 0.1, 0.2], 'angry'],
    [['anger', 'joy', 'neutral'], [0.1, 0.8, 0.1], 'positive'],
    // Three weak negatives together outweigh the single largest label.
    [['sadness', 'fear', 'disgust', 'neutral'], [0.2, 0.2, 0.2, 0.4], 'negative'],
    [['happy', 'relaxed', 'neutral'], [0.3, 0.3, 0.4], 'positive'],
  ])('%j %j → %s', (labels, probs, want) => {
    const r = mapEmotion(labels, probs);
    expect(r.label).toBe(want);
    expect(r.valence).toBeGreaterThanOrEqual(-1);
    expect(r.valence).toBeLessThanOrEqual(1);
    if (want === 'positive') expect(r.valence).toBeGreaterThan(0);
    if (want === 'negative' || want === 'angry') expect(r.valence).toBeLessThan(0);
  });

  it('covers every GoEmotions (Ekman) and CPED label', () => {
    const ekman = ['anger', 'disgust', 'fear', 'joy', 'neutral', 'sadness', 'surprise'];
    const cped = [
      'happy',
      'grateful',
      'relaxed',
      'positive-other',
      'neutral',
      'anger',
      'sadness',
      'fear',
      'depress',
      'disgust',
      'astonished',
      'worried',
      'negative-other',
    ];
    for (const l of [...ekman, ...cped]) expect(EMOTION_MAP[l], l).toBeDefined();
  });

  it('treats an unknown label as neutral', () => {
    expect(mapEmotion(['bored', 'joy'], [0.9, 0.1])).toEqual({ label: 'neutral', valence: 0.08 });
  });
});

describe('createTrainedModels', () => {
  let intent: TextClassifier;
  let emotion: TextClassifier;
  beforeAll(async () => {
    ({ model: intent } = await trainTextClassifier(tinyIntentRecords(), TINY_OPTIONS));
    const feelings = [
      ['i love this, thank you so much', 'joy'],
      ['this is great, wonderful news', 'joy'],
      ['you are useless, i am furious', 'anger'],
      ['stop calling me, this makes me angry', 'anger'],
      ['ok', 'neutral'],
      ['the meeting is at noon', 'neutral'],
    ];
    const records = feelings.flatMap(([text, label]) =>
      ['', ' really', ' today', ' now'].map((s) => ({ text: text + s, label: label! })),
    );
    ({ model: emotion } = await trainTextClassifier(records, {
      ...TINY_OPTIONS,
      task: 'emotion',
      maxFalseFlag: 0,
    }));
  });
  afterAll(() => {
    intent.dispose();
    emotion.dispose();
  });

  it('answers intent and emotion from the trained models', () => {
    const m = createTrainedModels({ intent, emotion });
    expect(m.intent('i lost my card')).toMatchObject({ intent: 'card_lost', outOfScope: false });
    expect(m.emotion('i am furious, you are useless').label).toBe('angry');
    expect(m.emotion('thank you, wonderful').label).toBe('positive');
    expect(m.version).toContain(intent.meta.data.sha256.slice(0, 8));
  });

  it('batch methods agree with the single ones', () => {
    const m = createTrainedModels({ intent, emotion });
    const texts = ['what is my balance', '我要转账', 'stop calling me'];
    expect(m.intentBatch!(texts)).toEqual(texts.map((t) => m.intent(t)));
    expect(m.emotionBatch!(texts)).toEqual(texts.map((t) => m.emotion(t)));
  });

  it('keeps keyword compliance and slots, and the impatience cue', () => {
    const m = createTrainedModels({ intent, emotion });
    const k = createKeywordModels();
    const bot = '保证收益，稳赚不赔';
    expect(m.compliance(bot, 'bot')).toEqual(k.compliance(bot, 'bot'));
    expect(m.slots('预算大概五万')).toEqual(k.slots('预算大概五万'));
    expect(m.emotion('说重点，我很忙').label).toBe('impatient');
  });

  it('falls back to the keyword baseline for a missing model', () => {
    const m = createTrainedModels({ intent });
    const k = createKeywordModels();
    expect(m.emotion('太好了，谢谢')).toEqual(k.emotion('太好了，谢谢'));
    expect(m.version).toContain(`emotion@${k.version}`);
  });
});

describe('RememberedClassifier', () => {
  let model: TextClassifier;
  beforeAll(async () => {
    ({ model } = await trainTextClassifier(tinyIntentRecords(), TINY_OPTIONS));
  });
  afterAll(() => model.dispose());

  it('answers what the model answers, running it only for texts it has not heard lately', () => {
    const served = new RememberedClassifier(model);
    const run = vi.spyOn(model, 'probabilities');
    const first = ['what is my balance', '我的卡丢了', 'hello'];
    expect(served.probabilities(first)).toEqual(model.probabilities(first));
    run.mockClear();
    const again = ['hello', 'lost my card', 'what is my balance', 'lost my card'];
    const probs = served.probabilities(again);
    expect(run.mock.calls).toEqual([[['lost my card', 'lost my card']]]);
    run.mockRestore();
    expect(probs).toEqual(model.probabilities(again));
    expect(served.predict(again)).toEqual(model.predict(again));
  });

  it('forgets every text when the served models are told to (an erasure)', () => {
    const served = createTrainedModels({ intent: model });
    served.intent('what is my balance');
    const run = vi.spyOn(model, 'probabilities');
    served.intent('what is my balance');
    expect(run).not.toHaveBeenCalled();
    served.forget!();
    served.intent('what is my balance');
    expect(run).toHaveBeenCalledTimes(1);
    run.mockRestore();
  });

  it('forgets the least recently heard past 4,096 texts', () => {
    const served = new RememberedClassifier(model);
    served.probabilities(['kept']);
    const texts = Array.from({ length: 4095 }, (_, i) => `text ${i}`);
    for (let i = 0; i < texts.length; i += 512) served.probabilities(texts.slice(i, i + 512));
    served.probabilities(['kept']); // heard again: now the most recently heard
    served.probabilities(['one more']); // the 4,097th: the least recently heard goes
    const run = vi.spyOn(model, 'probabilities');
    served.probabilities(['kept', 'text 0', 'text 1', 'text 4094']);
    expect(run.mock.calls).toEqual([[['text 0']]]);
    run.mockRestore();
  });
});
