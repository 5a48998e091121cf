import { createKeywordModels, type KeywordModelOptions } from './keyword/index.js';
import { keywordEmotion } from './keyword/emotion.js';
import type { TextClassifier } from './text/classifier.js';
import { mapEmotion } from './text/emotion-map.js';
import type { OptOut } from './opt-out/index.js';
import type { EmotionResult, IntentResult, TurnModels } from './types.js';

const round2 = (v: number): number => Math.round(v * 100) / 100;

/** A flagged prediction of a model with a fallback label (out_of_scope) reports that label. */
const toIntent =
  (oosLabel: string | null) =>
  (p: { label: string; confidence: number; outOfScope: boolean }): IntentResult => ({
    intent: p.outOfScope && oosLabel !== null ? oosLabel : p.label,
    confidence: round2(p.confidence),
    outOfScope: p.outOfScope,
  });

/**
 * Neither emotion dataset has impatience; the keyword cue ("说重点", "I'm
 * busy") keeps it, unless the model hears anger, which outranks it.
 */
function withImpatience(text: string, trained: EmotionResult): EmotionResult {
  if (trained.label === 'angry') return trained;
  const cue = keywordEmotion(text);
  return cue.label === 'impatient'
    ? { label: 'impatient', valence: Math.min(cue.valence, trained.valence, -0.2) }
    : trained;
}

/** Texts whose probabilities a served classifier remembers. */
const REMEMBERED_TEXTS = 4096;

/**
 * A served classifier's probabilities, the most recently heard texts
 * remembered: the decision engine understands a customer's turn and the
 * pipeline then records that same turn, and short replies ("嗯", "好的")
 * come again and again; each is run through the model once. Exact: a model
 * is a pure function of the text, and a promoted model is served anew.
 */
export class RememberedClassifier {
  private readonly recent = new Map<string, Float32Array>();

  constructor(readonly model: TextClassifier) {}

  probabilities(texts: readonly string[]): Float32Array {
    const n = this.model.labels.length;
    const out = new Float32Array(texts.length * n);
    const unheard: number[] = [];
    texts.forEach((t, i) => {
      const row = this.recent.get(t);
      if (!row) return void unheard.push(i);
      out.set(row, i * n);
      this.recent.delete(t); // to the back: most recently used
      this.recent.set(t, row);
    });
    if (unheard.length === 0) return out;
    const probs = this.model.probabilities(unheard.map((i) => texts[i]!));
    unheard.forEach((i, k) => {
      const row = probs.slice(k * n, (k + 1) * n);
      out.set(row, i * n);
      this.recent.set(texts[i]!, row);
    });
    for (const oldest of this.recent.keys()) {
      if (this.recent.size <= REMEMBERED_TEXTS) break;
      this.recent.delete(oldest);
    }
    return out;
  }

  forget(): void {
    this.recent.clear();
  }

  predict(texts: readonly string[]) {
    return this.model.decideAll(this.probabilities(texts));
  }
}

const remember = (m: TextClassifier | undefined) => m && new RememberedClassifier(m);

function emotionsOf(model: RememberedClassifier, texts: readonly string[]): EmotionResult[] {
  const probs = model.probabilities(texts);
  const n = model.model.labels.length;
  return texts.map((t, i) =>
    withImpatience(t, mapEmotion(model.model.labels, probs.subarray(i * n, (i + 1) * n))),
  );
}

export interface TrainedModels {
  intent?: TextClassifier | undefined;
  emotion?: TextClassifier | undefined;
  optout?: TextClassifier | undefined;
}

type Served = { [K in keyof TrainedModels]?: RememberedClassifier | undefined };

/**
 * The opt-out classifier's probability at which it fires where the rules
 * heard nothing: 0.5, chosen on datasets/telesales/optout-val.jsonl (written
 * after the rules, used for nothing else): there the rules alone reach
 * recall 0.90, with the classifier 0.99 at precision 0.94 (docs/speech.md).
 */
export const OPT_OUT_AT = 0.5;

const BY_MODEL = (cue: string): OptOut => ({ optOut: true, cue, kind: 'model' });

/** Which texts a model hears as an opt-out, in one forward pass: the classifier, else the intent model. */
function modelOptOuts(models: Served, texts: readonly string[]): boolean[] {
  const { optout, intent } = models;
  const yes = optout?.model.labels.indexOf('opt_out') ?? -1;
  if (optout && yes >= 0) {
    const probs = optout.probabilities(texts);
    const n = optout.model.labels.length;
    return texts.map((_, i) => probs[i * n + yes]! >= OPT_OUT_AT);
  }
  if (!intent) return texts.map(() => false);
  return intent.predict(texts).map((p) => p.label === 'opt_out' && !p.outOfScope);
}

/**
 * Customer turns' opt-out signals: the rules first (a hit, a deferral or a
 * denial decides); where they heard nothing, the opt-out classifier (else
 * the intent model's `opt_out`). One forward pass for the whole batch.
 */
function optOutsOf(rules: TurnModels['optOut'], models: Served) {
  const cue = models.optout ? 'model:opt_out' : 'intent:opt_out';
  return (texts: readonly string[]): OptOut[] => {
    const heard = texts.map((t) => rules(t, 'customer'));
    const open = heard.flatMap((h, i) => (h.optOut || h.deferral || h.denied ? [] : [i]));
    if (open.length === 0) return heard;
    const fired = modelOptOuts(
      models,
      open.map((i) => texts[i]!),
    );
    open.forEach((i, k) => {
      if (fired[k]) heard[i] = BY_MODEL(cue);
    });
    return heard;
  };
}

/**
 * The TurnModels interface over trained text classifiers: intent and emotion
 * from the models given (the keyword baseline for a missing one), compliance
 * and slots always from the keyword rules, which are auditable by design.
 */
export function createTrainedModels(
  models: TrainedModels,
  opts: KeywordModelOptions = {},
): TurnModels {
  const keyword = createKeywordModels(opts);
  const served: Served = {
    intent: remember(models.intent),
    emotion: remember(models.emotion),
    optout: remember(models.optout),
  };
  const { intent, emotion } = served;
  const optOuts = optOutsOf(keyword.optOut, served);
  const tag = (name: string, m?: TextClassifier) =>
    m ? `${name}@${m.meta.data.sha256.slice(0, 8)}` : `${name}@${keyword.version}`;
  return {
    version: `trained-1(${tag('intent', models.intent)},${tag('emotion', models.emotion)},${tag('optout', models.optout)})`,
    intentLabels: intent ? intent.model.labels : keyword.intentLabels,
    intent: intent
      ? (text) => toIntent(intent.model.meta.oosLabel)(intent.predict([text])[0]!)
      : keyword.intent,
    intentBatch: intent
      ? (texts) => intent.predict(texts).map(toIntent(intent.model.meta.oosLabel))
      : (texts) => texts.map(keyword.intent),
    emotion: emotion ? (text) => emotionsOf(emotion, [text])[0]! : keyword.emotion,
    emotionBatch: emotion
      ? (texts) => emotionsOf(emotion, texts)
      : (texts) => texts.map(keyword.emotion),
    compliance: keyword.compliance,
    slots: keyword.slots,
    // Agent lines: the rules' record of an opt-out only.
    optOut: (text, speaker) =>
      speaker === 'agent' ? keyword.optOut(text, speaker) : optOuts([text])[0]!,
    optOutBatch: optOuts,
    forget: () => Object.values(served).forEach((m) => m?.forget()),
  };
}
