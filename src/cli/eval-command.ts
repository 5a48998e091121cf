import { servedTextModel } from '../app/index.js';
import { systemClock } from '../core/clock.js';
import type { Config } from '../core/config.js';
import { DialwiseError } from '../core/errors.js';
import type { Logger } from '../core/log.js';
import { createKeywordModels } from '../models/keyword/index.js';
import { loadTextModel } from '../models/text/model-folder.js';
import { createTrainedModels } from '../models/trained-models.js';
import type { TurnModels } from '../models/types.js';
import {
  evaluateOptOut,
  isTextTask,
  keywordIntentEval,
  loadOptOutRecords,
  loadRecords,
  runComplianceEval,
  runEval,
  TEXT_TASKS,
  classificationMetrics,
  type LabelledFields,
} from '../training/index.js';

const USAGE = `usage: dialwise eval ${TEXT_TASKS.join('|')} [--model DIR] --data F | eval opt-out [--model DIR] --data F | eval compliance [--model rules|CONFIG.json] --data F (dialwise eval --help)`;

/** The simplest baseline of a label set: its most frequent test label for every item. */
function majorityEval(records: readonly { label: string }[]) {
  const counts = new Map<string, number>();
  for (const r of records) counts.set(r.label, (counts.get(r.label) ?? 0) + 1);
  const top = [...counts].sort((a, b) => b[1] - a[1])[0]?.[0] ?? '';
  return classificationMetrics(
    records.map((r) => r.label),
    records.map(() => top),
  );
}

const headline = (m: { n: number; accuracy: number; macroF1: number }) => ({
  n: m.n,
  accuracy: m.accuracy,
  macroF1: m.macroF1,
});

/** The turn models over the given model folders, the rules where a folder is null. */
async function turnModels(dirs: {
  intent: string | null;
  optout: string | null;
}): Promise<{ turn: TurnModels; dispose(): void }> {
  const intent = dirs.intent === null ? undefined : await loadTextModel(dirs.intent);
  const optout = dirs.optout === null ? undefined : await loadTextModel(dirs.optout);
  if (!intent && !optout) return { turn: createKeywordModels(), dispose() {} };
  return {
    turn: createTrainedModels({ intent, optout }),
    dispose: () => [intent, optout].forEach((m) => m?.dispose()),
  };
}

/**
 * The spoken opt-out as the platform hears it: the rules, then the opt-out
 * classifier (or the intent model's `opt_out`) where they heard nothing;
 * next to the rules alone. `--model` names an opt-out classifier folder.
 */
async function optOutEval(
  config: Config,
  logger: Logger,
  data: string,
  model: string | undefined,
  fields: LabelledFields | undefined,
) {
  const records = await loadOptOutRecords(data, fields);
  const served = (name: 'intent' | 'optout') => servedTextModel(config, logger, systemClock, name);
  const optout =
    model === undefined ? await served('optout') : { source: `dir:${model}`, dir: model };
  const intent = await served('intent');
  const { turn, dispose } = await turnModels({ intent: intent.dir, optout: optout.dir });
  try {
    const heard = evaluateOptOut(
      records,
      (text, speaker = 'customer') => turn.optOut(text, speaker).optOut,
    );
    const { misses: _misses, ...rules } = evaluateOptOut(records);
    return {
      task: 'opt-out',
      model: { optout: optout.source, intent: intent.source },
      ...heard,
      rulesOnly: rules,
    };
  } finally {
    dispose();
  }
}

/**
 * `dialwise eval`: a model folder given with --model, else what the platform
 * serves by default (the intent champion, trained first at first use), with
 * the keyword baseline on the same data beside every intent figure.
 */
export async function evaluate(
  config: Config,
  logger: Logger,
  sub: string | undefined,
  values: {
    model?: string | undefined;
    data?: string | undefined;
    fields?: LabelledFields;
    predictions?: string | undefined;
  },
) {
  const { model, data, fields, predictions } = values;
  if (!data) throw new DialwiseError('BAD_REQUEST', USAGE);
  if (sub === 'compliance') return runComplianceEval({ model: model ?? 'rules', data, fields });
  if (sub === 'opt-out') return optOutEval(config, logger, data, model, fields);
  const served =
    model === undefined && (sub === 'intent' || sub === 'optout')
      ? await servedTextModel(config, logger, systemClock, sub)
      : undefined;
  const dir = served ? served.dir : (model ?? null);
  if (!isTextTask(sub) || ((sub === 'emotion' || sub === 'classify') && !model))
    throw new DialwiseError('BAD_REQUEST', USAGE);
  const records = await loadRecords(data, 'test', fields);
  const baseline =
    sub === 'intent'
      ? { keywordBaseline: headline(keywordIntentEval(records)) }
      : { majorityBaseline: headline(majorityEval(records)) };
  if (dir === null && sub === 'intent')
    return { task: sub, model: 'baseline', ...keywordIntentEval(records), ...baseline };
  if (dir === null)
    throw new DialwiseError('BAD_REQUEST', `no ${sub} model is served; pass --model DIR`);
  const result = await runEval({ task: sub, model: dir, data, records, predictions });
  return { ...result, ...(served && { model: served.source }), ...baseline };
}
