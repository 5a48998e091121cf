// Breakdown: every KPI by one dimension (region … hour, day) as a chart of the
// chosen metric and a sortable table, following the kpis subscription.
import { createBreakdownChart } from '../../charts/breakdown-chart.js';
import { h, select } from '../../ui/dom.js';
import { rangeStart, whereArg } from '../../shell/range-filters.js';
import { liveFeed } from '../../shell/live-feed.js';
import {
  DIMENSION_CATALOGUE,
  DIMENSION_NAMES,
  formatKpi,
  KPIS,
  TABLE_KPIS,
  type KpiName,
} from '../../../analytics/kpis/kpi-catalogue.js';
import { KPIS_LIVE, KPIS_QUERY } from '../../queries/kpi-queries.js';
import { createBanner } from '../../ui/banner.js';
import { chartBox } from '../../ui/chart-box.js';
import { panel } from '../../ui/panel.js';
import { stateBox } from '../../ui/states.js';
import { dataTable, type Column } from '../../ui/table.js';
import type { Dimension, KpiRow } from '../../queries/kpi-queries.js';
import type { MountView } from '../../shell/view-context.js';
import { createFilterBar } from '../../shell/filter-bar.js';

const ordered = (d: Dimension): boolean => d === 'HOUR' || d === 'DAY';
const NO_CALLS = ['No calls in this range', 'Try a longer time range or fewer filters.'] as const;

/** The chart's panel, with its dimension and metric pickers. */
function chartParts(by: Dimension, metric: KpiName) {
  const dimension = select(
    'breakdown-by',
    DIMENSION_NAMES.map((d) => ({ value: d, label: DIMENSION_CATALOGUE[d].label })),
    by,
    { 'data-testid': 'breakdown-by' },
  );
  const metricSelect = select(
    'breakdown-metric',
    TABLE_KPIS.map((m) => ({ value: m, label: KPIS[m].label })),
    metric,
    { 'data-testid': 'breakdown-metric' },
  );
  const box = chartBox('breakdown-chart', 'lg');
  const chartPanel = panel('', {
    testid: 'panel-breakdown-chart',
    actions: [
      h('label', { class: 'picker', for: 'breakdown-by' }, 'By'),
      dimension,
      h('label', { class: 'picker', for: 'breakdown-metric' }, 'Metric'),
      metricSelect,
    ],
  });
  chartPanel.body.append(box.wrap);
  return { dimension, metricSelect, box, chartPanel };
}

/** Every table KPI of the catalogue as a sortable column, after the dimension value. */
const COLUMNS: Column<KpiRow>[] = [
  {
    id: 'key',
    label: 'Value',
    sort: (r) => r.key,
    render: (r) => h('span', { class: 'nowrap' }, r.key),
  },
  ...TABLE_KPIS.map((m): Column<KpiRow> => ({
    id: m,
    label: KPIS[m].short,
    title: `${KPIS[m].label}: ${KPIS[m].help}`,
    align: 'right',
    sort: (r) => r[m],
    render: (r) => formatKpi(m, r[m]),
  })),
];

/** The table of every KPI by dimension value, and where it says there is none. */
function tableParts(metric: KpiName) {
  const table = dataTable<KpiRow>({
    columns: COLUMNS,
    caption: 'KPIs by dimension value',
    rowKey: (r) => r.key,
    sort: { id: 'calls', dir: 'desc' },
    testid: 'breakdown-table',
    emphasis: metric,
  });
  const tablePanel = panel('All KPIs', { testid: 'panel-breakdown-table' });
  const tableState = h('div');
  tablePanel.body.append(table.el, tableState);
  return { table, tablePanel, tableState };
}

/** The rows in the table and the chart: a count as bars, any other KPI as a line over the dials. */
function drawBreakdown(
  rows: KpiRow[],
  metric: KpiName,
  ui: Pick<ReturnType<typeof tableParts>, 'table' | 'tableState'> & {
    box: ReturnType<typeof chartBox>;
    chart: ReturnType<typeof createBreakdownChart>;
  },
): void {
  ui.table.setRows(rows);
  ui.table.el.hidden = rows.length === 0;
  ui.tableState.replaceChildren(rows.length === 0 ? stateBox('empty', ...NO_CALLS) : '');
  if (rows.length === 0) {
    ui.chart.clear();
    ui.box.overlay(NO_CALLS[0], 'empty');
    return;
  }
  ui.box.overlay(null);
  const count = KPIS[metric].format === 'count';
  ui.chart.render(rows, count ? metric : 'calls', count ? null : metric);
}

export const mountBreakdown: MountView = (root, ctx) => {
  const { filters } = ctx;
  let by: Dimension = 'REGION';
  let metric: KpiName = 'conversionRate';
  let from = rangeStart(filters.state.range);

  const bar = createFilterBar(ctx);
  const banner = createBanner();
  const { dimension, metricSelect, box, chartPanel } = chartParts(by, metric);
  const { table, tablePanel, tableState } = tableParts(metric);
  const titles = (): void => {
    const dim = DIMENSION_CATALOGUE[by].label.toLowerCase();
    chartPanel.title.textContent = `${KPIS[metric].label} by ${dim}`;
    tablePanel.title.textContent = `All KPIs by ${dim}`;
  };
  titles();

  root.append(h('div', { class: 'view-head' }, bar.el), banner.el, chartPanel.el, tablePanel.el);
  const chart = createBreakdownChart(box.canvas);

  let rows: KpiRow[] = [];
  const draw = (): void => drawBreakdown(rows, metric, { table, tableState, box, chart });
  const show = (next: KpiRow[]): void => {
    rows = ordered(by) ? [...next].sort((a, b) => a.key.localeCompare(b.key)) : next;
    draw();
  };

  const variables = () => ({ by, from, where: whereArg(filters.state.where) });
  const feed = liveFeed({
    ctx,
    load: async (stale) => {
      const { data } = await ctx.client.query({ query: KPIS_QUERY, variables: variables() });
      if (data && !stale()) show(data.kpis);
    },
    subscription: KPIS_LIVE,
    variables,
    onData: (data) => show(data.kpis),
    onError: (message) => banner.set(message && `Cannot load the breakdown: ${message}`),
  });

  const restart = (): void => {
    box.overlay('Loading…');
    feed.restart();
  };
  const offFilters = filters.watchRange((start, moved) => {
    from = start;
    if (moved) feed.restart();
    else restart();
  });
  dimension.addEventListener('change', () => {
    by = dimension.value as Dimension;
    titles();
    table.sortBy(ordered(by) ? 'key' : 'calls', ordered(by) ? 'asc' : 'desc');
    restart();
  });
  metricSelect.addEventListener('change', () => {
    metric = metricSelect.value as KpiName;
    titles();
    table.setEmphasis(metric);
    draw();
  });

  return {
    destroy() {
      feed.stop();
      offFilters();
      bar.destroy();
      chart.dispose();
    },
  };
};
