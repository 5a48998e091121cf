// Breakdown: every KPI by one dimension (region … hour, day) as a chart of the
// chosen metric and a sortable table, following the kpis subscription.
import { createBreakdownChart } from '../charts/breakdown-chart.js';
import { h, select } from '../dom.js';
import { rangeStart, whereArg } from '../filters.js';
import { liveFeed } from '../live-feed.js';
import {
  DIMENSION_LABELS,
  formatMetric,
  METRICS,
  TABLE_METRICS,
  type MetricKey,
} from '../metrics.js';
import { KPIS_LIVE, KPIS_QUERY } from '../queries/kpis.js';
import { createBanner } from '../ui/banner.js';
import { chartBox } from '../ui/chart-box.js';
import { panel } from '../ui/panel.js';
import { stateBox } from '../ui/states.js';
import { dataTable, type Column } from '../ui/table.js';
import type { Dimension, KpiRow } from '../types.js';
import type { MountView } from '../view.js';
import { createFilterBar } from './filter-bar.js';

const DIMENSIONS = Object.keys(DIMENSION_LABELS) as Dimension[];
const ordered = (d: Dimension): boolean => d === 'HOUR' || d === 'DAY';

export const mountBreakdown: MountView = (root, ctx) => {
  const { filters } = ctx;
  let by: Dimension = 'REGION';
  let metric: MetricKey = 'conversionRate';
  let from = rangeStart(filters.state.range);

  const bar = createFilterBar(ctx);
  const banner = createBanner();
  const dimension = select(
    'breakdown-by',
    DIMENSIONS.map((d) => ({ value: d, label: DIMENSION_LABELS[d] })),
    by,
    { 'data-testid': 'breakdown-by' },
  );
  const metricSelect = select(
    'breakdown-metric',
    TABLE_METRICS.map((m) => ({ value: m, label: METRICS[m].label })),
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

  const columns: Column<KpiRow>[] = [
    {
      id: 'key',
      label: 'Value',
      sort: (r) => r.key,
      render: (r) => h('span', { class: 'nowrap' }, r.key),
    },
    ...TABLE_METRICS.map((m): Column<KpiRow> => ({
      id: m,
      label: METRICS[m].short,
      title: `${METRICS[m].label}: ${METRICS[m].help}`,
      align: 'right',
      sort: (r) => r[m],
      render: (r) => formatMetric(m, r[m]),
    })),
  ];
  const table = dataTable<KpiRow>({
    columns,
    caption: 'KPIs by dimension value',
    rowKey: (r) => r.key,
    sort: { id: 'calls', dir: 'desc' },
    testid: 'breakdown-table',
    emphasis: metric,
  });
  const tablePanel = panel('All KPIs', { testid: 'panel-breakdown-table' });
  const tableState = h('div');
  tablePanel.body.append(table.el, tableState);

  const titles = (): void => {
    const dim = DIMENSION_LABELS[by].toLowerCase();
    chartPanel.title.textContent = `${METRICS[metric].label} by ${dim}`;
    tablePanel.title.textContent = `All KPIs by ${dim}`;
  };
  titles();

  root.append(h('div', { class: 'view-head' }, bar.el), banner.el, chartPanel.el, tablePanel.el);
  const chart = createBreakdownChart(box.canvas);

  let rows: KpiRow[] = [];
  const draw = (): void => {
    table.setRows(rows);
    table.el.hidden = rows.length === 0;
    tableState.replaceChildren(
      rows.length === 0
        ? stateBox('empty', 'No calls in this range', 'Try a longer time range or fewer filters.')
        : '',
    );
    if (rows.length === 0) {
      chart.clear();
      box.overlay('No calls in this range', 'empty');
      return;
    }
    box.overlay(null);
    const count = METRICS[metric].kind === 'count';
    chart.render(rows, count ? metric : 'calls', count ? null : metric);
  };
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
    metric = metricSelect.value as MetricKey;
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
