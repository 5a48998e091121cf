import { servedIntentModel } from '../app/index.js';
import { systemClock } from '../core/clock.js';
import type { Config } from '../core/config.js';
import { DialwiseError } from '../core/errors.js';
import type { Logger } from '../core/log.js';
import { createKeywordModels } from '../models/keyword/index.js';
import { turnOptOut } from '../models/opt-out/index.js';
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
} from '../training/index.js';

const USAGE = `usage: dialwise eval ${TEXT_TASKS.join('|')} [--model DIR] --data F.jsonl | eval opt-out [--model DIR] --data F.jsonl | eval compliance [--model rules|CONFIG.json] --data F.jsonl`;

const headline = (m: { n: number; accuracy: number; macroF1: number }) => ({
  n: m.n,
  accuracy: m.accuracy,
  macroF1: m.macroF1,
});

/** The turn models with the given intent model folder, or the keyword fallback. */
async function turnModels(dir: string | null): Promise<{ turn: TurnModels; dispose(): void }> {
  if (dir === null) return { turn: createKeywordModels(), dispose() {} };
  const intent = await loadTextModel(dir);
  return { turn: createTrainedModels({ intent }), dispose: () => intent.dispose() };
}

/**
 * The spoken opt-out as the platform hears it: the rules' signal joined with
 * the served intent model's `opt_out` (agent lines: the rules' record only),
 * next to the rules alone.
 */
async function optOutEval(dir: string | null, source: string, data: string) {
  const records = await loadOptOutRecords(data);
  const { turn, dispose } = await turnModels(dir);
  try {
    const served = evaluateOptOut(records, (text, speaker = 'customer') =>
      speaker === 'agent'
        ? turn.optOut(text, 'agent').optOut
        : turnOptOut(turn.intent(text), turn.optOut(text, 'customer')).optOut,
    );
    const { misses: _misses, ...rules } = evaluateOptOut(records);
    return { task: 'opt-out', model: source, ...served, rulesOnly: rules };
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
  values: { model?: string | undefined; data?: string | undefined },
) {
  const { model, data } = values;
  if (!data) throw new DialwiseError('BAD_REQUEST', USAGE);
  if (sub === 'compliance') return runComplianceEval({ model: model ?? 'rules', data });
  const served =
    model === undefined && (sub === 'intent' || sub === 'opt-out')
      ? await servedIntentModel(config, logger, systemClock)
      : undefined;
  const dir = served ? served.dir : (model ?? null);
  if (sub === 'opt-out') return optOutEval(dir, served?.source ?? `dir:${model}`, data);
  if (!isTextTask(sub) || (sub === 'emotion' && !model))
    throw new DialwiseError('BAD_REQUEST', USAGE);
  const records = await loadRecords(data);
  const baseline =
    sub === 'intent' ? { keywordBaseline: headline(keywordIntentEval(records)) } : {};
  if (dir === null)
    return { task: sub, model: 'baseline', ...keywordIntentEval(records), ...baseline };
  const result = await runEval({ task: sub, model: dir, data });
  return { ...result, ...(served && { model: served.source }), ...baseline };
}
