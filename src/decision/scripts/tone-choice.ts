/**
 * The tone of a call — the lines' short form or their full one — learned
 * like a script variant: a Thompson-sampling experiment with the arms
 * `concise` and `full` under the pseudo-node `tone`, one cell per industry
 * as the CRM record gives it (customers of a trade tend to like the same
 * pace of talk). It is drawn once per call, so a call keeps one tone and
 * the call's outcome rewards it; an impatient turn is still spoken short
 * (the dialog flow's `concise` rule), whatever was drawn.
 */
import type { Rng } from '../../core/rng.js';
import type { CustomerView } from '../customer-view.js';
import { industryOf } from '../dialing/index.js';
import { allocate, type ExperimentState } from './script-experiments.js';

export const TONE_NODE = 'tone';
export const TONES = ['full', 'concise'] as const;
export type Tone = (typeof TONES)[number];

/** The tone experiment's cell of a customer: their industry, or `unknown`. */
export const toneSegmentOf = (customer: CustomerView): string => industryOf(customer.crm.industry);

/**
 * Draws the call's tone, and notes it among the call's spoken arms so the
 * call's outcome rewards it (`spoken` as the session keeps it).
 */
export function chooseTone(
  experiment: ExperimentState,
  customer: CustomerView,
  spoken: { node: string; segment: string; variant: string }[],
  rng: Rng,
): Tone {
  const segment = toneSegmentOf(customer);
  const { variant } = allocate(experiment, TONE_NODE, segment, TONES, rng);
  spoken.push({ node: TONE_NODE, segment, variant });
  return variant as Tone;
}
