import { dialingSegmentOf, industryOf, type DialingRules } from './dialing-rules.js';
import type { LocalTime } from './local-time.js';

/**
 * P(answer) per industry × weekday/weekend × local hour as a Beta
 * posterior: the configured prior rate p of the industry's segment counts
 * as `priorWeight` calls (p·w answered, (1-p)·w not), observations add to
 * it. Plain JSON; persist `counts` and rebuild the rest from the rules.
 */
export interface AnswerModel {
  priorWeight: number;
  /** industry → segment, as in the rules. */
  industries: Record<string, string>;
  defaultSegment: string;
  /** Prior answer rate per segment and local hour 0..23. */
  priors: Record<string, { weekday: number[]; weekend: number[] }>;
  /** Observed calls per "industry|weekday|hour" or "industry|weekend|hour". */
  counts: Record<string, { answered: number; unanswered: number }>;
}

/** A model with the rules' priors and, optionally, counts learned before. */
export function newAnswerModel(
  rules: DialingRules,
  counts: AnswerModel['counts'] = {},
): AnswerModel {
  return {
    priorWeight: rules.answerPriorWeight,
    industries: rules.industries,
    defaultSegment: rules.defaultSegment,
    priors: Object.fromEntries(
      Object.entries(rules.segments).map(([name, s]) => [name, s.answerPrior]),
    ),
    counts,
  };
}

type HourOfWeek = Pick<LocalTime, 'weekday' | 'hour'>;

const dayType = (t: HourOfWeek) => (t.weekday === 0 || t.weekday === 6 ? 'weekend' : 'weekday');
const cellOf = (industry: string, t: HourOfWeek) => `${industry}|${dayType(t)}|${t.hour}`;

/** The model with one more call placed at local time `at` counted. */
export function observe(
  model: AnswerModel,
  industry: string | null | undefined,
  at: HourOfWeek,
  answered: boolean,
): AnswerModel {
  const key = cellOf(industryOf(industry), at);
  const c = model.counts[key] ?? { answered: 0, unanswered: 0 };
  const next = answered
    ? { ...c, answered: c.answered + 1 }
    : { ...c, unanswered: c.unanswered + 1 };
  return { ...model, counts: { ...model.counts, [key]: next } };
}

/** Posterior mean chance that a call placed at local time `at` is answered. */
export function pAnswer(
  model: AnswerModel,
  industry: string | null | undefined,
  at: HourOfWeek,
): number {
  const name = industryOf(industry);
  const prior = model.priors[dialingSegmentOf(name, model)]![dayType(at)][at.hour]!;
  const c = model.counts[cellOf(name, at)] ?? { answered: 0, unanswered: 0 };
  const w = model.priorWeight;
  return (prior * w + c.answered) / (w + c.answered + c.unanswered);
}
