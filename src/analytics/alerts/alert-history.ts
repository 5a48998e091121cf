/**
 * What one alert round reads for one dimension: the KPIs of the last 60
 * minutes per dimension value, and only the past hours a baseline looks at.
 */
import type { Store } from '../../core/store/store.js';
import { kpiSeries, kpisBy, needsCustomers, type KpiRow } from '../kpis/index.js';
import { baselineHours } from './baseline.js';
import type { AlertRule } from './deviation-rules.js';

const HOUR = 3_600_000;
/** Recent hours the EWMA fallback reads. */
const EWMA_HOURS = 48;

export type KpiHour = KpiRow & { at: Date };

export interface RuleInputs {
  /** Past hours per dimension value, oldest first. */
  history: Map<string, KpiHour[]>;
  /** The last 60 minutes per dimension value. */
  current: Map<string, KpiRow>;
}

/**
 * One read per dimension, however many rules watch it: the longest history
 * any of `watching` needs, the hours the baseline's tiers look at (the same
 * hours of each past week and of the last 7 days, and the recent hours for
 * the EWMA: an hour two days back weighs 0.7^48, under 1e-7, in it).
 */
export async function readRuleInputs(
  store: Store,
  watching: readonly AlertRule[],
  dimension: AlertRule['dimension'],
  now: Date,
): Promise<RuleInputs> {
  const weeks = Math.max(...watching.map((r) => r.weeks));
  // Distinct customers cost the most to count: only when a rule watches a KPI that needs them.
  const customers = needsCustomers(watching.map((r) => r.metric));
  const nowHour = Math.floor(now.getTime() / HOUR) * HOUR;
  const hours = baselineHours(now, weeks, EWMA_HOURS);
  const from = new Date(Math.min(...hours)).toISOString();
  const history = new Map<string, KpiHour[]>();
  const filter = { from, to: new Date(nowHour).toISOString(), hours, customers };
  for (const h of await kpiSeries(store, 'hour', dimension, filter)) {
    const list = history.get(String(h.key));
    if (list) list.push(h);
    else history.set(String(h.key), [h]);
  }
  const window = { from: new Date(now.getTime() - HOUR).toISOString(), to: now.toISOString() };
  const current = await kpisBy(store, dimension, { ...window, customers });
  return { history, current: new Map(current.map((c) => [String(c.key), c])) };
}
