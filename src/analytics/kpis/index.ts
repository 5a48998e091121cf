// KPIs: the catalogue (what each KPI is), the queries over the calls and
// their hourly roll-up, the touches per channel, and the CSV/Parquet export.
// The only entry for other folders.
export * from './kpi-catalogue.js';
export { kpiSeries, kpisBy, totals, type KpiFilter, type Totals } from './kpi-aggregate.js';
export { csvSafe, exportKpis, KPI_COLUMNS, type KpiExportRequest } from './kpi-export.js';
export { refreshRollup, rollUpAgain } from './kpi-rollup.js';
export { touchesByChannel, type TouchFilter } from './touch-kpis.js';
export { callbackCounts, type CallbackCounts } from './callback-counts.js';
