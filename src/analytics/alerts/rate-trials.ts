/**
 * The denominator ("trials") of each alertable rate KPI, as the catalogue
 * defines the rate: a rate's significance rests on how many trials it is
 * over. A KPI that is not a share of something (counts, durations, money)
 * has none, and its rules are judged by their threshold alone.
 */
import type { KpiValues } from '../kpis/index.js';
import type { AlertMetric } from './deviation-rules.js';

export const RATE_TRIALS: Partial<Record<AlertMetric, (row: KpiValues) => number>> = {
  connectRate: (r) => r.calls,
  conversionRate: (r) => r.calls,
  abandonRate: (r) => r.answered + r.abandoned,
  transferRate: (r) => r.answered,
  complaintRate: (r) => r.answered,
};
