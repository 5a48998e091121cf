// The KPI fields the dashboard asks for, from the KPI catalogue: a KPI added
// there is asked for by every KPI query, and (through the generated types)
// typed in every row the views read. Text, not gql: scripts/dashboard-types.mjs
// reads these too, to generate the types.
import {
  KPI_NAMES,
  RATE_TREND_KPIS,
  VOLUME_TREND_KPIS,
} from '../../analytics/kpis/kpi-catalogue.js';

/** A whole KPI row: its key, every KPI, and whether customers were sampled. */
export const KPI_FRAGMENT = `fragment Kpi on KpiRow { key customersSampled ${KPI_NAMES.join(' ')} }`;

/** What the trend charts draw: each bucket's start and the KPIs they plot. */
export const TREND_FRAGMENT = `fragment TrendKpis on KpiRow {
  at ${[...VOLUME_TREND_KPIS, ...RATE_TREND_KPIS].join(' ')}
}`;

export const BUILT_KPI_FRAGMENTS = [KPI_FRAGMENT, TREND_FRAGMENT];
